"""The cards capability's table: every template card sent, under the subject it asks about (migration 0011).

Listed in `bot.schema` so Alembic and `Base.metadata` see it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base


class SentCard(Base):
    """One template card delivered to one person: the question it asks (`card`, a Choice as JSON), the
    task id it went out under, and the response_code that lets us redraw it once within 72 hours."""

    __tablename__ = "sent_card"
    __table_args__ = (Index("ix_sent_card_subject", "school_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    # Gone with its outbox row (the retention purge, a person's erasure): the card holds the same words.
    outbound_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_message.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(64))  # userid
    subject: Mapped[str] = mapped_column(String(200))  # "confirm:12:34", "ask:…", "rate:7", "remind:5"
    task_id: Mapped[str] = mapped_column(String(128), unique=True)
    response_code: Mapped[str | None] = mapped_column(String(512))  # None: WeCom's answer was lost
    card: Mapped[dict[str, Any]] = mapped_column()
    sent_at: Mapped[datetime] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(Text)  # "已确认 · 12月5日 16:02", once answered
    settled_at: Mapped[datetime | None] = mapped_column()
