"""One person's progress, as "我的进度" shows it: this week, month, quarter and semester, the linked
counselors/teachers not yet met this quarter, the standing link (N3), pauses (N11) and marked records (N20).

Example reply:
    赵建国，您的联系进度（截至11月25日 周三）：
    【本周 11月23日–29日】还剩3个工作日
    ✔ 与学生面对面接触：1/1次（11月24日 宿舍）
    …
    本学期累计：与学生面对面接触6次（含讲授思政课1次），线上联系2次（不计入面对面）
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.rules.catalog import KIND_ZH, PERIOD_ZH, VENUE_ZH
from bot.rules.engine import (
    DUE,
    EXCUSED,
    EXEMPT,
    MET,
    OVERDUE,
    Evaluation,
    Obligation,
    PersonStatus,
    count_text,
    evaluate,
    ledger,
)
from bot.rules.queries import ContactRow, PersonRow, Scope
from bot.rules.standing import KINDS_ZH, StandingView, standing_view
from bot.rules.tally import Counts
from bot.schedule.periods import Period, md, span_label
from bot.schedule.school_calendar import calendar_for
from bot.store.models import Person
from bot.terms.clock_times import WEEKDAY_ZH

MARK = {MET: "✔", DUE: "○", OVERDUE: "✘", EXCUSED: "—", EXEMPT: "—"}
PERIOD_ORDER = ("week", "month", "quarter", "semester")


@dataclass
class Progress:
    """A person's status with what the progress page needs around it."""

    status: PersonStatus
    evaluation: Evaluation
    standing: StandingView | None = None
    left: dict[str, str] = field(default_factory=dict)  # period kind -> "还剩3个工作日"
    so_far: Counts = field(default_factory=Counts)  # this semester (or quarter) to date, as every report counts
    so_far_label: str = ""

    @property
    def rules(self) -> list[Obligation]:
        """The person's obligations (empty: nothing is asked of them)."""
        return self.status.obligations

    @property
    def records(self) -> dict[int, ContactRow]:
        return self.evaluation.records


