"""Settling a question: its cards show the outcome wherever it was answered.

Every step that answers a card's question calls `settle_choice` (or, outside a chat message, `settle`):
the subject's open cards are marked answered, and each one WeCom can still redraw (a response_code
younger than 72 hours, other than the card just tapped, which the passive reply redraws) gets a
message/update_template_card row in the outbox, so the card on every phone stops offering buttons.

Example: 王丽 types "确认" → settle_choice(ctx, "confirm:12:34", "已确认") → the card sent to her yesterday
is queued for redrawing as "已确认 · 12月5日 16:02".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cards.models import SentCard
from bot.chat.context import Context
from bot.chat.messages import CardUpdate, Choice, Reply
from bot.chat.outbox import Outbox

RESPONSE_CODE_HOURS = 72  # WeCom: a response_code updates its card once, within 72 hours
UPDATE_MARGIN = timedelta(hours=1)  # an update queued later than this might go out after the code expired
TAPPED = "tapped-card"  # ctx.extras: the task id of the card whose tap this message is


def outcome_line(label: str, at: datetime, tz: ZoneInfo) -> str:
    """Return "已确认 · 12月5日 16:02": what was chosen and when, in school time."""
    local = at.astimezone(tz)
    return f"{label} · {local.month}月{local.day}日 {local:%H:%M}"


def redrawable(card: SentCard, now: datetime) -> bool:
    """Whether WeCom still lets us redraw a sent card through its response_code."""
    limit = timedelta(hours=RESPONSE_CODE_HOURS) - UPDATE_MARGIN
    return bool(card.response_code) and now - card.sent_at < limit


def settle(db: Session, outbox: Outbox, school_id: int, subject: str, outcome: str, now: datetime,
           tapped: str = "") -> int:
    """Mark a subject's open cards answered with `outcome` and queue their redrawing; return how many."""
    cards = list(db.scalars(select(SentCard).where(SentCard.school_id == school_id, SentCard.subject == subject,
                                                  SentCard.settled_at.is_(None)).order_by(SentCard.id)))
    for card in cards:
        card.outcome, card.settled_at = outcome, now
        if card.task_id == tapped or not redrawable(card, now):
            continue
        update = CardUpdate(Choice.from_dict(card.card).answered(outcome), card.response_code or "")
        outbox.send(card.recipient, Reply(update=update), purpose="card_update", channel="wecom",
                    dedupe_key=f"card-update:{card.task_id}")
    return len(cards)


def settle_choice(ctx: Context, subject: str, label: str) -> str:
    """Settle a subject from a chat message (typed or tapped); return the outcome line."""
    outcome = outcome_line(label, ctx.now, ctx.settings.tz)
    settle(ctx.db, ctx.outbox, ctx.school.id, subject, outcome, ctx.now, tapped=str(ctx.extras.get(TAPPED, "")))
    return outcome
