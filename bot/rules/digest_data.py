"""The weekly digest's content (N15, N19, N20): for one school (or one department) and one week, a
per-leader table for the week, month, quarter and semester, who is behind and by how much, contacts by
venue, face-to-face vs online, back-dated / disputed / unconfirmed records, pauses, good examples worth
spreading (the most in-person contacts, the most concerns resolved in time), the concerns summary, and
calendar warnings. Counts and obligations come from the engine's ledger, as every report's.

Example: `build_digest(db, settings, school, parse_week_key("2026-W47"), now)`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.concerns.summary import concerns_summary
from bot.config import Settings
from bot.rules.catalog import KIND_ZH, ONLINE, VENUE_ZH
from bot.rules.engine import (
    EXCUSED,
    EXEMPT,
    MET,
    Evaluation,
    Obligation,
    PersonStatus,
    count_text,
    describe_gap,
    ledger,
)
from bot.rules.queries import ContactRow, Scope, contact_rows
from bot.schedule.periods import Period, md, month_of, span_label
from bot.schedule.school_calendar import calendar_for
from bot.store.models import Concern, Person, School
from bot.terms.roles import roles_zh

MARK = {MET: "✔", EXEMPT: "—", EXCUSED: "外出"}


@dataclass(frozen=True)
class LeaderRow:
    """One obligated person's line in the table."""

    person_id: int
    userid: str
    name: str
    department: str
    roles: str
    cells: dict[str, str]  # column id -> text
    gaps: tuple[str, ...]  # what is still missing, in Chinese
    contacts: int  # in-person contacts in the week
    students: int  # students met in the week (as reported)
    online: int


@dataclass(frozen=True)
class FlaggedRecord:
    """A record carrying marks (N20): 补记, 对方有异议, 对方未确认."""

    contact_id: int
    name: str
    day: date
    what: str
    flags: tuple[str, ...]


@dataclass
class Digest:
    """Everything the weekly digest says about one school or department for one week."""

    school_code: str
    school_name: str
    department: str | None
    week: Period
    generated_on: date
    evaluation: Evaluation
    rows: list[LeaderRow] = field(default_factory=list)
    venues: list[tuple[str, int]] = field(default_factory=list)
    in_person: int = 0
    online: int = 0
    flagged: list[FlaggedRecord] = field(default_factory=list)
    pauses: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    console_url: str = ""
    week_records: list[ContactRow] = field(default_factory=list)  # every contact of the week, any kind

    @property
    def behind(self) -> list[LeaderRow]:
        """People with something missing, most gaps first."""
        return sorted((r for r in self.rows if r.gaps), key=lambda r: (-len(r.gaps), r.name))

    @property
    def online_share(self) -> float:
        total = self.in_person + self.online
        return self.online / total if total else 0.0

    @property
    def title(self) -> str:
        where = f"{self.school_name}{self.department or ''}"
        return f"{where}基层联系周报（{self.week.label}）"


COLUMNS = (
    ("week", "本周面对面"), ("frontline", "本周一线时间"), ("month", "本月面对面"), ("quarter", "本季度约谈联系对象"),
    ("lecture", "本学期思政课"), ("activity", "本学期参与联系对象工作"),
)
RULE_COLUMN = {
    "weekly_face_to_face": "week", "weekly_frontline_share": "frontline", "monthly_chief_contact": "month",
    "quarterly_mentee_talk": "quarter", "semester_ideology_lecture": "lecture", "semester_mentee_activity": "activity",
}


def _cell(obligations: list[Obligation]) -> str:
    """Summarise one rule's obligations in a table cell: "✔ 1/1", "0/2", "2/3人", "—", "外出"."""
    first = obligations[0]
    if first.state in (EXEMPT, EXCUSED):
        return MARK[first.state]
    if first.rule.per_link:
        met = sum(o.state == MET for o in obligations)
        return f"{'✔ ' if met == len(obligations) else ''}{met}/{len(obligations)}人"
    unit = "个半天" if first.rule.share else ""
    return f"{'✔ ' if first.state == MET else ''}{count_text(first.done)}/{count_text(first.required)}{unit}"


def _row(status: PersonStatus, ev: Evaluation) -> LeaderRow:
    """A person's line: the week's counts (the ledger's) and each rule in the periods holding the week's end."""
    by_rule: dict[str, list[Obligation]] = {}
    for o in status.obligations:
        if o.period.contains(ev.as_of):
            by_rule.setdefault(o.rule.id, []).append(o)
    cells = {RULE_COLUMN.get(rid, rid): _cell(obls) for rid, obls in by_rule.items()}
    for rule in ev.rules:  # binding them, but with no period here: not a teaching week, a vacation month
        if rule.roles & status.person.roles and rule.id not in by_rule:
            cells[RULE_COLUMN.get(rule.id, rule.id)] = MARK[EXEMPT]
    gaps = tuple(describe_gap(o) for obls in by_rule.values() for o in obls if o.open)
    c = status.counts
    return LeaderRow(status.person.id, status.person.userid, status.person.name, status.person.department,
                     roles_zh(status.person.roles), cells, gaps, c.face_to_face, c.students, c.n(ONLINE))


def concerns_lines(db: Session, school: School, week: Period, settings: Settings) -> list[str]:
    """The concerns summary for the week: the concerns capability's section."""
    return concerns_summary(db, school, week.start, settings.tz).render().splitlines()