def compliance_for(db: Session, person: Person, at: datetime, settings: Settings) -> Progress:
    """Return one person's obligations now, with the records that count (four grouped SELECTs)."""
    ev = evaluate(db, settings, at, scope=Scope(school_id=person.school_id, person_ids=(person.id,)),
                  with_records=True)
    status = ev.people.get(person.id) or PersonStatus(
        PersonRow(person.id, person.school_id, person.userid, person.name, person.department, set(person.roles)))
    progress = Progress(status, ev)
    semester = ev.periods.get("semester")
    if semester is not None:
        progress.standing = standing_view(db, person.id, ev.today, semester.start, semester.end)
    span = semester or ev.periods["quarter"]
    assert span is not None
    totals = ledger(db, settings, at, span.start, ev.today + timedelta(days=1),
                    scope=Scope(school_id=person.school_id, person_ids=(person.id,)), counts_only=True)
    if person.id in totals.people:
        progress.so_far = totals.people[person.id].counts
    progress.so_far_label = PERIOD_ZH["semester" if semester is not None else "quarter"]
    cal = calendar_for(settings)
    for kind, period in ev.periods.items():
        if period is None:
            continue
        if kind == "week":
            days = len([d for d in ev.week.working_days if d >= ev.today])
            progress.left[kind] = f"还剩{days}个工作日" if days else "本周工作日已过"
        else:
            weeks = -(-(period.end - ev.today).days // 7)
            progress.left[kind] = f"还剩{weeks}周" if weeks > 1 else f"还剩{len(cal.working_days(ev.today, period.end))}个工作日"
    return progress


def _record_brief(row: ContactRow) -> str:
    """Describe a record in a few characters: "11月24日 宿舍"."""
    what = VENUE_ZH.get(row.venue or "", "") if row.venue else KIND_ZH.get(row.kind, row.kind)
    flags = f"（{'，'.join(row.flags)}）" if row.flags else ""
    return f"{md(row.occurred_on)} {what}{flags}".strip()


def _line(o: Obligation, records: dict[int, ContactRow]) -> str:
    """One line for a person-level obligation."""
    if o.state == EXEMPT:
        return f"{MARK[o.state]} {o.rule.title}：{o.note or '不作要求'}"
    if o.state == EXCUSED:
        return f"{MARK[o.state]} {o.rule.title}：{o.note}，本期免除"
    if o.rule.share:
        text = f"{MARK[o.state]} {o.rule.title}：{count_text(o.done)}/{count_text(o.required)}个半天（不少于一半）"
    else:
        text = f"{MARK[o.state]} {o.rule.title}：{count_text(o.done)}/{count_text(o.required)}次"
    if o.state != MET and o.gap:
        text += f"，还差{count_text(o.gap)}{'个半天' if o.rule.share else '次'}"
    shown = [records[i] for i in o.contact_ids if i in records][-3:]
    if shown:
        text += "（" + "；".join(_record_brief(r) for r in shown) + "）"
    return text


def _link_lines(obligations: list[Obligation]) -> list[str]:
    """Lines for a per-link rule: how many linked ones are done, and who is not yet."""
    first = obligations[0]
    if first.state == EXEMPT:
        return [f"{MARK[EXEMPT]} {first.rule.title}：{first.note}"]
    states = {o.state for o in obligations}
    done = [o for o in obligations if o.state == MET]
    if states == {MET}:
        state = MET
    elif OVERDUE in states:
        state = OVERDUE
    elif DUE in states:
        state = DUE
    else:
        state = EXCUSED
    lines = [f"{MARK[state]} {first.rule.title}：{len(done)}/{len(obligations)}人"]
    missing = [o.mentee.name for o in obligations if o.open and o.mentee is not None]
    if missing:
        verb = "尚未交流" if first.rule.period == "quarter" else "尚未参加其工作"
        lines.append(f"    {verb}：{'、'.join(missing)}")
    return lines


def render_progress(progress: Progress) -> str:
    """Render "我的进度" in Chinese: per period, what is met and what is still due."""
    ev, status = progress.evaluation, progress.status
    weekday = WEEKDAY_ZH[ev.today.weekday()]
    out = [f"{status.person.name}，您的联系进度（截至{md(ev.today)} {weekday}）："]
    for kind in PERIOD_ORDER:
        obligations = [o for o in status.obligations if o.rule.period == kind]
        if not obligations:
            continue
        period = ev.periods.get(kind)
        out.append(_heading(kind, period, progress.left.get(kind, "")))
        seen: set[str] = set()
        for o in obligations:
            if o.rule.id in seen:
                continue
            seen.add(o.rule.id)
            if o.rule.per_link:
                out += _link_lines([x for x in obligations if x.rule.id == o.rule.id])
            else:
                out.append(_line(o, progress.records))
    linking = {o.rule.id for o in status.obligations if o.rule.per_link}
    if not linking and any(r.per_link and r.roles & status.person.roles for r in ev.rules):
        out.append("（您还没有联系的辅导员/思政课教师，请联系管理员设置）")
    if progress.standing is not None:
        s = progress.standing
        out.append(f"【常联系的{KINDS_ZH.get(s.kind, s.kind)}】{s.name}：本学期{len(s.contact_ids)}次")
    pauses = [p for p in status.pauses if p.until > ev.today]
    for p in pauses:
        what = "暂停提醒" if p.kind == "pause" else "推迟提醒"
        reason = f"（{p.reason}）" if p.reason else ""
        out.append(f"【{what}】{span_label(p.start, p.until - timedelta(days=1))}{reason}")
    c = progress.so_far
    if c.records:
        lecture = f"（含讲授思政课{c.n('ideology_lecture')}次）" if c.n("ideology_lecture") else ""
        online = f"，线上联系{c.n('online')}次（不计入面对面）" if c.n("online") else ""
        out.append(f"{progress.so_far_label}累计：与学生面对面接触{c.face_to_face}次{lecture}{online}")
    marked = [r for r in progress.records.values() if r.flags and r.person_id == status.person.id]
    if marked:
        kinds: dict[str, int] = {}
        for r in marked:
            for f in r.flags:
                kinds[f] = kinds.get(f, 0) + 1
        listed = "、".join(f"{n}条{f}" for f, n in kinds.items())
        out.append(f"注：{listed}的记录仍然计入，已标注。")
    return "\n".join(out)


def _heading(kind: str, period: Period | None, left: str) -> str:
    """A period heading: 【本周 11月23日–29日】还剩3个工作日."""
    if period is None or not period.key:
        return f"【{PERIOD_ZH[kind]}】"
    label = period.label if kind != "month" else f"{period.start.month}月"
    return f"【{PERIOD_ZH[kind]} {label}】{left}"
