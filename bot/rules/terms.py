"""The spans a report or a record covers: a semester (the school's `[[semesters]]`, or the assumed calendar),
a calendar year, or any range of days — each with a key the console's links carry and a Chinese label.

Example: `resolve_term(settings, "semester:2026-09-07", today)`, `year_term(2026)`,
`range_term(date(2026, 9, 1), date(2026, 11, 30))` ("2026年9月1日至11月30日").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.config import Settings
from bot.schedule.periods import Period
from bot.schedule.school_calendar import calendar_for


@dataclass(frozen=True)
class Term:
    """The span a report covers: [start, end)."""

    key: str  # "semester:2026-09-07", "year:2026", "range:2026-09-01:2026-11-30"
    label: str
    start: date
    end: date  # exclusive

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    def as_json(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label, "start": self.start.isoformat(), "end": self.last.isoformat()}


def semester_term(period: Period) -> Term:
    return Term(f"semester:{period.start.isoformat()}", period.label, period.start, period.end)


def year_term(year: int) -> Term:
    return Term(f"year:{year}", f"{year}年度", date(year, 1, 1), date(year + 1, 1, 1))


def range_term(first: date, last: date) -> Term:
    """A span of days, both ends included."""
    label = (f"{first.year}年{first.month}月{first.day}日至{last.month}月{last.day}日" if first.year == last.year
             else f"{first.year}年{first.month}月{first.day}日至{last.year}年{last.month}月{last.day}日")
    return Term(f"range:{first.isoformat()}:{last.isoformat()}", label, first, last + timedelta(days=1))


def semesters_before(settings: Settings, day: date, count: int) -> list[Period]:
    """Return the semester holding a day (or the last one begun) and the ones before it, newest first."""
    cal = calendar_for(settings)
    known = cal.periods_between("semester", day - timedelta(days=366 * count), day + timedelta(days=1))
    begun = sorted((p for p in known if p.start <= day), key=lambda p: p.start, reverse=True)
    return begun[:count]


def current_semester(settings: Settings, day: date) -> Term:
    """Return the semester holding a day, or the last one begun (a report in the vacation covers it)."""
    found = semesters_before(settings, day, 1)
    return semester_term(found[0]) if found else year_term(day.year)


def semester_named(settings: Settings, name: str, today: date) -> Term | None:
    """Return the semester with this name (configured, or assumed near today), or None."""
    cal = calendar_for(settings)
    known = cal.periods_between("semester", date(today.year - 5, 1, 1), date(today.year + 2, 1, 1))
    return next((semester_term(p) for p in known if p.key == name or p.label == name), None)


def term_choices(settings: Settings, today: date) -> list[Term]:
    """Return the terms offered: the current (or last) semester and the two before, this year and last."""
    terms = [semester_term(p) for p in semesters_before(settings, today, 3)]
    return terms + [year_term(today.year), year_term(today.year - 1)]


def resolve_term(settings: Settings, key: str, today: date) -> Term | None:
    """Return the term a key names ("" is the first choice), or None if it names none."""
    choices = term_choices(settings, today)
    if not key:
        return choices[0]
    found = next((t for t in choices if t.key == key), None)
    if found is not None:
        return found
    kind, _, rest = key.partition(":")
    if kind == "year" and rest.isdigit() and 2000 <= int(rest) <= today.year:
        return year_term(int(rest))
    if kind == "semester":
        return next((semester_term(p) for p in calendar_for(settings).periods_between(
            "semester", date(today.year - 5, 1, 1), today + timedelta(days=1)) if p.start.isoformat() == rest), None)
    if kind == "range":
        try:
            first, last = (date.fromisoformat(part) for part in rest.split(":"))
        except ValueError:
            return None
        return range_term(first, last) if first <= last else None
    return None
