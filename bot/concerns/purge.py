"""Removing a concern's words and sender (retention, a person's erasure): the ticket stays as a statistic —
its number, category, office, dates and state, which the reports count — with nothing left of what was
said or who said it: no text, no history, no sender, no counselor, no notices quoting it in the outbox, and
no example of it in the crisis detector's labelled feedback (bot/concerns/feedback.py).

Example: `strip_concern(db, concern, now)` on a ticket closed two years ago.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.concerns.models import ConcernEscalation, ConcernGroup, FeedbackExample
from bot.store.models import Concern, ConcernMessage, OutboundMessage

PURGED_LABEL = "（内容已删除）"


def strip_concern(db: Session, concern: Concern, now: datetime) -> None:
    """Remove a ticket's words, history, sender and the outbox messages about it; keep its statistics."""
    db.execute(delete(ConcernMessage).where(ConcernMessage.concern_id == concern.id))
    db.execute(delete(ConcernEscalation).where(ConcernEscalation.concern_id == concern.id))
    db.execute(delete(FeedbackExample).where(FeedbackExample.concern_id == concern.id))
    db.execute(delete(OutboundMessage).where(
        OutboundMessage.dedupe_key.like(f"concern:{concern.school_id}:{concern.number}:%")))
    concern.text = ""
    concern.sender_id = concern.sender_ref = concern.sender_tag = None
    concern.counselor_id = None
    concern.purged_at = now
    db.expire(concern, ["messages"])
    if concern.group_id is not None:  # the admins' notices about the common problem quote its tickets
        db.execute(delete(OutboundMessage).where(
            OutboundMessage.dedupe_key.like(f"concern:{concern.school_id}:group:{concern.group_id}:%")))
        relabel_group(db, concern.group_id)


def relabel_group(db: Session, group_id: int) -> None:
    """Title a common problem with a remaining ticket's words (its first one may be gone)."""
    group = db.get(ConcernGroup, group_id)
    if group is None:
        return
    first = db.scalar(select(Concern).where(Concern.group_id == group_id, Concern.purged_at.is_(None))
                      .order_by(Concern.number).limit(1))
    group.label = first.text if first is not None else PURGED_LABEL
