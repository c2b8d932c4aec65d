"""Deadlines in working time: the first answer within 24 working hours, resolution within 5 working
days (both from config), on the school calendar (bot/schedule: weekends, holidays and `[[holidays]]`
off, 调休 days on, working hours `[calendar] work_start`–`work_end`).

Example: with 08:30–17:30 working hours, a concern raised on Wednesday 2026-11-25 at 12:00 is due a first
answer on Monday 2026-11-30 at 09:00 and resolution on Wednesday 2026-12-02 at 12:00.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import Settings
from bot.schedule.working_time import add_working_days, add_working_hours, working_hours_between
from bot.store.models import Concern

__all__ = ["CLOSED_STATUSES", "add_working_days", "add_working_hours", "overdue_since", "set_deadlines",
           "working_hours_between"]

# Statuses that need nothing more from staff: resolved (awaiting or given a rating) and marked abuse.
CLOSED_STATUSES = frozenset({"resolved", "spam"})


def set_deadlines(concern: Concern, start: datetime, settings: Settings) -> None:
    """Give a ticket its first-answer and resolution deadlines, counted from `start`."""
    c = settings.concerns
    concern.first_response_due = add_working_hours(start, c.first_response_hours, settings)
    concern.resolve_due = add_working_days(start, c.resolve_days, settings)


def overdue_since(concern: Concern, now: datetime) -> datetime | None:
    """Return the deadline an open ticket has missed (first answer, else resolution), or None."""
    if concern.status in CLOSED_STATUSES:
        return None
    if concern.first_response_at is None and concern.first_response_due and concern.first_response_due <= now:
        return concern.first_response_due
    if concern.resolved_at is None and concern.resolve_due and concern.resolve_due <= now:
        return concern.resolve_due
    return None
