"""The compliance engine's set-based reads: a handful of grouped SELECTs for a whole school (or all
schools, or one person), never a query per person.

Example: `link_counts(db, scope, [quarter, semester], ("mentee_talk",))` returns, per (leader, counselor, kind),
how many contacts with them fell in each period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.rules.models import Pause
from bot.schedule.periods import Period
from bot.store.models import Contact, ContactCounterpart, Link, Person, PersonRole


@dataclass(frozen=True)
class Scope:
    """Whose obligations: one school, several, a few people, or (all None) every school."""

    school_id: int | None = None
    person_ids: tuple[int, ...] | None = None
    school_ids: tuple[int, ...] | None = None  # several schools (those sharing one calendar and rules)

    def on(self, person_col: InstrumentedAttribute[int], school_col: InstrumentedAttribute[int]
           ) -> list[ColumnElement[bool]]:
        """Return the WHERE clauses restricting a table to this scope."""
        clauses: list[ColumnElement[bool]] = []
        if self.school_id is not None:
            clauses.append(school_col == self.school_id)
        if self.school_ids is not None:
            clauses.append(school_col.in_(self.school_ids))
        if self.person_ids is not None:
            clauses.append(person_col.in_(self.person_ids))
        return clauses


@dataclass(slots=True)
class PersonRow:
    """An obligated person, with only the columns the engine needs."""

    id: int
    school_id: int
    userid: str
    name: str
    department: str
    roles: set[str] = field(default_factory=set)
    title: str = ""


@dataclass(frozen=True, slots=True)
class MenteeRow:
    """A linked counselor or ideology teacher."""

    id: int
    userid: str
    name: str


@dataclass(frozen=True, slots=True)
class PauseRow:
    """A pause or snooze of one person: [start, until)."""

    id: int
    person_id: int
    kind: str
    reason: str | None
    start: date
    until: date

    def covers(self, day: date) -> bool:
        return self.start <= day < self.until


@dataclass(frozen=True, slots=True)
class ContactRow:
    """A contact that may count, with what the digest and the progress page show about it."""

    id: int
    person_id: int
    kind: str
    occurred_on: date
    venue: str | None
    place: str | None
    group_name: str | None
    students: int | None
    half_days: float | None
    backdated: bool
    confirmation: str
    received_at: datetime
    counterparts: tuple[int, ...]

    @property
    def flags(self) -> tuple[str, ...]:
        """Marks the record carries (N20): 补记, 对方有异议, 对方未确认."""
        out = []
        if self.backdated:
            out.append("补记")
        if self.confirmation == "disputed":
            out.append("对方有异议")
        elif self.confirmation == "unconfirmed":
            out.append("对方未确认")
        return tuple(out)


def obligated_people(db: Session, scope: Scope, roles: Iterable[str]) -> dict[int, PersonRow]:
    """Return active people holding any of the roles, with those roles."""
    rows = db.execute(
        select(Person.id, Person.school_id, Person.userid, Person.name, Person.department, Person.title, PersonRole.role)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(Person.active.is_(True), PersonRole.role.in_(tuple(roles)), *scope.on(Person.id, Person.school_id))
        .order_by(Person.school_id, Person.department, Person.id)
    )
    people: dict[int, PersonRow] = {}
    for pid, school_id, userid, name, department, title, role in rows:
        person = people.get(pid)
        if person is None:
            person = people[pid] = PersonRow(pid, school_id, userid, name, department or "", title=title or "")
        person.roles.add(role)
    return people


@dataclass(frozen=True, slots=True)
class LinkSpan:
    """A leader's link to a counselor/teacher and the days it held: [since, until)."""

    mentee: MenteeRow
    since: date
    until: date | None

    def holds(self, day: date) -> bool:
        return self.since <= day and (self.until is None or self.until > day)


