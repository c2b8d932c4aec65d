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
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

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
from bot.store.models import Contact, Evidence

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
    """One kind of a person's records: contacts and half-days per window."""

    kind: str
    n: tuple[int, ...]
    half: tuple[float, ...]


class Tally:
    """The grouped rows of `tally_contacts`, read per person and window without building every cell. The
    first window is the span: only there are students, marks (N20) and evidence counted as well."""

    def __init__(self, windows: Sequence[Window]) -> None:
        self.windows = tuple(windows)
        self.rows: dict[int, list[_Row]] = defaultdict(list)
        self.marks: dict[int, Counts] = {}  # person -> students, marks and evidence in the span

    def done(self, person_id: int, kinds: Collection[str], window: int, half_days: bool = False) -> float:
        """Return a person's contacts (or front-line half-days) of some kinds in one window."""
        rows = self.rows.get(person_id, ())
        if half_days:
            return float(sum(r.half[window] for r in rows if r.kind in kinds))
        return float(sum(r.n[window] for r in rows if r.kind in kinds))

    def counts(self, person_id: int, window: int) -> Counts:
        """Return a person's counts in one window (with students, marks and evidence in the span's)."""
        out = Counts()
        for r in self.rows.get(person_id, ()):
            if r.n[window]:
                out.kinds[r.kind] = r.n[window]
                out.half_days += r.half[window]
        if window == 0 and person_id in self.marks:
            out.add(self.marks[person_id])
        return out


def tally_contacts(db: Session, scope: Scope, windows: Sequence[Window], evidence: bool = False) -> Tally:
    """Count everyone's live records in each window — the first is the span, where students and marks are
    counted too — in one grouped SELECT, a small second one for the front-line half-days (only those records
    carry any), and a third with `evidence` (records with photos and locations in the span)."""
    tally = Tally(windows)
    if not windows:
        return tally
    lo, hi = min(w[0] for w in windows), max(w[1] for w in windows)
    where = [Contact.deleted_at.is_(None), Contact.kind.in_(CONTACT_KINDS), Contact.occurred_on >= lo,
             Contact.occurred_on < hi, *scope.on(Contact.person_id, Contact.school_id)]
    insides = [and_(Contact.occurred_on >= start, Contact.occurred_on < end) for start, end in windows]
    span = insides[0]

    def count_if(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    marks = (func.sum(case((span, func.coalesce(Contact.students, 0)), else_=0)), count_if(span & Contact.backdated),
             count_if(span & (Contact.confirmation == "confirmed")), count_if(span & (Contact.confirmation == "disputed")),
             count_if(span & Contact.confirmation.in_(WAITING)))
    stmt = (select(Contact.person_id, Contact.kind, *marks, *(count_if(inside) for inside in insides))
            .where(*where).group_by(Contact.person_id, Contact.kind))
    zero = (0.0,) * len(windows)
    for pid, kind, students, backdated, confirmed, disputed, waiting, *n in db.execute(stmt):
        tally.rows[pid].append(_Row(kind, tuple(int(v or 0) for v in n), zero))
        counted = tally.marks.setdefault(pid, Counts())
        counted.students += int(students or 0) if kind in IN_PERSON_KINDS else 0
        counted.backdated += int(backdated or 0)
        counted.confirmed += int(confirmed or 0)
        counted.disputed += int(disputed or 0)
        counted.unconfirmed += int(waiting or 0)
    half = (select(Contact.person_id, Contact.kind,
                   *(func.sum(case((inside, Contact.half_days), else_=0.0)) for inside in insides))
            .where(*where, Contact.half_days.is_not(None)).group_by(Contact.person_id, Contact.kind))
    for pid, kind, *days in db.execute(half):
        rows = tally.rows[pid]
        i = next(i for i, r in enumerate(rows) if r.kind == kind)
        rows[i] = _Row(kind, rows[i].n, tuple(float(v or 0.0) for v in days))
    if evidence:
        for pid, (photos, located) in evidence_counts(db, scope, windows[0]).items():
            counted = tally.marks.setdefault(pid, Counts())
            counted.photos, counted.located = photos, located
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
