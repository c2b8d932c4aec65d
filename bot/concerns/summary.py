"""The concerns part of the weekly digest: raised and resolved this week, still open, overdue,
common problems (N14), the count by category, and the week's crisis cases (bot/concerns/crisis_week.py)
— never who raised anything.

Example: `concerns_summary(db, school, date(2026, 11, 23)).render()` ->
"【学生反映】本周新增 12 件，办结 9 件；未办结 5 件，其中超期 2 件 ……".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.concerns.crisis_week import CrisisWeek, crisis_week
from bot.concerns.models import ConcernGroup
from bot.concerns.render import when
from bot.concerns.routing import CATEGORIES, CATEGORY_ZH
from bot.concerns.senders import sender_person_id
from bot.store.models import Concern, School

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class OverdueTicket:
    number: int
    category: str
    office: str
    due: datetime
    crisis: bool


@dataclass(frozen=True)
class CommonProblem:
    group_id: int
    category: str
    place: str | None
    label: str
    numbers: tuple[int, ...]
    people: int


@dataclass(frozen=True)
class ConcernSummary:
    """One school's concerns for one week (Monday to Sunday, school time)."""

    week_start: date
    raised: int
    resolved: int
    open: int
    overdue: tuple[OverdueTicket, ...]
    common_problems: tuple[CommonProblem, ...]
    by_category: dict[str, int] = field(default_factory=dict)  # raised this week, by category
    satisfied: int = 0
    unsatisfied: int = 0
    tz: ZoneInfo = DEFAULT_TZ
    crisis: CrisisWeek = field(default_factory=CrisisWeek)

    def render(self) -> str:
        """Return the digest section in Chinese ("" for a week with nothing raised, resolved or open)."""
        if not (self.raised or self.resolved or self.open or self.crisis.cases):
            return ""
        lines = [f"【学生反映】本周新增 {self.raised} 件，办结 {self.resolved} 件；"
                 f"未办结 {self.open} 件，其中超期 {len(self.overdue)} 件。"]
        if any(self.by_category.values()):
            lines.append("分类：" + "，".join(f"{CATEGORY_ZH[c]} {n}" for c, n in self.by_category.items() if n))
        if self.satisfied or self.unsatisfied:
            lines.append(f"评价：满意 {self.satisfied}，不满意 {self.unsatisfied}。")
        if self.crisis.cases:
            lines.append(self.crisis.render())
        for t in self.overdue:
            lines.append(f"超期 #{t.number}（{CATEGORY_ZH.get(t.category, '其他')} · {t.office}）"
                         f"应于{when(t.due, self.tz)}前{'（危机）' if t.crisis else ''}")
        for p in self.common_problems:
            where = f" · {p.place}" if p.place else ""
            numbers = " ".join(f"#{n}" for n in p.numbers)
            lines.append(f"共性问题（{CATEGORY_ZH.get(p.category, '其他')}{where}，{p.people}人）：{p.label}  {numbers}")
        return "\n".join(lines)


def concerns_summary(db: Session, school: School, week: date, tz: ZoneInfo = DEFAULT_TZ) -> ConcernSummary:
    """Summarise a school's concerns for the week holding `week`, as of that week's end."""
    start_day = week - timedelta(days=week.weekday())
    start = datetime.combine(start_day, time.min, tzinfo=tz)
    end = start + timedelta(days=7)
    tickets = list(db.scalars(select(Concern).where(Concern.school_id == school.id, Concern.created_at < end,
                                                    Concern.status != "spam")))
    this_week = [t for t in tickets if t.created_at >= start]
    by_category = {c: sum(1 for t in this_week if t.category == c) for c in CATEGORIES}
    still_open = [t for t in tickets if t.resolved_at is None or t.resolved_at >= end]
    overdue = []
    for t in still_open:
        missed = _missed_by(t, end)
        if missed is not None:
            overdue.append(OverdueTicket(t.number, t.category, t.owner_office, missed, t.crisis))
    groups: dict[int, list[Concern]] = {}
    for t in still_open:
        if t.group_id is not None:
            groups.setdefault(t.group_id, []).append(t)
    problems = []
    for gid, members in sorted(groups.items()):
        group = db.get(ConcernGroup, gid)
        if group is None:
            continue
        problems.append(CommonProblem(gid, group.category, group.place, group.label,
                                      tuple(sorted(m.number for m in members)), len({sender_person_id(m) for m in members})))
    return ConcernSummary(
        week_start=start_day, raised=len(this_week),
        resolved=sum(1 for t in tickets if t.resolved_at is not None and start <= t.resolved_at < end),
        open=len(still_open), overdue=tuple(sorted(overdue, key=lambda o: (o.due, o.number))), common_problems=tuple(problems),
        by_category=by_category,
        satisfied=sum(1 for t in this_week if t.rating == "satisfied"),
        unsatisfied=sum(1 for t in this_week if t.rating == "unsatisfied"), tz=tz,
        crisis=crisis_week(db, school, start, end),
    )


def _missed_by(t: Concern, moment: datetime) -> datetime | None:
    """Return the deadline a ticket had missed at a moment (as things stood then), or None."""
    answered = t.first_response_at is not None and t.first_response_at <= moment
    if not answered and t.first_response_due is not None and t.first_response_due <= moment:
        return t.first_response_due
    resolved = t.resolved_at is not None and t.resolved_at <= moment
    if not resolved and t.resolve_due is not None and t.resolve_due <= moment:
        return t.resolve_due
    return None
