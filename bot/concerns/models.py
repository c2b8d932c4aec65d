"""The concerns capability's own tables: the per-school ticket counter, common problems (N14), the
escalation steps already taken on an overdue ticket (each step once), crisis cases with the steps of their
escalation chain (issue 14), and the crisis detector's labelled feedback (false alarms and missed crises,
bot/concerns/feedback.py).

Example: the fourth concern of a school gets #4 from `concern_counter`; three students writing about
no hot water in 3号楼 within 14 days share one `concern_group`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.crypto import SealedText
from bot.store.models import Base


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


class FeedbackExample(Base):
    """A message the crisis detector got wrong, labelled by staff: a false alarm or a missed crisis.

    The words are the ticket's first message with roster names, account ids, numbers and e-mail addresses
    replaced by placeholders, and nothing says who sent it; `concern_id` is there only so that the row goes
    when the ticket's words go (retention, a person's erasure: bot/concerns/purge.py)."""

    __tablename__ = "feedback_example"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id", ondelete="CASCADE"), unique=True)
    label: Mapped[str] = mapped_column(String(16))  # false_alarm / missed_crisis
    text: Mapped[str] = mapped_column(SealedText)  # de-identified (sealed at rest like every concern text)
    category: Mapped[str] = mapped_column(String(16))  # the category its corpus record carries
    risk: Mapped[str] = mapped_column(String(8))  # the detector's tier when the message came: crisis/watch/none
    detector_category: Mapped[str] = mapped_column(String(16))  # the ticket's category then
    signals: Mapped[list[str]] = mapped_column(default=list)  # what fired then ("plan:other", "model")
    labelled_at: Mapped[datetime] = mapped_column()
    labelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))  # staff
