"""Periods the notice counts in: ISO weeks (Monday–Sunday), calendar months and quarters, semesters.

Each period has a stable key (stored with reminders sent) and a Chinese label for messages.
Example: `week_of(date(2026, 12, 31))` is "2026-W53", 2026-12-28 to 2027-01-03, split across two
months, two quarters and two years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

QUARTER_ZH = ("一", "二", "三", "四")
_WEEK_KEY = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """A span of days [start, end) of one kind, with its key and label."""

    kind: str  # week / month / quarter / semester
    key: str  # "2026-W48", "2026-11", "2026-Q4", or the semester's name
    start: date
    end: date  # exclusive
    label: str

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def days(self) -> list[date]:
        """Return every day of the period."""
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]


def md(day: date) -> str:
    """Format a day as "11月25日"."""
    return f"{day.month}月{day.day}日"


def span_label(start: date, last: date) -> str:
    """Label a span of days briefly: "11月23日–29日", "11月30日–12月6日", with years when they differ."""
    if start.year != last.year:
        return f"{start.year}年{md(start)}–{last.year}年{md(last)}"
    if start.month == last.month:
        return f"{md(start)}–{last.day}日"
    return f"{md(start)}–{md(last)}"


def week_of(day: date) -> Period:
    """Return the ISO week (Monday–Sunday) holding a day."""
    monday = day - timedelta(days=day.weekday())
    iso = monday.isocalendar()
    end = monday + timedelta(days=7)
    return Period("week", f"{iso.year}-W{iso.week:02d}", monday, end, span_label(monday, end - timedelta(days=1)))


def month_of(day: date) -> Period:
    """Return the calendar month holding a day."""
    start = day.replace(day=1)
    end = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return Period("month", f"{day.year}-{day.month:02d}", start, end, f"{day.year}年{day.month}月")


def quarter_of(day: date) -> Period:
    """Return the calendar quarter holding a day."""
    q = (day.month - 1) // 3
    start = date(day.year, q * 3 + 1, 1)
    end = date(day.year + 1, 1, 1) if q == 3 else date(day.year, q * 3 + 4, 1)
    return Period("quarter", f"{day.year}-Q{q + 1}", start, end, f"{day.year}年第{QUARTER_ZH[q]}季度")


def parse_week_key(text: str) -> Period:
    """Read "2026-W48" (or "2026W48") as that ISO week; raise ValueError otherwise."""
    m = _WEEK_KEY.match(text.strip())
    if m is None:
        raise ValueError(f"not an ISO week (YYYY-Www): {text!r}")
    return week_of(date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
