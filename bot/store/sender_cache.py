"""Who sent a message, without a query on the hot path: each process keeps the roster rows of recent
senders, dropped as a whole whenever the school's roster version changes (bot/store/roster_version.py), and
attaches a copy to the message's session with `merge(load=False)` (no SQL).

Example: the first "帮助" from zhaojianguo01 loads his row and roles; his next messages reuse them until
anyone's row, roles or links change in that school. While Redis is away (no version) every message
loads its sender.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from bot.store.models import Person, PersonRole

MAX_SENDERS = 5000  # per school and process; the cache starts afresh beyond this
PERSON_COLUMNS = tuple(a.key for a in Person.__mapper__.column_attrs)
ROLE_COLUMNS = tuple(a.key for a in PersonRole.__mapper__.column_attrs)


def known_sender(db: Session, caches: dict[str, Any], school_id: int, userid: str,
                 version: str | None) -> Person | None:
    """Return the person with this userid in the school, attached to `db`, or None if not in the roster."""
    if version is None:  # the roster version is unknown: the cache cannot be trusted
        return load_sender(db, school_id, userid)
    slot = f"senders:{school_id}"
    hit = caches.get(slot)
    if hit is None or hit[0] != version:
        hit = (version, {})
        caches[slot] = hit
    templates: dict[str, Person] = hit[1]
    template = templates.get(userid)
    if template is not None:
        return db.merge(template, load=False)
    person = load_sender(db, school_id, userid)
    if person is not None:
        if len(templates) >= MAX_SENDERS:
            templates.clear()
        templates[userid] = detached_copy(person)
    return person


def load_sender(db: Session, school_id: int, userid: str) -> Person | None:
    """Load a person and their roles in one query."""
    return db.scalars(
        select(Person).where(Person.school_id == school_id, Person.userid == userid)
        .options(joinedload(Person.role_rows))
    ).unique().one_or_none()


def detached_copy(person: Person) -> Person:
    """A detached copy of a loaded person and their roles, never attached itself (merge copies it)."""
    copy = _copy(Person, person, PERSON_COLUMNS)
    set_committed_value(copy, "role_rows", [_copy(PersonRole, r, ROLE_COLUMNS) for r in person.role_rows])
    make_transient_to_detached(copy)
    return copy


def _copy(cls: Any, row: Any, columns: tuple[str, ...]) -> Any:
    obj = cls()
    for name in columns:
        set_committed_value(obj, name, getattr(row, name))
    if cls is PersonRole:
        make_transient_to_detached(obj)
    return obj
