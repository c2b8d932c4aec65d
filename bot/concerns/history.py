"""A ticket's history: every step (the sender's words, staff answers, system notes) is one ConcernMessage.

Example: `add_history(db, concern, "staff", "已联系后勤，周五前修好", now, author)`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.store.models import Concern, ConcernMessage, Person


def add_history(db: Session, concern: Concern, role: str, text: str, now: datetime,
                author: Person | None = None) -> ConcernMessage:
    """Append one step to a ticket's history (role: sender / staff / system)."""
    row = ConcernMessage(concern_id=concern.id, author_id=author.id if author else None, role=role, text=text, at=now)
    db.add(row)
    db.flush()
    return row
