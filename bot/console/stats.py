"""Set-based reads behind the console's lists and charts: the leaders in view and the venue mix, each one
GROUP BY query however many people (the counts and obligations themselves come from the engine's ledger).

Each function takes a WHERE clause of the viewer's scope — `Contact.school_id IN (…)` for whole schools,
which lets PostgreSQL scan by school rather than join a list of people.
Example: `venue_mix(db, Contact.school_id == 1, (start, end))["dorm"]`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot.store.models import Contact, Person, PersonRole
from bot.terms.roles import LEADER_ROLES

Window = tuple[date, date]  # [start, end)


@dataclass(frozen=True)
class PersonRow:
    """A leader as pages and reports list them (plain values, no ORM loading)."""

    id: int
    school_id: int
    userid: str
    name: str
    department: str
    title: str
    roles: frozenset[str]


def leaders(db: Session, where: ColumnElement[bool]) -> list[PersonRow]:
    """Return the active leaders, chiefs and student-affairs heads matching a Person clause (one query)."""
    rows = db.execute(select(Person.id, Person.school_id, Person.userid, Person.name, Person.department,
                             Person.title, PersonRole.role)
                      .join(PersonRole, PersonRole.person_id == Person.id)
                      .where(where, Person.active.is_(True), PersonRole.role.in_(LEADER_ROLES))
                      .order_by(Person.school_id, Person.department, Person.id))
    found: dict[int, tuple[int, str, str, str, str]] = {}
    roles: dict[int, set[str]] = defaultdict(set)
    for pid, school_id, userid, name, department, title, role in rows:
        found.setdefault(pid, (school_id, userid, name, department, title))
        roles[pid].add(role)
    return [PersonRow(pid, *values, roles=frozenset(roles[pid])) for pid, values in found.items()]


def venue_mix(db: Session, where: ColumnElement[bool], window: Window) -> dict[str, int]:
    """Return face-to-face and online records per venue in a window (online as one venue, 键对键)."""
    stmt = (select(Contact.kind, Contact.venue, func.count(Contact.id))
            .where(where, Contact.deleted_at.is_(None), Contact.occurred_on >= window[0],
                   Contact.occurred_on < window[1], Contact.kind.in_(("face_to_face", "online")))
            .group_by(Contact.kind, Contact.venue))
    venues: dict[str, int] = {}
    for kind, venue, n in db.execute(stmt):
        key = "online" if kind == "online" else (venue or "other")
        venues[key] = venues.get(key, 0) + int(n)
    return venues
