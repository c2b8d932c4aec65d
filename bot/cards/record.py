"""Keeping the cards sent: after the outbox sends a row with a template card, the card, its task id and
the response_code WeCom answered are stored under the card's subject (idempotent: a retry of the same
row finds its card by task id).

Example: row 12 sends the confirmation card "ob12p0" → SentCard(subject="confirm:12:34", task_id="ob12p0",
response_code="…").
"""

from __future__ import annotations

import logging
from dataclasses import asdict, replace
from datetime import datetime

from sqlalchemy import select

from bot.cards.models import SentCard
from bot.channels.base import Sent
from bot.channels.template_card import fits
from bot.context import Deps
from bot.messages import Choice
from bot.models import OutboundMessage

log = logging.getLogger(__name__)


def record_sent_cards(deps: Deps, row: OutboundMessage, sent: list[Sent], now: datetime) -> int:
    """Store the template cards a sent row delivered; return how many were new.

    The row is sent already: a failure here is logged, not raised, so the outbox run goes on; the card
    still works when tapped (its key says what it asks), it just cannot be redrawn from elsewhere.
    """
    try:
        return _record(deps, row, sent, now)
    except Exception:
        log.exception("could not keep the template cards of outbox row %s", row.id)
        return 0


def _record(deps: Deps, row: OutboundMessage, sent: list[Sent], now: datetime) -> int:
    tasks = [(s.body["template_card"]["task_id"], str(s.result.get("response_code") or ""))
             for s in sent if s.body.get("msgtype") == "template_card"]
    if not tasks or "choice" not in row.payload:
        return 0
    choice = Choice.from_dict(row.payload["choice"])
    if not fits(choice):  # the description went out as text before the card
        choice = replace(choice, description="")
    added = 0
    with deps.sessions.begin() as db:
        for task_id, code in tasks:
            card = db.scalar(select(SentCard).where(SentCard.task_id == task_id))
            if card is not None:
                card.response_code = code or card.response_code
                continue
            db.add(SentCard(school_id=row.school_id, outbound_id=row.id, recipient=row.recipient,
                            subject=choice.subject, task_id=task_id, response_code=code or None,
                            card=asdict(choice), sent_at=now))
            added += 1
    return added
