"""Keeping the cards sent: as the outbox sends a template card, the card, its task id and the
response_code WeCom answered are stored under the card's subject (idempotent: a retry of the same
part finds its card by task id).

Example: row 12 sends the confirmation card "ob12p0" → SentCard(subject="confirm:12:34", task_id="ob12p0",
response_code="…").
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from sqlalchemy import select

from bot.cards.models import SentCard
from bot.chat.context import Deps
from bot.chat.messages import Reply
from bot.store.models import OutboundMessage

log = logging.getLogger(__name__)


def record_sent_card(deps: Deps, row: OutboundMessage, part: Reply, task_id: str, result: dict[str, Any]) -> bool:
    """Keep the template card a sent part delivered (nothing for other parts); return whether it was new.

    The part is sent already: a failure here is logged, not raised, so the row goes on; the card still
    works when tapped (its key says what it asks), it just cannot be redrawn from elsewhere.
    """
    if part.choice is None:
        return False
    code = str(result.get("response_code") or "") or None
    try:
        with deps.sessions.begin() as db:
            card = db.scalar(select(SentCard).where(SentCard.task_id == task_id))
            if card is not None:
                card.response_code = code or card.response_code
                return False
            db.add(SentCard(school_id=row.school_id, outbound_id=row.id, recipient=row.recipient,
                            subject=part.choice.subject, task_id=task_id, response_code=code,
                            card=asdict(part.choice), sent_at=deps.clock()))
            return True
    except Exception:
        log.exception("could not keep the template card %s of outbox row %s", task_id, row.id)
        return False
