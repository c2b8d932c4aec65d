"""Crisis escalation job: every crisis case still unacknowledged pages the next step of its chain
(`[crisis] steps`) once `[crisis] ack_minutes` have passed for each step, around the clock (quiet hours
never apply). Each step is sent once: the run first locks the unacknowledged cases, so a second scheduler
waits and then finds the unique CrisisStep row the first one wrote (which also decides should both get
through), a restarted one finds the rows committed before, and each alert row has a dedupe key. The chain stops at the first
acknowledgement (the case leaves the "alerted" state).

Example: #153 alerted at 02:00 and nobody taps 我来处理 -> at 02:10 the department's 学工负责人 gets the
alert card, at 02:20 the leader in charge of student affairs; 王丽 taps it at 02:12 -> nothing at 02:20.
Register with the scheduler as: add(escalate_crisis_alerts, "interval", seconds=30, id="crisis").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.chat.context import Deps
from bot.chat.outbox import Outbox
from bot.concerns.answers import staff_channel
from bot.concerns.crisis import alert_text
from bot.concerns.crisis_case import alert_card
from bot.concerns.crisis_chain import send_step, step_due
from bot.concerns.models import CrisisCase, CrisisStep
from bot.concerns.senders import sender_of
from bot.config import Settings
from bot.store.models import Concern, School


def escalate_crisis_alerts(deps: Deps) -> int:
    """Send every escalation step now due on every unacknowledged crisis case; return how many were sent."""
    now = deps.clock()
    sent = 0
    with deps.sessions.begin() as db:
        # Lock the unacknowledged cases first, before any read: a second scheduler waits here and then finds
        # the steps this one sent (PostgreSQL row locks; SQLite's write lock, taken before its snapshot).
        db.execute(update(CrisisCase).where(CrisisCase.state == "alerted").values(state=CrisisCase.state)
                   .execution_options(synchronize_session=False))
        for school in db.scalars(select(School)):
            outbox = Outbox(db, school, now, default_channel="wecom")
            cases = db.scalars(select(CrisisCase).where(CrisisCase.school_id == school.id,
                                                        CrisisCase.state == "alerted").order_by(CrisisCase.id))
            for case in cases:
                sent += escalate_case(db, case, now, deps.settings, outbox)
    return sent


def escalate_case(db: Session, case: CrisisCase, now: datetime, settings: Settings, outbox: Outbox) -> int:
    """Send the steps of one case that are due and not yet sent; return how many."""
    concern = db.get(Concern, case.concern_id)
    assert concern is not None
    done = set(db.scalars(select(CrisisStep.step).where(CrisisStep.case_id == case.id)))
    text = alert_text(concern, sender_of(db, concern), concern.text, ())
    sent = 0
    for step in range(1, len(settings.crisis.steps)):
        if step_due(case, step, settings) > now:
            break
        if step in done:
            continue
        if send_step(db, outbox, case, concern, step, now, settings, alert_card(case, concern, text, step, settings),
                     channel=staff_channel(concern.channel)) is not None:
            sent += 1
    return sent
