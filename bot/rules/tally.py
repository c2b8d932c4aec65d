"""One definition of every count a report, digest, chart, record or export shows, and the grouped SELECT
that makes them for any number of people and windows at once.

`face_to_face` is every in-person contact with students as N1 counts it: a visit (进课堂、宿舍、食堂、社团…),
the leader's own ideology lecture (N2) and part in a counselor's or teacher's work with students (N8) —
never an online contact (N13: 键对键 is a supplement, not 面对面). Deleted records never count; back-dated,
disputed and unconfirmed ones count and are counted apart (N20).

Example: `tally_contacts(db, scope, [(start, end)]).counts(person_id, 0).face_to_face`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from bot.models import Contact, Evidence
from bot.rules.catalog import (
    CONTACT_KINDS,
    FACE_TO_FACE,
    FRONTLINE,
    IDEOLOGY_LECTURE,
    IN_PERSON_KINDS,
    MENTEE_ACTIVITY,
    MENTEE_TALK,
    ONLINE,
)
from bot.rules.queries import Scope

Window = tuple[date, date]  # [start, end)
WAITING = ("pending", "unconfirmed")  # a counselor/teacher has not answered yet (N20)


@dataclass
class Counts:
    """One person's (or a group's) live records in a window."""

    kinds: dict[str, int] = field(default_factory=dict)  # records per kind
    half_days: float = 0.0  # front-line half-days (N5)
    students: int = 0  # students met in person, as reported
    backdated: int = 0  # sent more than [contacts] backdate_mark_days after the day (N20)
    confirmed: int = 0  # talks/activities the counselor or teacher confirmed (N20)
    disputed: int = 0
    unconfirmed: int = 0  # not answered yet
    photos: int = 0  # records with a photo as evidence (filled when asked for)
    located: int = 0  # records with a location

    def n(self, kind: str) -> int:
        return self.kinds.get(kind, 0)

    @property
    def face_to_face(self) -> int:
        """In-person contacts with students as N1 counts them (lectures and mentees' work included)."""
        return sum(self.n(k) for k in IN_PERSON_KINDS)

    @property
    def records(self) -> int:
        return sum(self.kinds.values())

    def add(self, other: Counts) -> None:
        """Add another person's counts (a department's, school's or province's total)."""
        for kind, n in other.kinds.items():
            self.kinds[kind] = self.kinds.get(kind, 0) + n
        self.half_days += other.half_days
        self.students += other.students
        self.backdated += other.backdated
        self.confirmed += other.confirmed
        self.disputed += other.disputed
        self.unconfirmed += other.unconfirmed
        self.photos += other.photos
        self.located += other.located

    def as_json(self) -> dict[str, Any]:
        """The counts under the names the JSON reports use."""
        return {
            "face_to_face": self.face_to_face, "visits": self.n(FACE_TO_FACE),
            "ideology_lecture": self.n(IDEOLOGY_LECTURE), "mentee_talk": self.n(MENTEE_TALK),
            "mentee_activity": self.n(MENTEE_ACTIVITY), "frontline": self.n(FRONTLINE),
            "frontline_half_days": round(self.half_days, 1), "online": self.n(ONLINE), "records": self.records,
            "students": self.students,
            "backdated": self.backdated, "confirmed": self.confirmed, "disputed": self.disputed,
            "unconfirmed": self.unconfirmed, "with_photo": self.photos, "with_location": self.located,
        }


@dataclass(frozen=True, slots=True)
class _Row:
    """One (kind, back-dated, confirmation) group of a person's records: contacts, half-days and students
    per window."""

    kind: str
    backdated: bool
    confirmation: str
    n: tuple[int, ...]
    half: tuple[float, ...]
    students: tuple[int, ...]


class Tally:
    """The grouped rows of `tally_contacts`, read per person and window without building every cell."""

    def __init__(self, windows: Sequence[Window]) -> None:
        self.windows = tuple(windows)
        self.rows: dict[int, list[_Row]] = defaultdict(list)
        self.evidence: dict[int, tuple[int, int]] = {}  # person -> (records with a photo, with a location)

    def done(self, person_id: int, kinds: Iterable[str], window: int, half_days: bool = False) -> float:
        """Return a person's contacts (or front-line half-days) of some kinds in one window."""
        wanted = set(kinds)
        rows = self.rows.get(person_id, ())
        if half_days:
            return float(sum(r.half[window] for r in rows if r.kind in wanted))
        return float(sum(r.n[window] for r in rows if r.kind in wanted))

    def counts(self, person_id: int, window: int) -> Counts:
        """Return a person's counts in one window."""
        out = Counts()
        for r in self.rows.get(person_id, ()):
            n = r.n[window]
            if not n:
                continue
            out.kinds[r.kind] = out.kinds.get(r.kind, 0) + n
            out.half_days += r.half[window]
            out.students += r.students[window] if r.kind in IN_PERSON_KINDS else 0
            out.backdated += n if r.backdated else 0
            out.confirmed += n if r.confirmation == "confirmed" else 0
            out.disputed += n if r.confirmation == "disputed" else 0
            out.unconfirmed += n if r.confirmation in WAITING else 0
        out.photos, out.located = self.evidence.get(person_id, (0, 0))
        return out


def tally_contacts(db: Session, scope: Scope, windows: Sequence[Window], evidence: int | None = None) -> Tally:
    """Count everyone's live records in each window, in one grouped SELECT (two with `evidence`, the index
    of the window whose records with photos and locations are counted)."""
    tally = Tally(windows)
    if not windows:
        return tally
    lo, hi = min(w[0] for w in windows), max(w[1] for w in windows)
    cols: list[Any] = [Contact.person_id, Contact.kind, Contact.backdated, Contact.confirmation]
    for start, end in windows:
        inside = and_(Contact.occurred_on >= start, Contact.occurred_on < end)
        cols.append(func.sum(case((inside, 1), else_=0)))
        cols.append(func.sum(case((inside, func.coalesce(Contact.half_days, 0.0)), else_=0.0)))
        cols.append(func.sum(case((inside, func.coalesce(Contact.students, 0)), else_=0)))
    stmt = (select(*cols)
            .where(Contact.deleted_at.is_(None), Contact.kind.in_(CONTACT_KINDS), Contact.occurred_on >= lo,
                   Contact.occurred_on < hi, *scope.on(Contact.person_id, Contact.school_id))
            .group_by(Contact.person_id, Contact.kind, Contact.backdated, Contact.confirmation))
    for row in db.execute(stmt):
        values = row[4:]
        tally.rows[row[0]].append(_Row(row[1], bool(row[2]), row[3] or "none",
                                       tuple(int(v or 0) for v in values[0::3]),
                                       tuple(float(v or 0.0) for v in values[1::3]),
                                       tuple(int(v or 0) for v in values[2::3])))
    if evidence is not None:
        tally.evidence = evidence_counts(db, scope, windows[evidence])
    return tally


def evidence_counts(db: Session, scope: Scope, window: Window) -> dict[int, tuple[int, int]]:
    """Return, per person, how many of their live records in a window carry a photo and a location (N20)."""
    photo = func.max(case((Evidence.kind == "image", 1), else_=0))
    place = func.max(case((Evidence.kind == "location", 1), else_=0))
    per_record = (select(Contact.person_id.label("person_id"), photo.label("photo"), place.label("place"))
                  .join(Evidence, Evidence.contact_id == Contact.id)
                  .where(Contact.deleted_at.is_(None), Contact.occurred_on >= window[0],
                         Contact.occurred_on < window[1], *scope.on(Contact.person_id, Contact.school_id))
                  .group_by(Contact.person_id, Contact.id).subquery())
    stmt = select(per_record.c.person_id, func.sum(per_record.c.photo), func.sum(per_record.c.place)).group_by(
        per_record.c.person_id)
    return {pid: (int(p or 0), int(loc or 0)) for pid, p, loc in db.execute(stmt)}
