"""The data model: schools, people and their links, contact records with their history,
concern tickets, the outbox, the audit log, and inbound message ids for exactly-once handling.

Times are stored in UTC and timezone-aware; `occurred_on` is the local (school timezone) date.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.store.crypto import SealedJSON, SealedText

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC times")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    """Return the current time in UTC (used only for column defaults; handlers use ctx.now)."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


class School(Base):
    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("school_id", "userid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    userid: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(200), default="")
    class_name: Mapped[str] = mapped_column(String(500), default="")  # a student's class; a counselor's ;-list
    title: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    openid: Mapped[str | None] = mapped_column(String(64), unique=True)  # Official Account binding
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Privacy (migration 0007): when a roster import deactivated them (retention counts from it), and when
    # they were first told what happens to what they raise.
    deactivated_at: Mapped[datetime | None] = mapped_column()
    privacy_noticed_at: Mapped[datetime | None] = mapped_column()
    # When they were told that a false alarm or missed crisis in what they raise may be kept, without names,
    # for retraining the crisis detector (migration 0013; bot/concerns/feedback.py keeps only their words then).
    feedback_noticed_at: Mapped[datetime | None] = mapped_column()

    role_rows: Mapped[list[PersonRole]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(c for c in (p.strip() for p in self.class_name.split(";")) if c)


class PersonRole(Base):
    __tablename__ = "person_role"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)

    person: Mapped[Person] = relationship(back_populates="role_rows")


class Link(Base):
    """A leader or middle chief linked to a counselor or ideology teacher (N6); history kept by dates."""

    __tablename__ = "link"
    __table_args__ = (Index("ix_link_leader_active", "leader_id", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    mentee_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)  # exclusive; None while the link holds
    source: Mapped[str] = mapped_column(String(16), default="roster")

    leader: Mapped[Person] = relationship(foreign_keys=[leader_id])
    mentee: Mapped[Person] = relationship(foreign_keys=[mentee_id])


class Contact(Base):
    """One contact a leader reported (N1–N8, N16): what, when, where, with whom."""

    __tablename__ = "contact"
    __table_args__ = (Index("ix_contact_person_day", "person_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column()
    kind: Mapped[str] = mapped_column(String(32))
    venue: Mapped[str | None] = mapped_column(String(32))
    place: Mapped[str | None] = mapped_column(String(200))
    group_name: Mapped[str | None] = mapped_column(String(200))
    students: Mapped[int | None] = mapped_column(Integer)
    topics: Mapped[list[str]] = mapped_column(default=list)
    part_of_day: Mapped[str | None] = mapped_column(String(8))
    half_days: Mapped[float | None] = mapped_column(Float)
    source_text: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(16), default="console")
    backdated: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmation: Mapped[str] = mapped_column(String(16), default="none")  # none/pending/confirmed/disputed
    deleted_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship()
    counterparts: Mapped[list[ContactCounterpart]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", lazy="selectin"
    )
    revisions: Mapped[list[ContactRevision]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactRevision.id"
    )
    evidence: Mapped[list[Evidence]] = relationship(back_populates="contact", cascade="all, delete-orphan")


class ContactCounterpart(Base):
    """A person named in a contact; a linked counselor/teacher confirms or disputes it (N20)."""

    __tablename__ = "contact_counterpart"

    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)
    confirmation: Mapped[str] = mapped_column(String(16), default="none")
    answered_at: Mapped[datetime | None] = mapped_column()

    contact: Mapped[Contact] = relationship(back_populates="counterparts")
    person: Mapped[Person] = relationship(lazy="joined")


class ContactRevision(Base):
    """One step in a contact's history: created, edited, undone, confirmed (N20)."""

    __tablename__ = "contact_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    action: Mapped[str] = mapped_column(String(16))
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    source_text: Mapped[str] = mapped_column(Text, default="")

    contact: Mapped[Contact] = relationship(back_populates="revisions")


class Evidence(Base):
    """A photo or location attached to a contact (N20)."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # image / location
    media_id: Mapped[str | None] = mapped_column(String(256))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(256))
    at: Mapped[datetime] = mapped_column()
    stored_path: Mapped[str | None] = mapped_column(String(300))  # under [evidence] directory, once fetched
    fetch_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    contact: Mapped[Contact] = relationship(back_populates="evidence")


class Concern(Base):
    """A concern ticket raised through chat (N13, N18)."""

    __tablename__ = "concern"
    __table_args__ = (UniqueConstraint("school_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # Who raised it: sender_id for a named ticket; for an anonymous one (with a key configured) only the
    # sealed id and a keyed digest to find their own tickets by (bot/concerns/senders.py).
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    category: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open/answered/resolved/reopened
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    crisis: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_office: Mapped[str] = mapped_column(String(200), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(SealedText)
    created_at: Mapped[datetime] = mapped_column()
    first_response_due: Mapped[datetime | None] = mapped_column()
    resolve_due: Mapped[datetime | None] = mapped_column()
    first_response_at: Mapped[datetime | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()
    rating: Mapped[str | None] = mapped_column(String(16))
    # Added by the concerns capability (migration 0004):
    counselor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))  # the student's counselor, copied in
    group_id: Mapped[int | None] = mapped_column(ForeignKey("concern_group.id"), index=True)  # a common problem (N14)
    abuse: Mapped[str | None] = mapped_column(String(16))  # rate / spam / insult: marked (see bot/concerns/abuse.py)
    channel: Mapped[str] = mapped_column(String(16), default="wecom")  # where answers reach the sender
    place: Mapped[str | None] = mapped_column(String(64))  # a building, canteen... named in the text
    # Privacy (migration 0007):
    sender_ref: Mapped[str | None] = mapped_column(SealedText)  # an anonymous sender's person id, sealed
    sender_tag: Mapped[str | None] = mapped_column(String(64), index=True)  # its keyed digest
    purged_at: Mapped[datetime | None] = mapped_column()  # words and sender removed (retention, erasure)

    messages: Mapped[list[ConcernMessage]] = relationship(
        back_populates="concern", cascade="all, delete-orphan", order_by="ConcernMessage.id"
    )


class ConcernMessage(Base):
    __tablename__ = "concern_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    role: Mapped[str] = mapped_column(String(16))  # sender / staff / system
    text: Mapped[str] = mapped_column(SealedText)
    at: Mapped[datetime] = mapped_column()

    concern: Mapped[Concern] = relationship(back_populates="messages")


class OutboundMessage(Base):
    """A message the bot sends on its own: a row first, then sent by the outbox job."""

    __tablename__ = "outbound_message"
    __table_args__ = (Index("ix_outbound_due", "status", "next_attempt_at"),
                      Index("ix_outbound_recipient", "recipient", "sent_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(64))  # userid
    channel: Mapped[str] = mapped_column(String(16), default="wecom")
    msgtype: Mapped[str] = mapped_column(String(16), default="text")
    payload: Mapped[dict[str, Any]] = mapped_column(SealedJSON, default=dict)  # sealed whole (bot/store/crypto.py)
    purpose: Mapped[str] = mapped_column(String(32), default="reply")
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending/sending/sent/failed/dropped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    # Added by the outbox work (migration 0007): sent first and never given up (crisis alerts, escalations);
    # the parts already sent and what WeCom answered for each; who holds the row while sending; when an
    # operator queued it again (its age counts from then); and who acknowledged an undeliverable crisis alert.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    progress: Mapped[dict[str, Any] | None] = mapped_column()  # {"media": {part: media_id}, "receipts": [...]}
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    requeued_at: Mapped[datetime | None] = mapped_column()
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))


class AuditLog(Base):
    """Who did or read what, when, from where — never the content. Append-only, chained by hash (bot/store/audit.py)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    actor: Mapped[str] = mapped_column(String(64))  # userid, "cli", "system"
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column()
    # The chain (migration 0007): set when the transaction that wrote the row commits.
    address: Mapped[str] = mapped_column(String(64), default="", server_default="")
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))


class AuditHead(Base):
    """The audit chain's last link (one row): appending locks it, so rows chain in commit order."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class InboundMessage(Base):
    """A message id already handled: the database half of exactly-once (Redis is the fast half)."""

    __tablename__ = "inbound_message"
    __table_args__ = (UniqueConstraint("school_id", "channel", "msg_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    channel: Mapped[str] = mapped_column(String(16))
    msg_id: Mapped[str] = mapped_column(String(128))
    sender: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column()
    reply: Mapped[str | None] = mapped_column(SealedText)  # as plain text, for people reading the table
    # The whole reply as bot.chat.outbox.reply_payload stores it: a re-delivery is answered with the same message.
    reply_type: Mapped[str | None] = mapped_column(String(16))
    reply_payload: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON)

