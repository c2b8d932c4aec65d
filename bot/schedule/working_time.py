"""Working-time arithmetic for deadlines: add working hours or working days to a moment, skipping
weekends and holidays (调休 Saturdays count), within `[calendar] work_start`–`work_end`.

Example: with 08:30–17:30 working hours, a concern received on Friday 16:30 with a 24-working-hour
deadline is due on Wednesday 13:30 (Friday's last hour, Monday's 9, Tuesday's 9, Wednesday's first 5).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from bot.config import Settings
from bot.schedule.school_calendar import SchoolCalendar, calendar_for

MAX_DAYS = 3660  # a deadline ten years away is a configuration error, not a loop to run forever


def is_working_day(day: date, settings: Settings) -> bool:
    """Tell whether a school-local date is a working day (holidays off, 调休 days on)."""
    return calendar_for(settings).is_workday(day)


def _hours_per_day(cal: SchoolCalendar) -> float:
    start = timedelta(hours=cal.work_start.hour, minutes=cal.work_start.minute)
    end = timedelta(hours=cal.work_end.hour, minutes=cal.work_end.minute)
    return (end - start).total_seconds() / 3600


def add_working_hours(start: datetime, hours: float, settings: Settings) -> datetime:
    """Return the UTC moment `hours` working hours after `start` (counting only working days' hours)."""
    cal = calendar_for(settings)
    if _hours_per_day(cal) <= 0:
        raise ValueError("[calendar] work_end must be after work_start")
    remaining = timedelta(hours=hours)
    cursor = start.astimezone(cal.tz)
    for _ in range(MAX_DAYS):
        day = cursor.date()
        if cal.is_workday(day):
            open_at = datetime.combine(day, cal.work_start, tzinfo=cal.tz)
            close_at = datetime.combine(day, cal.work_end, tzinfo=cal.tz)
            cursor = max(cursor, open_at)
            if cursor < close_at:
                if cursor + remaining <= close_at:
                    return (cursor + remaining).astimezone(timezone.utc)
                remaining -= close_at - cursor
        cursor = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=cal.tz)
    raise ValueError(f"deadline of {hours} working hours is too far away")


def add_working_days(start: datetime, days: int, settings: Settings) -> datetime:
    """Return the UTC moment `days` working days after `start`, at the same time of day (kept within
    working hours: a moment after work_end becomes work_end, before work_start becomes work_start)."""
    cal = calendar_for(settings)
    local = start.astimezone(cal.tz)
    day = local.date()
    counted = 0
    for _ in range(MAX_DAYS):
        if counted >= days:
            break
        day += timedelta(days=1)
        if cal.is_workday(day):
            counted += 1
    else:
        raise ValueError(f"deadline of {days} working days is too far away")
    at = min(max(local.timetz().replace(tzinfo=None), cal.work_start), cal.work_end)
    return datetime.combine(day, at, tzinfo=cal.tz).astimezone(timezone.utc)


def working_hours_between(start: datetime, end: datetime, settings: Settings) -> float:
    """Return the working hours from `start` to `end` (0 when end is not after start)."""
    cal = calendar_for(settings)
    if end <= start:
        return 0.0
    total = timedelta()
    cursor = start.astimezone(cal.tz)
    end_local = end.astimezone(cal.tz)
    while cursor.date() <= end_local.date():
        day = cursor.date()
        if cal.is_workday(day):
            open_at = datetime.combine(day, cal.work_start, tzinfo=cal.tz)
            close_at = datetime.combine(day, cal.work_end, tzinfo=cal.tz)
            lo, hi = max(cursor, open_at), min(end_local, close_at)
            if hi > lo:
                total += hi - lo
        cursor = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=cal.tz)
    return total.total_seconds() / 3600
