"""Times of day written in config: "17:00", and weekly stages such as "thu 17:00"."""

from __future__ import annotations

import re
from datetime import time

WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_time(text: str) -> time:
    """Read "HH:MM"; raise ValueError otherwise."""
    m = _TIME.match(text.strip())
    if m is None:
        raise ValueError(f"not a time of day (HH:MM): {text!r}")
    return time(int(m.group(1)), int(m.group(2)))


def parse_weekday(text: str) -> int:
    """Read "mon".."sun" as 0..6; raise ValueError otherwise."""
    key = text.strip().lower()[:3]
    if key not in WEEKDAYS:
        raise ValueError(f"not a weekday (mon…sun): {text!r}")
    return WEEKDAYS[key]


def parse_weekly_stage(text: str) -> tuple[int, time]:
    """Read "thu 17:00" as (3, 17:00); raise ValueError otherwise."""
    parts = text.split()
    if len(parts) != 2:
        raise ValueError(f"not a weekly stage (\"thu 17:00\"): {text!r}")
    return parse_weekday(parts[0]), parse_time(parts[1])