def calendar_warnings(settings: Settings, today: date) -> list[str]:
    """Warn admins when the coming month has no holiday data, or semesters are assumed."""
    cal = calendar_for(settings)
    out = []
    for month_day in (today, month_of(today).end):
        gaps = cal.calendar_gaps(month_day)
        if gaps:
            out.append(f"日历缺少{month_day.year}年{month_day.month}月的节假日和调休数据（chinese-calendar 暂无该年数据），"
                       "请在配置 [[holidays]] 中补充，否则按周一至周五上班计算。")
            break
    if cal.semesters_assumed:
        out.append("未配置学期（[[semesters]]），教学周按默认学期估算，请在配置中填写本校校历。")
    return out


def resolved_in_time(db: Session, school: School, week: Period, settings: Settings, limit: int) -> list[str]:
    """Name who resolved the most students' concerns by their deadline in the week (N15, N18)."""
    if limit <= 0:
        return []
    tz = settings.tz
    start = datetime.combine(week.start, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(week.end, datetime.min.time(), tzinfo=tz)
    n = func.count(Concern.id)
    rows = db.execute(
        select(Person.name, Person.department, n).join(Person, Person.id == Concern.owner_id)
        .where(Concern.school_id == school.id, Concern.status == "resolved", Concern.resolved_at >= start,
               Concern.resolved_at < end, Concern.abuse.is_(None),
               (Concern.resolve_due.is_(None)) | (Concern.resolved_at <= Concern.resolve_due))
        .group_by(Person.id, Person.name, Person.department).order_by(n.desc(), Person.name).limit(limit))
    return [f"{name}（{dept}）：本周按期办结学生反映的问题{count}件" for name, dept, count in rows]


def build_digest(db: Session, settings: Settings, school: School, week: Period, now: datetime) -> Digest:
    """Build the school's digest of one week (the ledger's grouped SELECTs, plus the concerns section)."""
    ev = ledger(db, settings, now, week.start, week.end, scope=Scope(school_id=school.id), with_records=True)
    digest = Digest(school.code, school.name, None, week, ev.today, ev,
                    console_url=settings.app.public_url.rstrip("/") + "/console",
                    week_records=contact_rows(db, Scope(school_id=school.id), week.start, week.end))
    _fill(digest, list(ev.people.values()), settings.digest.examples)
    digest.examples += resolved_in_time(db, school, week, settings, settings.digest.examples)
    digest.concerns = concerns_lines(db, school, week, settings)
    digest.warnings = calendar_warnings(settings, ev.today)
    if not ev.week.teaching:
        digest.warnings.insert(0, f"{week.label}不计每周要求：{ev.week.reason}。")
    return digest


def department_digest(school_digest: Digest, department: str, examples: int) -> Digest:
    """Cut a school's digest down to one department's people (no new queries)."""
    ev = school_digest.evaluation
    d = Digest(school_digest.school_code, school_digest.school_name, department, school_digest.week,
               school_digest.generated_on, ev, console_url=school_digest.console_url,
               week_records=school_digest.week_records)
    _fill(d, [s for s in ev.people.values() if s.person.department == department], examples)
    d.warnings = [w for w in school_digest.warnings if "不计每周要求" in w]
    return d


def _fill(digest: Digest, statuses: list[PersonStatus], examples: int) -> None:
    """Fill a digest's table and lists from the statuses of the people it covers."""
    ids = {s.person.id for s in statuses}
    week, ev = digest.week, digest.evaluation
    week_rows = [r for r in digest.week_records if r.person_id in ids]
    digest.rows = sorted((_row(s, ev) for s in statuses), key=lambda r: (r.department, r.name))
    venues = Counter(VENUE_ZH.get(r.venue or "", KIND_ZH.get(r.kind, r.kind)) if r.kind in ("face_to_face", ONLINE)
                     else KIND_ZH.get(r.kind, r.kind) for r in week_rows if r.kind != "frontline")
    digest.venues = venues.most_common()
    digest.in_person = sum(r.contacts for r in digest.rows)
    digest.online = sum(r.online for r in digest.rows)
    names = {s.person.id: s.person.name for s in statuses}
    digest.flagged = [
        FlaggedRecord(r.id, names[r.person_id], r.occurred_on, KIND_ZH.get(r.kind, r.kind), r.flags)
        for r in sorted(ev.records.values(), key=lambda r: (r.occurred_on, r.id), reverse=True)
        if r.flags and r.person_id in ids and r.occurred_on < week.end
    ]
    digest.pauses = []
    for s in statuses:
        for p in s.pauses:
            if p.start < week.end and p.until > week.start:
                what = "暂停提醒" if p.kind == "pause" else "推迟提醒"
                reason = f"，{p.reason}" if p.reason else ""
                digest.pauses.append(f"{s.person.name}：{what}{span_label(p.start, p.until - timedelta(days=1))}{reason}")
    active = sorted((r for r in digest.rows if r.contacts), key=lambda r: (-r.contacts, -r.students, r.name))
    digest.examples = [f"{r.name}（{r.department}）：本周与学生面对面{r.contacts}次，覆盖学生约{r.students}人"
                       for r in active[:examples]]


def flagged_line(f: FlaggedRecord) -> str:
    """One marked record: "赵建国 11月24日 面对面（补记）"."""
    return f"{f.name} {md(f.day)} {f.what}（{'，'.join(f.flags)}）"
