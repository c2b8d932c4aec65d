"""Set-based counts behind the console's reports and charts: a handful of GROUP BY queries over any
number of people, never one query per person.

Each function takes the WHERE clause on Contact (or Link) of the viewer's scope — `Contact.school_id IN
(…)` for whole schools, which lets PostgreSQL scan by school rather than join a list of people.
Example: `term_counts(db, Contact.school_id == 1, (start, end))[person_id].n("face_to_face")`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, literal, not_, select
from sqlalchemy.orm import Session

from bot.models import Contact, ContactCounterpart, Link, Person, PersonRole
from bot.roles import LEADER_ROLES
from bot.rules.catalog import CONTACT_KINDS
from bot.schedule import Period

MENTEE_KINDS = ("mentee_talk", "mentee_activity")
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


def _inside(window: Window) -> ColumnElement[bool]:
    return and_(Contact.occurred_on >= window[0], Contact.occurred_on < window[1])


@dataclass
class Tally:
    """One person's live records in a window: per kind, front-line half-days, and the marked ones (N20)."""

    kinds: dict[str, int] = field(default_factory=dict)
    half_days: float = 0.0
    records: int = 0
    backdated: int = 0
    disputed: int = 0
    pending: int = 0

    def n(self, kind: str) -> int:
        return self.kinds.get(kind, 0)


def term_counts(db: Session, where: ColumnElement[bool], window: Window) -> dict[int, Tally]:
    """Return, per person, their live records in a window by kind, with half-days and marks (one scan,
    one row per person: the kinds are pivoted in SQL)."""
    def count_if(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((condition, 1), else_=0))

    stmt = (select(Contact.person_id, func.count(Contact.id), func.sum(func.coalesce(Contact.half_days, 0.0)),
                   count_if(Contact.backdated.is_(True)), count_if(Contact.confirmation == "disputed"),
                   count_if(Contact.confirmation == "pending"), *(count_if(Contact.kind == k) for k in CONTACT_KINDS))
            .where(where, Contact.deleted_at.is_(None), _inside(window))
            .group_by(Contact.person_id))
    out: dict[int, Tally] = {}
    for person_id, n, half, backdated, disputed, pending, *kinds in db.execute(stmt):
        out[person_id] = Tally({k: int(c) for k, c in zip(CONTACT_KINDS, kinds, strict=True) if c},
                               float(half or 0), int(n), int(backdated or 0), int(disputed or 0), int(pending or 0))
    return out


def link_counts(db: Session, where: ColumnElement[bool], window: Window) -> dict[tuple[int, int], set[str]]:
    """Return, per (leader, counselor/teacher named), the mentee kinds recorded in a window (N7, N8)."""
    stmt = (select(Contact.person_id, ContactCounterpart.person_id,
                   *(func.max(case((Contact.kind == k, 1), else_=0)) for k in MENTEE_KINDS))
            .join(ContactCounterpart, ContactCounterpart.contact_id == Contact.id)
            .where(where, Contact.deleted_at.is_(None), Contact.kind.in_(MENTEE_KINDS), _inside(window))
            .group_by(Contact.person_id, ContactCounterpart.person_id))
    return {(leader_id, mentee_id): {k for k, hit in zip(MENTEE_KINDS, hits, strict=True) if hit}
            for leader_id, mentee_id, *hits in db.execute(stmt)}


@dataclass(frozen=True)
class LinkRow:
    leader_id: int
    mentee_id: int
    mentee_name: str


def links_during(db: Session, where: ColumnElement[bool], start: date, end: date) -> dict[int, list[LinkRow]]:
    """Return, per leader, the links (matching a Link clause) that held at some time in [start, end)."""
    stmt = (select(Link.leader_id, Link.mentee_id, Person.name).join(Person, Person.id == Link.mentee_id)
            .where(where, Link.since < end, (Link.until.is_(None)) | (Link.until > start))
            .order_by(Link.leader_id, Link.id))
    out: dict[int, list[LinkRow]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for leader_id, mentee_id, name in db.execute(stmt):
        if (leader_id, mentee_id) not in seen:  # a link ended and made again counts once
            seen.add((leader_id, mentee_id))
            out[leader_id].append(LinkRow(leader_id, mentee_id, name))
    return out


def _week_index(db: Session, monday: date) -> ColumnElement[Any]:
    """Return the number of whole weeks between `monday` and a record's day, in SQL for this backend."""
    if db.get_bind().dialect.name == "postgresql":
        return (Contact.occurred_on - literal(monday)) // 7  # date - date is an integer of days in PostgreSQL
    days = func.julianday(Contact.occurred_on) - func.julianday(monday.isoformat())
    return cast(days, Integer) // 7


def weeks_with(db: Session, where: ColumnElement[bool], kinds: Iterable[str], weeks: list[Period]) -> dict[int, int]:
    """Count, per person, how many of the given weeks hold at least one record of these kinds (N1)."""
    if not weeks:
        return {}
    start, end = weeks[0].start, weeks[-1].end
    gaps = []  # weeks inside the span that do not count (vacations, short weeks)
    wanted = {w.start for w in weeks}
    monday = start
    while monday < end:
        if monday not in wanted:
            gaps.append(not_(_inside((monday, monday + timedelta(days=7)))))
        monday += timedelta(days=7)
    stmt = (select(Contact.person_id, func.count(func.distinct(_week_index(db, start))))
            .where(where, Contact.deleted_at.is_(None), Contact.kind.in_(tuple(kinds)),
                   Contact.occurred_on >= start, Contact.occurred_on < end, *gaps)
            .group_by(Contact.person_id))
    return {person_id: int(n) for person_id, n in db.execute(stmt)}


@dataclass
class Mix:
    """The overview's chart data: in-person records per day, and face-to-face records per venue."""

    per_day: dict[date, int] = field(default_factory=dict)
    venues: dict[str, int] = field(default_factory=dict)


def contact_mix(db: Session, where: ColumnElement[bool], in_person: Iterable[str], days: Window,
                venues: Window) -> Mix:
    """Return in-person records per day in `days` and face-to-face/online records per venue in `venues`
    (one scan over both windows)."""
    in_person = tuple(in_person)
    lo, hi = min(days[0], venues[0]), max(days[1], venues[1])
    stmt = (select(Contact.occurred_on, Contact.kind, Contact.venue, func.count(Contact.id))
            .where(where, Contact.deleted_at.is_(None), Contact.occurred_on >= lo, Contact.occurred_on < hi,
                   Contact.kind.in_((*in_person, "online")))
            .group_by(Contact.occurred_on, Contact.kind, Contact.venue))
    mix = Mix()
    for day, kind, venue, n in db.execute(stmt):
        if kind in in_person and days[0] <= day < days[1]:
            mix.per_day[day] = mix.per_day.get(day, 0) + int(n)
        if kind in ("face_to_face", "online") and venues[0] <= day < venues[1]:
            key = "online" if kind == "online" else (venue or "other")
            mix.venues[key] = mix.venues.get(key, 0) + int(n)
    return mix
