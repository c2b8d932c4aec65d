"""Small server-drawn charts (inline SVG, no script, no downloads): contacts per week as columns and
the venue mix as bars.

Example: `weekly_columns({date(2026, 11, 23): 4, …}, today)` (contacts per week, keyed by Monday) gives
the last 12 weeks' columns, this week last, each with its height in the SVG's 0–100 box and a label "11/23".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.contacts.records import VENUE_ZH
from bot.schedule.periods import week_of

WEEKS = 12
CHART_HEIGHT = 50  # the SVG box is 100 wide: a 2:1 chart fits a phone screen


@dataclass(frozen=True)
class Column:
    x: float
    y: float  # top of the column, in the 0–CHART_HEIGHT box
    height: float
    value: int
    label: str
    current: bool


def weeks_window(today: date) -> tuple[date, date]:
    """Return [start, end) of the last WEEKS weeks, this week included."""
    this = week_of(today)
    return this.start - timedelta(weeks=WEEKS - 1), this.end


def weekly_columns(per_week: dict[date, int], today: date) -> list[Column]:
    """Return one column per week: its records, scaled to the tallest."""
    start, _ = weeks_window(today)
    totals = []
    for i in range(WEEKS):
        monday = start + timedelta(weeks=i)
        totals.append((monday, per_week.get(monday, 0)))
    top = max((n for _, n in totals), default=0) or 1
    width = 100 / WEEKS
    columns = []
    for i, (monday, n) in enumerate(totals):
        h = CHART_HEIGHT * n / top
        columns.append(Column(x=i * width + width * 0.15, y=CHART_HEIGHT - h, height=h, value=n,
                              label=f"{monday.month}/{monday.day}", current=i == WEEKS - 1))
    return columns


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    percent: int
    width: float  # share of the widest bar, 0–100


def venue_bars(counts: dict[str, int]) -> list[Bar]:
    """Return the venue mix as bars, largest first; online (键对键) is shown but apart from face-to-face."""
    total = sum(counts.values()) or 1
    top = max(counts.values(), default=0) or 1
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Bar(VENUE_ZH.get(venue, venue) + ("（键对键，不计入面对面）" if venue == "online" else ""), n,
                round(100 * n / total), 100 * n / top) for venue, n in ordered]
