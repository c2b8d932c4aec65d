"""The outbox: everything the bot sends on its own is first a row here, then sent by a job.

A row is queued inside the caller's transaction, so it goes out only if that commits; on PostgreSQL the
commit also wakes the sending scheduler (NOTIFY), elsewhere it looks every `[outbox] poll_seconds`.

Example: a reminder "本周您还没有与学生面对面接触的记录" becomes an OutboundMessage for the leader.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from bot.chat.messages import CardUpdate, Choice, Reply
from bot.store.models import OutboundMessage, School

NOTIFY_CHANNEL = "contactbot_outbox"
# WeCom drops a message identical to one it delivered to the same person within its duplicate-check window
# (4 hours at most); a row identical to an earlier one within a day and that window gets an invisible variant.
IDENTICAL_WINDOW = timedelta(hours=28)


def reply_payload(reply: Reply) -> tuple[str, dict[str, object]]:
    """Return the message type and JSON payload that stores a reply (rebuilt by `with_cards` and the
    outbox job's `stored_reply`). A choice or a card update names the type; text goes with it."""
    file = {"file": reply.attachment.path, "file_name": reply.attachment.name} if reply.attachment else {}
    cards: dict[str, object] = {}
    if reply.choice is not None:
        cards["choice"] = asdict(reply.choice)
    if reply.update is not None:
        cards["update"] = {"card": asdict(reply.update.card), "response_code": reply.update.response_code}
    if reply.card is not None:
        return "textcard", {"card": asdict(reply.card), **file, **cards}
    if reply.markdown:
        return "markdown", {"content": reply.markdown, "text": reply.text, **file, **cards}
    msgtype = "card_update" if reply.update is not None else "choice" if reply.choice is not None else "text"
    return msgtype, {"content": reply.text, "extra": list(reply.extra), **file, **cards}


def with_cards(reply: Reply, payload: Mapping[str, Any]) -> Reply:
    """Return a reply rebuilt from its payload with the choice and card update it stored, if any."""
    choice = Choice.from_dict(payload["choice"]) if payload.get("choice") else None
    update = payload.get("update")
    return replace(reply, choice=choice, update=CardUpdate(Choice.from_dict(update["card"]),
                                                           str(update.get("response_code", ""))) if update else None)


def sent_content(payload: dict[str, object]) -> dict[str, object]:
    """The part of a payload that WeCom compares: not the plain-text fallback, nor a file (uploaded anew)."""
    return {k: v for k, v in payload.items() if k not in ("variant", "text", "file", "file_name")}


class Outbox:
    """Adds outbound rows inside the caller's transaction; they go out only if it commits."""

    def __init__(self, db: Session, school: School, now: datetime, default_channel: str = "wecom") -> None:
        self.db, self.school, self.now, self.default_channel = db, school, now, default_channel
        self.urgent = False  # something queued must go out at once (a crisis alert), not at the next run
        self._notified = False

    def send(self, recipient: str, reply: Reply, purpose: str = "notice", dedupe_key: str | None = None,
             channel: str | None = None, urgent: bool = False) -> OutboundMessage | None:
        """Queue a message to one person; a repeated dedupe_key queues nothing.

        Urgent rows (crisis alerts, escalations) are sent before all others and never given up.
        """
        if dedupe_key is not None:
            exists = self.db.scalar(select(OutboundMessage.id).where(OutboundMessage.dedupe_key == dedupe_key))
            if exists is not None:
                return None
        msgtype, payload = reply_payload(reply)
        channel = channel or self.default_channel
        variant = self._variant(recipient, channel, msgtype, payload)
        if variant:
            payload["variant"] = variant
        row = OutboundMessage(
            school_id=self.school.id, recipient=recipient, channel=channel,
            msgtype=msgtype, payload=payload, purpose=purpose, dedupe_key=dedupe_key, status="pending",
            attempts=0, next_attempt_at=self.now, created_at=self.now, urgent=urgent, parts_sent=0,
        )
        self.db.add(row)
        self.urgent |= urgent
        self._notify()
        return row

    def _variant(self, recipient: str, channel: str, msgtype: str, payload: dict[str, object]) -> int:
        """Return 0, or one more than the variant of the latest identical row to this person lately."""
        earlier = self.db.scalars(
            select(OutboundMessage.payload).where(
                OutboundMessage.recipient == recipient, OutboundMessage.school_id == self.school.id,
                OutboundMessage.channel == channel, OutboundMessage.msgtype == msgtype,
                OutboundMessage.created_at >= self.now - IDENTICAL_WINDOW))
        mine = sent_content(payload)
        same = [int(p.get("variant", 0)) for p in earlier if sent_content(p) == mine]
        return max(same) + 1 if same else 0

    def _notify(self) -> None:
        if not self._notified:
            notify_senders(self.db)
            self._notified = True


def notify_senders(db: Session) -> None:
    """Wake the sending scheduler when this transaction commits (PostgreSQL; elsewhere it polls)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})


def requeue(db: Session, now: datetime, ids: Sequence[int] | None = None,
            school_ids: Sequence[int] | None = None) -> list[int]:
    """Queue failed rows again (these ids, or every failed one): due now, their age counted from now.

    Parts already sent stay sent. Return the ids queued again.
    """
    where = [OutboundMessage.status == "failed"]
    if ids is not None:
        where.append(OutboundMessage.id.in_(ids))
    if school_ids is not None:
        where.append(OutboundMessage.school_id.in_(school_ids))
    again = list(db.scalars(update(OutboundMessage).where(*where)
                            .values(status="pending", next_attempt_at=now, requeued_at=now, claimed_by=None,
                                    acknowledged_at=None, acknowledged_by=None)
                            .returning(OutboundMessage.id)
                            .execution_options(synchronize_session=False)))
    if again:
        notify_senders(db)
    return sorted(again)


def acknowledge(db: Session, row: OutboundMessage, actor: str, now: datetime) -> None:
    """Record that someone took over an undeliverable urgent message (by phone, in person): stop retrying it."""
    row.acknowledged_at, row.acknowledged_by = now, actor[:64]
    if row.status in ("pending", "failed"):
        row.status = "dropped"
