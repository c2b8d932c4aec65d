"""Crisis cases of one week for the digest (issue 14): how many, how long until someone acknowledged them
(median and longest, in minutes), how many nobody had acknowledged by the week's end, and the outcomes of
those closed — never a name, a class or the words.

Example: `crisis_week(db, school, start, end).render()` -> "【危机个案】本周 3 件；认领用时中位 4 分钟，最长 12 分钟；
周末仍无人认领 0 件；结案：已联系本人 1，已送医 1".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.concerns.crisis_case import OUTCOMES
from bot.concerns.models import CrisisCase
from bot.store.models import School


@dataclass(frozen=True)
class CrisisWeek:
    """The week's crisis cases, counted without names."""

    cases: int = 0
    ack_minutes: tuple[float, ...] = ()  # time to acknowledge of each case acknowledged by the week's end
    unacknowledged: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)  # of the cases closed by the week's end

    @property
    def median_minutes(self) -> float | None:
        return median(self.ack_minutes) if self.ack_minutes else None

    @property
    def max_minutes(self) -> float | None:
        return max(self.ack_minutes) if self.ack_minutes else None

    def render(self) -> str:
        """Return the digest line ("" for a week without crisis cases)."""
        if not self.cases:
            return ""
        parts = [f"【危机个案】本周 {self.cases} 件"]
        if self.ack_minutes:
            parts.append(f"认领用时中位 {self.median_minutes:.0f} 分钟，最长 {self.max_minutes:.0f} 分钟")
        parts.append(f"周末仍无人认领 {self.unacknowledged} 件")
        if self.outcomes:
            parts.append("结案：" + "，".join(f"{o} {n}" for o, n in self.outcomes.items()))
        return "；".join(parts) + "。"


def crisis_week(db: Session, school: School, start: datetime, end: datetime) -> CrisisWeek:
    """Count the crisis cases alerted in [start, end), as things stood at `end`."""
    cases = list(db.scalars(select(CrisisCase).where(CrisisCase.school_id == school.id,
                                                     CrisisCase.alerted_at >= start, CrisisCase.alerted_at < end)))
    minutes = tuple((c.acknowledged_at - c.alerted_at).total_seconds() / 60 for c in cases
                    if c.acknowledged_at is not None and c.acknowledged_at < end)
    closed = [c.outcome for c in cases if c.closed_at is not None and c.closed_at < end and c.outcome]
    return CrisisWeek(
        cases=len(cases), ack_minutes=minutes, unacknowledged=len(cases) - len(minutes),
        outcomes={o: closed.count(o) for o in OUTCOMES if o in closed},
    )
