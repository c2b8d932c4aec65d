"""Job `reminders`: queue the reminders due now, for every school (idempotent; catches up after downtime).

Run every `[scheduler] reminders_minutes` by the scheduler; a run repeated, or run by a second
scheduler, queues nothing twice (see bot.rules.reminders).
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.chat.context import Deps
from bot.config import school_settings
from bot.rules.queries import Scope
from bot.rules.reminders import due_reminders, queue_reminders
from bot.store.models import School

log = logging.getLogger(__name__)


def send_due_reminders(deps: Deps) -> int:
    """Queue every due reminder through the outbox, each school on its own calendar (quiet hours, holidays)
    and rules; return the number of messages queued."""
    now = deps.clock()
    with deps.sessions() as db:
        school_ids = list(db.scalars(select(School.id).order_by(School.id)))
    queued = 0
    for school_id in school_ids:
        try:
            with deps.sessions.begin() as db:
                school = db.get(School, school_id)
                assert school is not None
                settings = school_settings(deps.settings, school.code)  # its own rules and calendar
                plans = due_reminders(db, settings, now, Scope(school_id=school_id))
                count = queue_reminders(db, school, plans, now, settings)
            queued += count
        except IntegrityError:  # another scheduler queued the same day's message meanwhile: its run wins
            log.info("reminders for school %s already queued by another run", school_id)
    return queued
