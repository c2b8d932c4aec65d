"""The reports a school sends upward and keeps: the progress report for the province (N21) — a school
summary and one row per leader, or one report over all schools for a province account — and each
leader's record for a term or a year (N19: appraisal, democratic-life meetings, party-building review).

Example: `progress_workbook(db, settings, scope, term, now)` is the .xlsx behind 导出 › 工作进展报表.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session, selectinload

from bot.config import Settings
from bot.console import stats
from bot.console.access import Scope
from bot.console.sheets import Sheet, workbook_bytes
from bot.console.stats import LinkRow, PersonRow, Tally
from bot.console.upstream import enabled_rules, semesters_before, teaching_weeks
from bot.contacts import KIND_ZH, VENUE_ZH
from bot.models import Concern, Contact, ContactCounterpart, Link, Person, School
from bot.records_export import CONFIRMATION_ZH, STAFF_NAMED, STUDENT_UNNAMED
from bot.roles import MIDDLE_CHIEF, SCHOOL_LEADER, STUDENT_AFFAIRS_HEAD, roles_zh

WEEKLY_RULE = "weekly_face_to_face"  # N1: the weeks with an in-person contact are counted against it
LECTURE_RULE = "semester_ideology_lecture"  # N2


# --- terms ---


@dataclass(frozen=True)
class Term:
    """The span a report covers: a semester or a calendar year, [start, end)."""

    key: str  # "semester:2026-08-31" or "year:2026"
    label: str
    start: date
    end: date  # exclusive

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)


def term_choices(settings: Settings, today: date) -> list[Term]:
    """Return the terms offered: the current (or last) semester and the two before, this year and last."""
    terms = [Term(f"semester:{p.start.isoformat()}", p.label, p.start, p.end)
             for p in semesters_before(settings, today, 3)]
    for year in (today.year, today.year - 1):
        terms.append(Term(f"year:{year}", f"{year}年度", date(year, 1, 1), date(year + 1, 1, 1)))
    return terms


def resolve_term(settings: Settings, key: str, today: date) -> Term | None:
    """Return the term a key names ("" is the first choice), or None if it names none."""
    choices = term_choices(settings, today)
    if not key:
        return choices[0]
    found = next((t for t in choices if t.key == key), None)
    if found is None and key.startswith("year:") and key[5:].isdigit() and 2000 <= int(key[5:]) <= today.year:
        year = int(key[5:])
        found = Term(key, f"{year}年度", date(year, 1, 1), date(year + 1, 1, 1))
    return found


def utc_bounds(settings: Settings, term: Term) -> tuple[datetime, datetime]:
    """Return the UTC moments of the term's first and end days at local midnight."""
    tz = settings.tz
    return (datetime.combine(term.start, time.min, tzinfo=tz), datetime.combine(term.end, time.min, tzinfo=tz))


# --- one row per leader ---


@dataclass
class LeaderLine:
    """A leader's figures for a term."""

    person: PersonRow
    school_name: str
    tally: Tally  # records by kind, front-line half-days, marked records
    weeks_met: int | None  # N1, school leaders only
    weeks_due: int | None
    lectures_due: bool  # N2 binds them
    links: list[LinkRow] = field(default_factory=list)
    talked: list[str] = field(default_factory=list)  # linked counselors/teachers met this term (N7)
    engaged: list[str] = field(default_factory=list)  # whose work they took part in (N8)

    def n(self, kind: str) -> int:
        return self.tally.n(kind)

    @property
    def not_talked(self) -> list[str]:
        return [link.mentee_name for link in self.links if link.mentee_name not in self.talked]


