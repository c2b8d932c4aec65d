"""Reminder stages: the moments a rule reminds within its period, from `[reminders]`.

Weekly rules remind at "thu 17:00" and finally "fri 17:00"; monthly rules 10 and 3 days before the
month ends; quarterly 3 and 1 weeks before the quarter ends; semester rules 6 and 2 weeks before the
semester ends (at `period_time`). A stage on a non-working day moves to the next working day inside
the period; a weekly stage with none left in its week moves back to the week's last working day
before it (a week of holidays from Thursday still gets its reminder on Wednesday). Stages landing
on one moment merge. Example: in the Mid-Autumn week of 2026 (Friday 25 September off) the
Thursday 17:00 stage is also the final one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.config import Settings
from bot.rules.catalog import Rule
from bot.schedule.periods import Period
from bot.schedule.school_calendar import SchoolCalendar
from bot.terms.clock_times import parse_time, parse_weekly_stage


@dataclass(frozen=True)
class Stage:
    """One reminder moment of a rule in a period; a higher number is a later stage."""

    number: int
    at: datetime  # UTC
    final: bool


def _offsets(rule: Rule, period: Period, settings: Settings) -> list[tuple[date, time]]:
    """Return the configured (day, time) of each stage, before moving off non-working days."""
    r = settings.reminders
    if rule.period == "week":
        out = []
        for spec in r.weekly_stages:
            weekday, at = parse_weekly_stage(spec)
            out.append((period.start + timedelta(days=weekday), at))
        return out
    at = parse_time(r.period_time)
    if rule.period == "month":
        return [(period.end - timedelta(days=int(n)), at) for n in r.monthly_days_before]
    weeks = r.quarterly_weeks_before if rule.period == "quarter" else r.semester_weeks_before
    return [(period.end - timedelta(weeks=int(n)), at) for n in weeks]


def stages_for(rule: Rule, period: Period, cal: SchoolCalendar, settings: Settings) -> list[Stage]:
    """Return a rule's stages in a period, in time order, numbered 1.. and the last marked final."""
    moments: dict[datetime, None] = {}
    for day, at in sorted(_offsets(rule, period, settings)):
        if day < period.start:
            continue
        moved = cal.next_workday(day)
        if moved >= period.end and rule.weekly:
            earlier = [d for d in cal.working_days(period.start, day) if d < day]
            moved = earlier[-1] if earlier else period.end
        if moved >= period.end:
            continue
        moments[cal.moment(moved, at)] = None
    ordered = sorted(moments)
    return [Stage(i, m, i == len(ordered)) for i, m in enumerate(ordered, 1)]
