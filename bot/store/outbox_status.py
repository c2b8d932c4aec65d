"""What the outbox is doing, for `/healthz`, the console's outbox page and its crisis banner: how many
messages wait, how late the oldest is, what failed, and which crisis alerts have not reached anyone.

Example: `outbox_lag(db, now)` → OutboxLag(queued=3, due=1, sending=1, failed=0, lag_seconds=0.4, …).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select, true
from sqlalchemy.orm import Session

from bot.store.models import OutboundMessage

CRISIS_GRACE = timedelta(minutes=1)  # an urgent row unsent this long shows on the console's banner
WAITING = ("pending", "sending")


@dataclass(frozen=True)
class OutboxLag:
    """The outbox at a glance (`/healthz`)."""

    queued: int  # not sent yet: pending or being sent
    due: int  # of those, due now (the rest wait for a back-off, a pause or a free slot)
    sending: int
    failed: int  # given up, not acknowledged
    lag_seconds: float  # how long the most overdue message has been due (0: nothing overdue)
    oldest_queued_seconds: float  # age of the oldest message not sent yet
    crisis_undelivered: int  # urgent rows unsent after a minute, or failed, and not acknowledged


@dataclass
class PurposeLine:
    """One purpose's row on the console's outbox page."""

    purpose: str
    queued: int = 0
    sending: int = 0
    failed: int = 0
    sent_today: int = 0
    oldest: datetime | None = None  # when the oldest unsent message was queued


@dataclass
class OutboxSummary:
    lines: list[PurposeLine] = field(default_factory=list)

    @property
    def total(self) -> PurposeLine:
        total = PurposeLine("")
        for line in self.lines:
            total.queued += line.queued
            total.sending += line.sending
            total.failed += line.failed
            total.sent_today += line.sent_today
            if line.oldest is not None and (total.oldest is None or line.oldest < total.oldest):
                total.oldest = line.oldest
        return total


def in_schools(school_ids: Sequence[int] | None) -> ColumnElement[bool]:
    return OutboundMessage.school_id.in_(school_ids) if school_ids is not None else true()


def outbox_lag(db: Session, now: datetime, school_ids: Sequence[int] | None = None) -> OutboxLag:
    """Return the queue's size and lateness (every school unless `school_ids`)."""
    o = OutboundMessage
    waiting = o.status.in_(WAITING)
    due = and_(waiting, o.next_attempt_at <= now)
    row = db.execute(select(
        func.count(o.id).filter(waiting),
        func.count(o.id).filter(due),
        func.count(o.id).filter(o.status == "sending"),
        func.count(o.id).filter(o.status == "failed", o.acknowledged_at.is_(None)),
        func.min(o.next_attempt_at).filter(due),
        func.min(func.coalesce(o.requeued_at, o.created_at)).filter(waiting),
        func.count(o.id).filter(crisis_clause(now)),
    ).where(in_schools(school_ids))).one()
    queued, due_count, sending, failed, oldest_due, oldest_queued, crisis = row
    return OutboxLag(queued=queued, due=due_count, sending=sending, failed=failed,
                     lag_seconds=_seconds(now, oldest_due), oldest_queued_seconds=_seconds(now, oldest_queued),
                     crisis_undelivered=crisis)


def _seconds(now: datetime, since: datetime | None) -> float:
    if since is None:
        return 0.0
    if since.tzinfo is None:  # SQLite's aggregate returns the stored naive UTC value
        since = since.replace(tzinfo=now.tzinfo)
    return round(max(0.0, (now - since).total_seconds()), 1)


def crisis_clause(now: datetime) -> ColumnElement[bool]:
    """Urgent rows that have not reached their recipient: failed, or unsent after the grace minute."""
    o = OutboundMessage
    return and_(o.urgent.is_(True), o.acknowledged_at.is_(None),
                or_(o.status == "failed", and_(o.status.in_(WAITING), o.created_at <= now - CRISIS_GRACE)))


def undelivered_crisis(db: Session, now: datetime, school_ids: Sequence[int] | None) -> list[OutboundMessage]:
    """The crisis alerts and escalations the console's banner shows, oldest first."""
    return list(db.scalars(select(OutboundMessage).where(crisis_clause(now), in_schools(school_ids))
                           .order_by(OutboundMessage.created_at, OutboundMessage.id)))


def outbox_summary(db: Session, now: datetime, school_ids: Sequence[int] | None, day_start: datetime) -> OutboxSummary:
    """Per purpose: queued, sending, failed (not acknowledged), sent since `day_start`, oldest unsent."""
    o = OutboundMessage
    waiting = o.status.in_(WAITING)
    rows = db.execute(select(
        o.purpose,
        func.count(o.id).filter(o.status == "pending"),
        func.count(o.id).filter(o.status == "sending"),
        func.count(o.id).filter(o.status == "failed", o.acknowledged_at.is_(None)),
        func.count(o.id).filter(o.status == "sent", o.sent_at >= day_start),
        func.min(case((waiting, func.coalesce(o.requeued_at, o.created_at)))),
    ).where(in_schools(school_ids)).group_by(o.purpose).order_by(o.purpose)).all()
    lines = [PurposeLine(purpose, queued, sending, failed, sent, _aware(oldest, now))
             for purpose, queued, sending, failed, sent, oldest in rows if queued or sending or failed or sent]
    return OutboxSummary(lines)


def _aware(moment: datetime | None, now: datetime) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=now.tzinfo)
    return moment
