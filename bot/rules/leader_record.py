"""A leader's record for a semester or a year (N19: "三个纳入" — cadre appointment, democratic-life-meeting
self-review, party-building evaluation): per obligation and period met / not met / excused (from the
engine's ledger, as every report), the standing class/dorm/club link (N3), what the counselors and teachers
confirmed, disputed or left unconfirmed (N20), how many records carry photo or location evidence, and every
record with the message it came from.

Example: `leader_record(db, settings, now, person, year_term(2026))` behind `contactbot report leader zhao`,
the console's printable record, its .xlsx and its JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.config import Settings
from bot.contacts.export import STAFF_NAMED, STUDENT_UNNAMED
from bot.rules.engine import ledger
from bot.rules.queries import PersonRow, Scope
from bot.rules.report_data import LeaderLine
from bot.rules.standing import StandingView, standing_during
from bot.rules.tally import Counts, tally_contacts
from bot.rules.terms import Term
from bot.store.models import Concern, Contact, ContactCounterpart, Person, School
from bot.terms.roles import roles_zh


@dataclass
class LeaderRecord:
    """What a leader did in a term, and how it stands against each obligation."""

    line: LeaderLine
    person: Person
    school: School
    term: Term
    generated_at: datetime  # UTC
    contacts: list[Contact] = field(default_factory=list)  # live records, oldest first, with evidence
    standing: list[StandingView] = field(default_factory=list)
    concerns_owned: int = 0
    concerns_resolved: int = 0

    @property
    def counts(self) -> Counts:
        return self.line.counts


def leader_record(db: Session, settings: Settings, at: datetime, person: Person, term: Term) -> LeaderRecord:
    """Collect one person's record for a term (the ledger's few SELECTs, then their records)."""
    school = db.get(School, person.school_id)
    assert school is not None
    scope = Scope(school_id=person.school_id, person_ids=(person.id,))
    ev = ledger(db, settings, at, term.start, term.end, scope=scope, evidence=True)
    status = ev.people.get(person.id)
    if status is not None:
        line = LeaderLine(status.person, school, status.counts, status.obligations)
    else:  # not (or no longer) a leader: still what they recorded, counted the same way
        row = PersonRow(person.id, person.school_id, person.userid, person.name, person.department,
                        set(person.roles), person.title)
        counts = tally_contacts(db, scope, [(term.start, term.end)], evidence=True).counts(person.id, 0)
        line = LeaderLine(row, school, counts, [])
    record = LeaderRecord(line, person, school, term, at)
    record.contacts = list(db.scalars(
        select(Contact).where(Contact.person_id == person.id, Contact.deleted_at.is_(None),
                              Contact.occurred_on >= term.start, Contact.occurred_on < term.end)
        .options(selectinload(Contact.counterparts).selectinload(ContactCounterpart.person),
                 selectinload(Contact.evidence))
        .order_by(Contact.occurred_on, Contact.id)))
    record.standing = standing_during(db, person.id, term.start, term.end)
    tz = settings.tz
    start, end = datetime.combine(term.start, time.min, tzinfo=tz), datetime.combine(term.end, time.min, tzinfo=tz)
    owned, resolved = db.execute(
        select(func.count(Concern.id), func.count(Concern.resolved_at))
        .where(Concern.owner_id == person.id, Concern.created_at >= start, Concern.created_at < end)).one()
    record.concerns_owned, record.concerns_resolved = int(owned or 0), int(resolved or 0)
    return record


RULE_UNIT = {"week": "周", "month": "个月", "quarter": "个季度", "semester": "个学期"}


def counterparts(contact: Contact, words: bool) -> list[str]:
    """The people a record names: staff always; students only to who may read the records' words."""
    return [cp.person.name if words or cp.person.roles & STAFF_NAMED else STUDENT_UNNAMED for cp in contact.counterparts]


def rate_text(met: int, due: int, unit: str = "") -> str:
    """"12/13周（92.3%）", or "尚无到期" when nothing is due yet."""
    if not due:
        return "尚无到期"
    return f"{met}/{due}{unit}（{100 * met / due:.1f}%）"


def summary_pairs(record: LeaderRecord) -> list[tuple[str, str]]:
    """The record's summary as (item, value) lines in Chinese, for the printable page and the .xlsx."""
    p, c = record.person, record.counts
    pairs = [("姓名", p.name), ("学校", record.school.name), ("部门", p.department), ("职务", p.title),
             ("角色", roles_zh(p.roles)), ("统计期间", f"{record.term.label}（{record.term.start} 至 {record.term.last}）"),
             ("联系记录", f"{c.records}条"),
             ("面对面接触学生", f"{c.face_to_face}次（含讲授思政课{c.n('ideology_lecture')}次、"
                                f"参与辅导员/思政课教师工作{c.n('mentee_activity')}次）"),
             ("与联系的辅导员/思政课教师面对面交流", f"{c.n('mentee_talk')}次")]
    if c.half_days:
        pairs.append(("深入学生一线", f"{c.half_days:g}个半天"))
    pairs.append(("线上联系（不计入面对面）", f"{c.n('online')}次"))
    names = {o.rule.id: o.rule for o in record.line.obligations}
    for rule_id, rate in record.line.rates.items():
        if rule_id == "all":
            continue
        rule = names[rule_id]
        unit = "项" if rule.per_link else RULE_UNIT.get(rule.period, "")
        extra = f"，外出免除{rate.excused}" if rate.excused else ""
        extra += f"，本期已完成{rate.met_early}" if rate.met_early else ""
        extra += f"，本期进行中{rate.in_progress}" if rate.in_progress else ""
        pairs.append((f"{rule.clause} {rule.title}", rate_text(rate.met, rate.due, unit) + extra))
    if record.line.obligations:
        total = record.line.rates["all"]
        pairs.append(("各项要求合计", rate_text(total.met, total.due, "项")))
    if record.line.mentees:
        pairs.append(("联系的辅导员/思政课教师", "、".join(record.line.mentees)))
    for s in record.standing:
        until = f"至{s.until}" if s.until else "至今"
        pairs.append(("常联系的班级/宿舍/社团", f"{s.label}（{s.since}{until}），记录{len(s.contact_ids)}条"))
    if not record.standing:
        pairs.append(("常联系的班级/宿舍/社团", "未设置"))
    pairs += [("对方确认（谈话与参与工作）", f"已确认{c.confirmed}条，有异议{c.disputed}条，未确认{c.unconfirmed}条"),
              ("佐证材料", f"有照片的记录{c.photos}条，有位置的记录{c.located}条"),
              ("补记", f"{c.backdated}条"),
              ("负责办理的学生反映问题", f"{record.concerns_owned}件（已办结{record.concerns_resolved}件）")]
    return pairs
