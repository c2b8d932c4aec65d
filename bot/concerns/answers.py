"""What every concern step shares: answering a ticket (chat, a common problem's answer, the console), whether a
ticket is still open, and the channel staff are reached on.

Example: `answer_concern(db, outbox, concern, staff, "已维修", resolve=True, now=now)` relays "已维修" to the
sender with a rating card and marks the ticket resolved.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.chat.messages import Reply
from bot.chat.outbox import Outbox
from bot.concerns.deadlines import CLOSED_STATUSES
from bot.concerns.history import add_history
from bot.concerns.render import rating_card, relayed_answer
from bot.concerns.senders import sender_of
from bot.store.models import Concern, Person


def staff_channel(ctx_channel: str) -> str:
    """Return the channel staff are reached on: WeCom, or the console in tests and the demo."""
    return "console" if ctx_channel == "console" else "wecom"


def answer_concern(db: Session, outbox: Outbox, concern: Concern, staff: Person, text: str, resolve: bool,
                   now: datetime) -> None:
    """Record a staff answer, relay it to the sender through the outbox, and move the status on.

    Chat and the web console both answer through here (the console builds its own Outbox).
    """
    message = add_history(db, concern, "staff", text, now, staff)
    if concern.first_response_at is None:
        concern.first_response_at = now
    if resolve:
        concern.status, concern.resolved_at, concern.rating = "resolved", now, None
    elif concern.status in ("open", "reopened"):
        concern.status = "answered"
    sender = sender_of(db, concern)
    if sender is None:  # purged or erased meanwhile: the answer stays in the history only
        return
    outbox.send(sender.userid, Reply(text=relayed_answer(concern, staff, text, resolve),
                                     choice=rating_card(concern) if resolve else None),
                purpose="concern_reply", channel=concern.channel,
                dedupe_key=f"concern:{concern.school_id}:{concern.number}:msg:{message.id}")


def is_open(concern: Concern) -> bool:
    """Tell whether a ticket still needs staff."""
    return concern.status not in CLOSED_STATUSES
