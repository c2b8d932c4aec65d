"""Who raised a ticket, kept so that an anonymous sender cannot be read from the database: a named
ticket has `sender_id`; an anonymous one (when a key is configured) only the sealed person id and a
keyed digest of it, by which the sender's own tickets are still found (follow-ups, ratings, repeats).

Example: `db.scalars(select(Concern).where(raised_by(db, student)))` finds the student's tickets,
anonymous ones included; `sender_of(db, concern)` opens the sealed id in the application.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, String, cast, func, or_
from sqlalchemy.orm import Session

from bot.store.crypto import session_keyring
from bot.store.models import Concern, Person


def set_sender(db: Session, concern: Concern, person: Person) -> None:
    """Record who raised a ticket: by id when named (or with no key), sealed when anonymous."""
    keyring = session_keyring(db)
    if concern.anonymous and keyring.enabled:
        concern.sender_id, concern.sender_ref, concern.sender_tag = None, str(person.id), keyring.tag(str(person.id))
    else:
        concern.sender_id, concern.sender_ref, concern.sender_tag = person.id, None, None


def raised_by(db: Session, person: Person) -> ColumnElement[bool]:
    """Return the WHERE clause on Concern for the tickets a person raised, anonymous ones included."""
    tags = session_keyring(db).tags(str(person.id))
    return or_(Concern.sender_id == person.id, Concern.sender_tag.in_(tags)) if tags else Concern.sender_id == person.id


def sender_person_id(concern: Concern) -> int | None:
    """Return the id of the person who raised a ticket (opened in the application), None once purged."""
    if concern.sender_id is not None:
        return concern.sender_id
    return int(concern.sender_ref) if concern.sender_ref else None


def sender_of(db: Session, concern: Concern) -> Person | None:
    """Return the person who raised a ticket, None once purged."""
    pid = sender_person_id(concern)
    return db.get(Person, pid) if pid is not None else None


def is_sender(concern: Concern, person: Person) -> bool:
    """Tell whether a person raised this ticket."""
    return sender_person_id(concern) == person.id


def distinct_senders() -> ColumnElement[int]:
    """Return the SQL count of different senders (the digest stands in for a sealed one)."""
    return func.count(func.distinct(func.coalesce(cast(Concern.sender_id, String), Concern.sender_tag)))