def leader_lines(db: Session, settings: Settings, people: list[PersonRow], contacts: ColumnElement[bool],
                 links: ColumnElement[bool], term: Term, today: date) -> list[LeaderLine]:
    """Return every leader's figures for a term, from five queries however many leaders there are.

    `contacts` and `links` are the WHERE clauses on Contact and Link covering these people.
    """
    window = (term.start, term.end)
    tallies = stats.term_counts(db, contacts, window)
    per_link = stats.link_counts(db, contacts, window)
    held = stats.links_during(db, links, term.start, min(term.end, today + timedelta(days=1)))
    rules = {r.id: r for r in enabled_rules(settings)}
    weekly, lecture = rules.get(WEEKLY_RULE), rules.get(LECTURE_RULE)
    weeks = [w for w in teaching_weeks(settings, term.start, term.end) if w.start <= today]
    met = stats.weeks_with(db, contacts, weekly.kinds, weeks) if weekly else {}
    names: dict[int, str] = {sid: name for sid, name in db.execute(select(School.id, School.name))}
    empty = Tally()
    out = []
    for person in people:
        bound = weekly is not None and bool(weekly.roles & person.roles)
        line = LeaderLine(person, names.get(person.school_id, ""), tallies.get(person.id, empty),
                          met.get(person.id, 0) if bound else None, len(weeks) if bound else None,
                          lecture is not None and bool(lecture.roles & person.roles), held.get(person.id, []))
        for link in line.links:
            kinds = per_link.get((person.id, link.mentee_id), ())
            if "mentee_talk" in kinds:
                line.talked.append(link.mentee_name)
            if "mentee_activity" in kinds:
                line.engaged.append(link.mentee_name)
        out.append(line)
    return out


LEADER_HEADERS = ("学校", "账号", "姓名", "部门", "职务", "角色", "联系记录", "面对面接触", "有面对面接触的周数",
                  "截至目前应接触周数", "讲授思政课/形势与政策课", "联系的辅导员/思政课教师", "已面对面交流", "尚未交流",
                  "已参与其工作", "线上联系（不计入面对面）", "深入一线（半天）", "补记", "有异议", "待确认")


def leader_cells(line: LeaderLine) -> list[Any]:
    """Return a leader's row of the progress report."""
    p = line.person
    t = line.tally
    return [line.school_name, p.userid, p.name, p.department, p.title, roles_zh(p.roles), t.records,
            line.n("face_to_face"), line.weeks_met if line.weeks_met is not None else "",
            line.weeks_due if line.weeks_due is not None else "", line.n("ideology_lecture"),
            len(line.links), len(line.talked), "、".join(line.not_talked), len(line.engaged), line.n("online"),
            round(t.half_days, 1), t.backdated, t.disputed, t.pending]


# --- one row per school ---


@dataclass
class ConcernFigures:
    raised: int = 0
    answered: int = 0
    resolved: int = 0
    overdue: int = 0
    groups: int = 0


def concern_figures(db: Session, settings: Settings, school_ids: tuple[int, ...], term: Term,
                    now: datetime) -> dict[int, ConcernFigures]:
    """Return, per school, the concerns raised in the term (marked abuse left out) and how they went."""
    start, end = utc_bounds(settings, term)
    overdue = (((Concern.first_response_at.is_(None)) & (Concern.first_response_due <= now))
               | ((Concern.resolved_at.is_(None)) & (Concern.resolve_due <= now)))
    stmt = (select(Concern.school_id, func.count(Concern.id),
                   func.sum(case((Concern.first_response_at.is_not(None), 1), else_=0)),
                   func.sum(case((Concern.status == "resolved", 1), else_=0)),
                   func.sum(case((overdue & Concern.status.not_in(("resolved", "spam")), 1), else_=0)),
                   func.count(func.distinct(Concern.group_id)))
            .where(Concern.school_id.in_(school_ids), Concern.abuse.is_(None), Concern.created_at >= start,
                   Concern.created_at < end)
            .group_by(Concern.school_id))
    return {row[0]: ConcernFigures(int(row[1]), int(row[2] or 0), int(row[3] or 0), int(row[4] or 0), int(row[5]))
            for row in db.execute(stmt)}


SCHOOL_HEADERS = ("学校", "统计期间", "校领导", "中层正职", "学工负责人", "联系记录", "面对面接触", "线上联系",
                  "面对面占比", "校领导周接触达标率", "已讲授思政课的校领导", "联系关系（对）", "已面对面交流（对）",
                  "已参与其工作（对）", "补记", "有异议", "学生反映问题", "已答复", "已办结", "超期未办结", "共性问题")


