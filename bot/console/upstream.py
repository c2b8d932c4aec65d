"""The console's calls into the school calendar and the rules (bot/schedule, bot/rules), in one place:
the semesters a report may cover, which weeks carry the weekly rules, and the rules in force.

Example: `semesters_before(settings, date(2026, 11, 25), 3)` is the autumn 2026 semester and the two
before it (configured `[[semesters]]`, or the assumed calendar when none are configured).
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.config import Settings
from bot.rules.catalog import Rule, rules_for
from bot.schedule import Period, calendar_for, week_of
from bot.schedule.semesters import Semester, assumed_semesters


def _period(semester: Semester) -> Period:
    return Period("semester", semester.name, semester.start, semester.end + timedelta(days=1), semester.name)


def semester_at(settings: Settings, day: date) -> Period | None:
    """Return the semester holding a day, or None between semesters."""
    return calendar_for(settings).semester_period(day)


def semesters_before(settings: Settings, day: date, count: int) -> list[Period]:
    """Return the semester holding a day (or the last one begun) and the ones before it, newest first."""
    cal = calendar_for(settings)
    known = list(cal.semesters) or [s for year in range(day.year - count, day.year + 1)
                                    for s in assumed_semesters(year)]
    begun = sorted((s for s in known if s.start <= day), key=lambda s: s.start, reverse=True)
    return [_period(s) for s in begun[:count]]


def weekly_applies(settings: Settings, day: date) -> bool:
    """Tell whether the week holding a day carries the weekly rules (N1, N5): a teaching week."""
    return calendar_for(settings).week_info(day).teaching


def teaching_weeks(settings: Settings, start: date, end: date) -> list[Period]:
    """Return the teaching weeks starting in [start, end)."""
    cal = calendar_for(settings)
    weeks, monday = [], start + timedelta(days=(7 - start.weekday()) % 7)  # the first Monday on or after start
    while monday < end:
        if cal.week_info(monday).teaching:
            weeks.append(week_of(monday))
        monday += timedelta(days=7)
    return weeks


def enabled_rules(settings: Settings) -> tuple[Rule, ...]:
    """Return the rules in force: the notice's defaults with the school's `[[rule]]` changes."""
    return rules_for(settings)
