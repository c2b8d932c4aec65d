"""The outbox: everything the bot sends on its own is first a row here, then sent by a job.

Example: a reminder "本周您还没有与学生面对面接触的记录" becomes an OutboundMessage for the leader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.messages import CardUpdate, Choice, Reply
from bot.models import OutboundMessage, School


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


class Outbox:
    """Adds outbound rows inside the caller's transaction; they go out only if it commits."""

    def __init__(self, db: Session, school: School, now: datetime, default_channel: str = "wecom") -> None:
        self.db, self.school, self.now, self.default_channel = db, school, now, default_channel
        self.urgent = False  # something queued must go out at once (a crisis alert), not at the next run

    def send(self, recipient: str, reply: Reply, purpose: str = "notice", dedupe_key: str | None = None,
             channel: str | None = None, urgent: bool = False) -> OutboundMessage | None:
        """Queue a message to one person; a repeated dedupe_key queues nothing."""
        if dedupe_key is not None:
            exists = self.db.scalar(select(OutboundMessage.id).where(OutboundMessage.dedupe_key == dedupe_key))
            if exists is not None:
                return None
        msgtype, payload = reply_payload(reply)
        row = OutboundMessage(
            school_id=self.school.id, recipient=recipient, channel=channel or self.default_channel,
            msgtype=msgtype, payload=payload, purpose=purpose, dedupe_key=dedupe_key, status="pending",
            attempts=0, next_attempt_at=self.now, created_at=self.now,
        )
        self.db.add(row)
        self.urgent |= urgent
        return row