def school_cells(name: str, term: Term, lines: list[LeaderLine], concerns: ConcernFigures) -> list[Any]:
    """Return one school's summary row (also the province's total row, over all lines)."""
    f2f = sum(line.n("face_to_face") for line in lines)
    online = sum(line.n("online") for line in lines)
    due = sum(line.weeks_due or 0 for line in lines)
    met = sum(line.weeks_met or 0 for line in lines)
    lecturers = [line for line in lines if line.lectures_due]
    return [
        name, term.label,
        sum(SCHOOL_LEADER in line.person.roles for line in lines),
        sum(MIDDLE_CHIEF in line.person.roles for line in lines),
        sum(STUDENT_AFFAIRS_HEAD in line.person.roles for line in lines),
        sum(line.tally.records for line in lines), f2f, online,
        f"{round(100 * f2f / (f2f + online))}%" if f2f + online else "",
        f"{round(100 * met / due)}%" if due else "",
        f"{sum(1 for line in lecturers if line.n('ideology_lecture'))}/{len(lecturers)}",
        sum(len(line.links) for line in lines), sum(len(line.talked) for line in lines),
        sum(len(line.engaged) for line in lines),
        sum(line.tally.backdated for line in lines), sum(line.tally.disputed for line in lines),
        concerns.raised, concerns.answered, concerns.resolved, concerns.overdue, concerns.groups,
    ]


