"""Public holidays and adjusted workdays (调休): chinese-calendar's data, overridden by `[[holidays]]`.

chinese-calendar 1.11.0 knows 2004–2026 and raises NotImplementedError for any other year, so this
module reads its tables directly and never calls it for a year it does not know: such a year has
Monday–Friday working days plus whatever `[[holidays]]` lists, and `has_data()` says so (the digest
warns admins about the coming month).

Example: `HolidayBook(()).is_workday(date(2026, 10, 10))` is True — a Saturday worked for National Day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from chinese_calendar import constants as cc

from bot.config import HolidayEntry

_ZH_NAMES = {h.value: h.chinese for h in cc.Holiday}
CC_YEARS = frozenset(range(min(cc.holidays).year, max(cc.holidays).year + 1))


class HolidayBook:
    """Which days are worked, from chinese-calendar and the school's own `[[holidays]]`."""

    def __init__(self, entries: Iterable[HolidayEntry]) -> None:
        self._off: dict[date, str] = {}  # config days off, with their names
        self._on: dict[date, str] = {}  # config working days (调休)
        self._config_years: set[int] = set()
        for entry in entries:
            assert entry.start is not None  # validated at start-up
            end = entry.end or entry.start
            day = entry.start
            while day <= end:
                (self._on if entry.workday else self._off)[day] = entry.name or ("调休上班" if entry.workday else "放假")
                self._config_years.add(day.year)
                day += timedelta(days=1)

    def is_workday(self, day: date) -> bool:
        """Tell whether people work on this day (weekends off unless 调休; holidays off)."""
        if day in self._on:
            return True
        if day in self._off:
            return False
        if day.year in CC_YEARS:
            if day in cc.workdays:
                return True
            if day in cc.holidays:
                return False
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        """Return the Chinese name of the holiday on this day, or None (weekends have none)."""
        if day in self._off:
            return self._off[day]
        if day in self._on:
            return None
        if day.year in CC_YEARS and day in cc.holidays:
            return _ZH_NAMES.get(cc.holidays[day], "节假日")
        return None

    def is_adjusted_workday(self, day: date) -> bool:
        """Tell whether this is a weekend day worked in lieu of a holiday (调休上班)."""
        return day.weekday() >= 5 and self.is_workday(day)

    def has_data(self, day: date) -> bool:
        """Tell whether the holidays of this day's year are known (chinese-calendar or config)."""
        return day.year in CC_YEARS or day.year in self._config_years

    def holiday_block(self, name: str, after: date) -> tuple[date, date] | None:
        """Return the first and last day of the next holiday called `name` on or after a day, if known."""
        day, last_day = after, after + timedelta(days=400)
        while day <= last_day:
            if (self.holiday_name(day) or "").startswith(name) and not self.is_workday(day):
                end = day
                while not self.is_workday(end + timedelta(days=1)) and end - day < timedelta(days=14):
                    end += timedelta(days=1)
                return day, end
            day += timedelta(days=1)
        return None