def links_between(db: Session, scope: Scope, lo: date, hi: date) -> dict[int, list[LinkSpan]]:
    """Return each leader's links (N6) that held at some time in [lo, hi), active mentees only."""
    rows = db.execute(
        select(Link.leader_id, Person.id, Person.userid, Person.name, Link.since, Link.until)
        .join(Person, Person.id == Link.mentee_id)
        .where(Link.since < hi, or_(Link.until.is_(None), Link.until > lo), Person.active.is_(True),
               *scope.on(Link.leader_id, Link.school_id))
        .order_by(Link.leader_id, Link.id)
    )
    links: dict[int, list[LinkSpan]] = defaultdict(list)
    for leader_id, mid, userid, name, since, until in rows:
        links[leader_id].append(LinkSpan(MenteeRow(mid, userid, name), since, until))
    return links


def link_counts(db: Session, scope: Scope, windows: Sequence[Period], kinds: Iterable[str]
                ) -> dict[tuple[int, int, str], tuple[int, ...]]:
    """Return {(leader, counterpart, kind): contacts per window} in one grouped SELECT (N7, N8)."""
    kinds = tuple(kinds)
    if not windows or not kinds:
        return {}
    lo, hi = min(p.start for p in windows), max(p.end for p in windows)
    cols: list[Any] = [Contact.person_id, ContactCounterpart.person_id, Contact.kind]
    for p in windows:
        cols.append(func.sum(case((and_(Contact.occurred_on >= p.start, Contact.occurred_on < p.end), 1), else_=0)))
    stmt = (
        select(*cols)
        .join(ContactCounterpart, ContactCounterpart.contact_id == Contact.id)
        .where(Contact.deleted_at.is_(None), Contact.kind.in_(kinds), Contact.occurred_on >= lo,
               Contact.occurred_on < hi, *scope.on(Contact.person_id, Contact.school_id))
        .group_by(Contact.person_id, ContactCounterpart.person_id, Contact.kind)
    )
    return {(r[0], r[1], r[2]): tuple(int(v or 0) for v in r[3:]) for r in db.execute(stmt)}


def contact_rows(db: Session, scope: Scope, lo: date, hi: date, kinds: Iterable[str] | None = None
                 ) -> list[ContactRow]:
    """Return the contacts in [lo, hi) with their counterparts (for the records that count)."""
    clauses = [Contact.deleted_at.is_(None), Contact.occurred_on >= lo, Contact.occurred_on < hi,
               *scope.on(Contact.person_id, Contact.school_id)]
    if kinds is not None:
        clauses.append(Contact.kind.in_(tuple(kinds)))
    rows = db.execute(
        select(Contact.id, Contact.person_id, Contact.kind, Contact.occurred_on, Contact.venue, Contact.place,
               Contact.group_name, Contact.students, Contact.half_days, Contact.backdated, Contact.confirmation,
               Contact.received_at)
        .where(*clauses).order_by(Contact.occurred_on, Contact.id)
    ).all()
    counterparts: dict[int, list[int]] = defaultdict(list)
    if rows:
        cp = db.execute(
            select(ContactCounterpart.contact_id, ContactCounterpart.person_id)
            .join(Contact, Contact.id == ContactCounterpart.contact_id)
            .where(*clauses)
        )
        for contact_id, person_id in cp:
            counterparts[contact_id].append(person_id)
    return [ContactRow(**r._asdict(), counterparts=tuple(sorted(counterparts.get(r.id, ())))) for r in rows]


def pauses_between(db: Session, scope: Scope, lo: date, hi: date) -> dict[int, list[PauseRow]]:
    """Return the pauses and snoozes overlapping [lo, hi), per person (one ended early keeps its past days)."""
    rows = db.execute(
        select(Pause.id, Pause.person_id, Pause.kind, Pause.reason, Pause.start, Pause.until)
        .where(Pause.until > Pause.start, Pause.start < hi, Pause.until > lo,
               *scope.on(Pause.person_id, Pause.school_id))
        .order_by(Pause.start)
    )
    out: dict[int, list[PauseRow]] = defaultdict(list)
    for row in rows:
        out[row[1]].append(PauseRow(*row))
    return out