def progress_workbook(db: Session, settings: Settings, scope: Scope, term: Term, now: datetime, today: date,
                      whole_schools: bool) -> bytes:
    """Return the progress report for a viewer's scope: a summary sheet (a row per school, and a total for
    several) and a row per leader. `whole_schools` is False for a department head's part of a school."""
    school_ids = scope.school_ids
    people = stats.leaders(db, scope.people())
    lines = leader_lines(db, settings, people, scope.contacts(), scope.links(), term, today)
    concerns = concern_figures(db, settings, school_ids, term, now) if whole_schools else {}
    schools = list(db.scalars(select(School).where(School.id.in_(school_ids)).order_by(School.id)))
    by_school: dict[int, list[LeaderLine]] = {}
    for line in lines:
        by_school.setdefault(line.person.school_id, []).append(line)
    summary = [school_cells(s.name, term, by_school.get(s.id, []), concerns.get(s.id, ConcernFigures()))
               for s in schools]
    if len(schools) > 1:
        total = ConcernFigures(*(sum(getattr(c, f) for c in concerns.values())
                                 for f in ("raised", "answered", "resolved", "overdue", "groups")))
        summary.append(school_cells(f"合计（{len(schools)}所学校）", term, lines, total))
    notes = [
        ("报表", "高校领导干部深入基层联系学生、辅导员和思政课教师工作进展"),
        ("统计期间", f"{term.label}（{term.start.isoformat()} 至 {term.last.isoformat()}）"),
        ("生成时间", now.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")),
        ("面对面接触", "进课堂、班级、宿舍、食堂、社团、讲座等与学生当面接触；线上（键对键）联系单列，不计入面对面"),
        ("周接触达标率", "校领导有面对面接触（含讲课、参与辅导员/思政课教师工作）的教学周数 ÷ 截至目前的教学周数"),
        ("联系关系", "校领导、中层正职联系的辅导员/思政课教师；已面对面交流、已参与其工作按人计"),
        ("补记/有异议", "补记：事后超过规定天数登记；有异议：被联系的辅导员/思政课教师对记录提出异议"),
    ]
    return workbook_bytes([
        Sheet("学校汇总", SCHOOL_HEADERS, summary),
        Sheet("领导干部明细", LEADER_HEADERS, (leader_cells(line) for line in lines)),
        Sheet("说明", ("项目", "说明"), notes, widths=(16, 90)),
    ])


# --- one leader's record for a term (N19) ---


RECORD_HEADERS = ("日期", "类型", "场所", "地点/班级/社团", "学生人数", "联系对象", "内容", "确认状态", "补记",
                  "收到时间", "原始消息")


@dataclass
class LeaderRecord:
    """What a leader did in a term: the summary and every record."""

    person: Person
    school: School
    term: Term
    line: LeaderLine
    contacts: list[Contact]
    concerns_owned: int
    summary: list[tuple[str, str]] = field(default_factory=list)


def leader_record(db: Session, settings: Settings, person: Person, term: Term, today: date) -> LeaderRecord:
    """Collect one leader's record for a term."""
    school = db.get(School, person.school_id)
    assert school is not None
    row = stats.leaders(db, Person.id == person.id)
    if not row:  # not (or no longer) a leader: still show what they recorded
        row = [PersonRow(person.id, person.school_id, person.userid, person.name, person.department, person.title,
                         person.roles)]
    line = leader_lines(db, settings, row, Contact.person_id == person.id, Link.leader_id == person.id, term,
                        today)[0]
    contacts = list(db.scalars(
        select(Contact).where(Contact.person_id == person.id, Contact.deleted_at.is_(None),
                              Contact.occurred_on >= term.start, Contact.occurred_on < term.end)
        .options(selectinload(Contact.counterparts).selectinload(ContactCounterpart.person))
        .order_by(Contact.occurred_on, Contact.id)))
    start, end = utc_bounds(settings, term)
    owned = db.scalar(select(func.count(Concern.id)).where(Concern.owner_id == person.id,
                                                           Concern.created_at >= start, Concern.created_at < end))
    record = LeaderRecord(person, school, term, line, contacts, int(owned or 0))
    record.summary = summary_pairs(record)
    return record


def summary_pairs(record: LeaderRecord) -> list[tuple[str, str]]:
    """Return the record's summary as (item, value) lines, in Chinese."""
    line, p = record.line, record.person
    t = line.tally
    pairs = [("姓名", p.name), ("学校", record.school.name), ("部门", p.department), ("职务", p.title),
             ("角色", roles_zh(p.roles)), ("统计期间", record.term.label), ("联系记录", f"{t.records}条"),
             ("面对面接触", f"{line.n('face_to_face')}次")]
    if line.weeks_due is not None:
        pairs.append(("有面对面接触的教学周", f"{line.weeks_met}/{line.weeks_due}周"))
    if line.lectures_due or line.n("ideology_lecture"):
        pairs.append(("讲授思政课/形势与政策课", f"{line.n('ideology_lecture')}次"))
    if line.links:
        pairs.append(("联系的辅导员/思政课教师", "、".join(link.mentee_name for link in line.links)))
        pairs.append(("已面对面交流", "、".join(line.talked) or "无"))
        pairs.append(("已参与其工作", "、".join(line.engaged) or "无"))
    if t.half_days:
        pairs.append(("深入一线", f"{t.half_days:g}个半天"))
    pairs += [("线上联系（不计入面对面）", f"{line.n('online')}次"),
              ("负责办理的学生反映问题", f"{record.concerns_owned}件"),
              ("补记 / 有异议 / 待确认", f"{t.backdated} / {t.disputed} / {t.pending}")]
    return pairs


def record_cells(contact: Contact, settings: Settings, words: bool = True) -> list[Any]:
    """Return one record's row of a leader's record (without `words`: no message, students not named)."""
    return [contact.occurred_on.isoformat(), KIND_ZH.get(contact.kind, contact.kind),
            VENUE_ZH.get(contact.venue or "", ""), " ".join(x for x in (contact.place, contact.group_name) if x),
            contact.students or "", [c.person.name if words or c.person.roles & STAFF_NAMED else STUDENT_UNNAMED
                                     for c in contact.counterparts], list(contact.topics),
            CONFIRMATION_ZH.get(contact.confirmation, contact.confirmation), contact.backdated,
            contact.received_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M"),
            contact.source_text if words else ""]


def leader_record_workbook(record: LeaderRecord, settings: Settings, words: bool = True) -> bytes:
    """Return a leader's record as .xlsx: the summary, then every record."""
    return workbook_bytes([
        Sheet("汇总", ("项目", "内容"), record.summary, widths=(24, 70)),
        Sheet("联系记录", RECORD_HEADERS, (record_cells(c, settings, words) for c in record.contacts),
              widths=(12, 16, 10, 20, 8, 20, 30, 10, 6, 17, 50)),
    ])
