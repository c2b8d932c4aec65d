"""The daily purge: nothing is kept longer than `[retention]` says (PIPL Art. 19), counted from fixed
moments so every run removes the same things and a missed day is caught up the next.

- a concern's words, history and sender: `concerns_days` (crisis: `crisis_days`) after its last activity
  (its last message, or its creation); the ticket stays as a statistic (bot/concerns/purge.py);
- a person a roster import deactivated: after `departed_days`, their concerns the same way, and their
  identity out of leaders' contact records (the records themselves stay: they are the leader's);
- evidence photos: `evidence_days` after they were sent, file and row;
- outbox messages no longer pending: `outbox_days` after they were queued;
- stored chat replies (with the message ids they answer): `chat_replies_days`;
- audit rows: `audit_days` (≥ 180), oldest first, leaving an `audit.purge` row that anchors the chain;
- the crisis detector's labelled feedback goes with its ticket's words; while `[understanding] keep_feedback`
  is off, all of it, and everyone's note of being told about it (told again if it is turned back on).

Example: `purge_expired(deps)` at 03:00 → "retention: concerns 3, evidence 12, outbox 480 …" in the log.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.chat.context import Deps
from bot.concerns.models import FeedbackExample
from bot.concerns.purge import strip_concern
from bot.concerns.senders import raised_by
from bot.config import RetentionSettings
from bot.contacts.evidence import evidence_file
from bot.people.person_data import remove_from_records
from bot.store.audit import PURGE_ACTION, record
from bot.store.db import affected
from bot.store.models import AuditLog, Concern, ConcernMessage, Evidence, InboundMessage, OutboundMessage, Person

log = logging.getLogger(__name__)

BATCH = 500  # rows of one kind per transaction: a long-neglected database is caught up over several runs


def purge_expired(deps: Deps) -> int:
    """Remove everything past its retention period; return how many items were removed."""
    now = deps.clock()
    r = deps.settings.retention
    counts: dict[str, int] = {}
    with deps.sessions.begin() as db:
        counts["concerns"] = _concerns(db, now, r)
        counts["departed"] = _departed(db, now, r)
        counts["evidence"] = _evidence(db, deps, now - timedelta(days=r.evidence_days))
        counts["outbox"] = affected(db, delete(OutboundMessage).where(
            OutboundMessage.status.not_in(("pending", "sending")),
            OutboundMessage.created_at < now - timedelta(days=r.outbox_days)))
        counts["chat_replies"] = affected(db, delete(InboundMessage).where(
            InboundMessage.received_at < now - timedelta(days=r.chat_replies_days)))
        counts["audit"] = _audit(db, now, now - timedelta(days=r.audit_days))
        if not deps.settings.understanding.keep_feedback:
            counts["feedback"] = _feedback_off(db)
        total = sum(counts.values())
        if total:
            record(db, school_id=None, actor="system", action="retention.purge", detail=counts, at=now)
    if total:
        log.info("retention: %s", ", ".join(f"{k} {n}" for k, n in counts.items() if n))
    return total


def last_activity() -> ColumnElement[datetime]:
    """The SQL for a ticket's last activity: its newest history step, or its creation."""
    newest = (select(func.max(ConcernMessage.at)).where(ConcernMessage.concern_id == Concern.id)
              .correlate(Concern).scalar_subquery())
    return func.coalesce(newest, Concern.created_at)


def _concerns(db: Session, now: datetime, r: RetentionSettings) -> int:
    expired = or_(and_(Concern.crisis.is_(True), last_activity() < now - timedelta(days=r.crisis_days)),
                  and_(Concern.crisis.is_(False), last_activity() < now - timedelta(days=r.concerns_days)))
    rows = list(db.scalars(select(Concern).where(Concern.purged_at.is_(None), expired).limit(BATCH)))
    for concern in rows:
        strip_concern(db, concern, now)
    return len(rows)


def _departed(db: Session, now: datetime, r: RetentionSettings) -> int:
    """People deactivated longer than the period: their concerns, and their name in others' records."""
    count = 0
    people = db.scalars(select(Person).where(Person.active.is_(False), Person.deactivated_at.is_not(None),
                                             Person.deactivated_at < now - timedelta(days=r.departed_days))
                        .limit(BATCH))
    for person in people:
        for concern in db.scalars(select(Concern).where(raised_by(db, person), Concern.purged_at.is_(None))):
            strip_concern(db, concern, now)
            count += 1
        count += remove_from_records(db, person)
    return count


def _feedback_off(db: Session) -> int:
    """Remove the whole labelled set, and the notes that people were told about it (the switch is off)."""
    db.execute(update(Person).where(Person.feedback_noticed_at.is_not(None)).values(feedback_noticed_at=None))
    return affected(db, delete(FeedbackExample))


def _evidence(db: Session, deps: Deps, before: datetime) -> int:
    rows = list(db.scalars(select(Evidence).where(Evidence.at < before).limit(BATCH)))
    for evidence in rows:
        path = evidence_file(deps.settings, evidence)
        if path is not None:
            path.unlink(missing_ok=True)
        db.delete(evidence)
    return len(rows)


def _audit(db: Session, now: datetime, before: datetime) -> int:
    """Remove the oldest chained audit rows older than the period, and anchor the chain on what is left."""
    keep_from = db.scalar(select(func.min(AuditLog.seq)).where(AuditLog.seq.is_not(None), AuditLog.at >= before))
    if keep_from is None:
        keep_from = (db.scalar(select(func.max(AuditLog.seq))) or 0) + 1
    last = db.scalar(select(AuditLog).where(AuditLog.seq == keep_from - 1))
    if last is None:  # nothing older than the period (or removed already)
        return 0
    count = affected(db, delete(AuditLog).where(AuditLog.seq < keep_from))
    record(db, school_id=None, actor="system", action=PURGE_ACTION,
           detail={"through_seq": keep_from - 1, "last_hash": last.row_hash, "before": before.isoformat()}, at=now)
    return count
