"""The rules capability's tables: pauses (N11), reminders sent once, standing links (N3), digest and report runs.

Listed in `bot.schema` so Alembic and `Base.metadata` see them (migration 0003; report runs 0010).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base


class Pause(Base):
    """A pause of reminders: "出差到12月3日，暂停提醒" (kind pause, with a reason: excuses the period,
    shown in digests, N11) or "下周再提醒" (kind snooze: reminders only). Ends by itself at `until`."""

    __tablename__ = "pause"
    __table_args__ = (Index("ix_pause_person_until", "person_id", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(8))  # pause / snooze
    reason: Mapped[str | None] = mapped_column(String(200))
    start: Mapped[date] = mapped_column(Date)
    until: Mapped[date] = mapped_column(Date)  # exclusive: the first day reminders resume
    source_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()  # "恢复提醒" before until


class ReminderSent(Base):
    """One reminder stage sent to one person for one rule and period: the once-only guarantee.

    The unique row is claimed in the same transaction as the outbox row, so two schedulers or a
    restart can never send a (person, rule, period, stage) twice."""

    __tablename__ = "reminder_sent"
    __table_args__ = (
        UniqueConstraint("person_id", "rule", "period", "stage"),
        Index("ix_reminder_sent_person_day", "person_id", "sent_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    rule: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(64))
    stage: Mapped[int] = mapped_column(Integer)
    sent_on: Mapped[date] = mapped_column(Date)  # school-local day: at most one reminder message a day
    sent_at: Mapped[datetime] = mapped_column()


class StandingLink(Base):
    """A school leader's standing link to one student class, dorm or club (N3)."""

    __tablename__ = "standing_link"
    __table_args__ = (Index("ix_standing_link_person_until", "person_id", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(8))  # class / dorm / club
    name: Mapped[str] = mapped_column(String(200))
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)  # exclusive; None while it holds
    source: Mapped[str] = mapped_column(String(16), default="console")


class DigestRun(Base):
    """A weekly digest produced for one school and week: claimed once, so it goes out once."""

    __tablename__ = "digest_run"
    __table_args__ = (UniqueConstraint("school_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    week: Mapped[str] = mapped_column(String(10))  # the ISO week reported, "2026-W47"
    created_at: Mapped[datetime] = mapped_column()
    file_path: Mapped[str | None] = mapped_column(String(500))
    messages: Mapped[int] = mapped_column(Integer, default=0)


class ReportRun(Base):
    """A report (or the province digest) produced for one scope and period: claimed once, so it goes out once,
    even across restarts and with two schedulers (N21)."""

    __tablename__ = "report_run"
    __table_args__ = (UniqueConstraint("kind", "scope", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # report / digest
    scope: Mapped[str] = mapped_column(String(64))  # a school's code, or "province" for every school
    period: Mapped[str] = mapped_column(String(64))  # when it is due: "2026-11" (report), "2026-W47" (digest)
    created_at: Mapped[datetime] = mapped_column()
    file_path: Mapped[str | None] = mapped_column(String(500))
    messages: Mapped[int] = mapped_column(Integer, default=0)
