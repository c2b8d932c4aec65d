"""The concerns capability's own tables: the per-school ticket counter, common problems (N14) and
the escalation steps already taken on an overdue ticket (each step once), and crisis cases with the
steps of their escalation chain (issue 14).

Example: the fourth concern of a school gets #4 from `concern_counter`; three students writing about
no hot water in 3号楼 within 14 days share one `concern_group`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.crypto import SealedText
from bot.models import Base


class ConcernCounter(Base):
    """The last ticket number given out in one school (numbers are per school: #1, #2, ...)."""

    __tablename__ = "concern_counter"

    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class ConcernGroup(Base):
    """A common problem (N14): similar concerns from several people, flagged to admins and answered once."""

    __tablename__ = "concern_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    category: Mapped[str] = mapped_column(String(16))
    place: Mapped[str | None] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(SealedText, default="")  # the first concern's text, as a title (sealed)
    created_at: Mapped[datetime] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()


class ConcernEscalation(Base):
    """One escalation step taken on an overdue ticket: chase, department_head or leader — each once per
    missed deadline (a reopened ticket gets a new resolution deadline, and so a new chain)."""

    __tablename__ = "concern_escalation"
    __table_args__ = (UniqueConstraint("concern_id", "step", "due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(16))
    due: Mapped[datetime] = mapped_column()  # the deadline that was missed
    at: Mapped[datetime] = mapped_column()
    recipients: Mapped[list[str]] = mapped_column(default=list)  # userids told


class CrisisCase(Base):
    """A crisis ticket's case (issue 14): alerted → acknowledged → contacted → closed with an outcome, each
    with its moment and the person who moved it. The first to acknowledge owns it (a guarded UPDATE)."""

    __tablename__ = "crisis_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id", ondelete="CASCADE"), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="alerted", index=True)
    kind: Mapped[str] = mapped_column(String(16), default="self")  # self / other / emergency: who wrote, what
    alerted_at: Mapped[datetime] = mapped_column()
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    contacted_at: Mapped[datetime | None] = mapped_column()
    contacted_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    closed_at: Mapped[datetime | None] = mapped_column()
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    outcome: Mapped[str | None] = mapped_column(String(16))  # 已联系本人 / 已到现场 / 已送医 / 家长已知情 / 误报


class CrisisStep(Base):
    """One step of a crisis case's escalation chain, sent once (step 0 is the first alert): the unique row
    decides between two schedulers, and a restart finds what was already sent."""

    __tablename__ = "crisis_step"
    __table_args__ = (UniqueConstraint("case_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("crisis_case.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column()
    recipients: Mapped[list[str]] = mapped_column(default=list)  # userids paged
