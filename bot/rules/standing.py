"""Standing links (N3): a school leader may hold a standing link to one student class, dorm or club,
set from the roster (a leader's `class` column) or by an admin (`contactbot links standing`).
Contacts that name it (group, place or text) show on it.

Example: 赵建国 holds "计科2101"; "今天去计科2101班开班会" shows under it on his progress page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.rules.models import StandingLink
from bot.store.models import Contact, Person, PersonRole
from bot.terms.roles import SCHOOL_LEADER

KINDS_ZH = {"class": "班级", "dorm": "宿舍", "club": "社团"}


@dataclass(frozen=True)
class StandingView:
    """A standing link with the contacts that name it in a span."""

    kind: str
    name: str
    since: date
    contact_ids: tuple[int, ...]
    until: date | None = None  # exclusive; None while it holds

    @property
    def label(self) -> str:
        return f"{KINDS_ZH.get(self.kind, self.kind)}“{self.name}”"


def current_standing(db: Session, person_id: int, day: date) -> StandingLink | None:
    """Return the person's standing link on a day, if any."""
    return db.scalar(
        select(StandingLink).where(StandingLink.person_id == person_id, StandingLink.since <= day,
                                   or_(StandingLink.until.is_(None), StandingLink.until > day))
        .order_by(StandingLink.since.desc()).limit(1)
    )


def set_standing(db: Session, person: Person, kind: str, name: str, today: date, source: str = "console"
                 ) -> StandingLink:
    """Give a person a standing link (ending the one they held; history kept)."""
    if kind not in KINDS_ZH:
        raise ValueError(f"kind must be one of {', '.join(KINDS_ZH)}")
    held = current_standing(db, person.id, today)
    if held is not None:
        if (held.kind, held.name) == (kind, name):
            return held
        held.until = today
    link = StandingLink(school_id=person.school_id, person_id=person.id, kind=kind, name=name, since=today,
                        source=source)
    db.add(link)
    return link


def end_standing(db: Session, person_id: int, today: date) -> bool:
    """End a person's standing link; return whether there was one."""
    held = current_standing(db, person_id, today)
    if held is None:
        return False
    held.until = today
    return True


def sync_from_roster(db: Session, school_id: int, today: date) -> int:
    """Give each school leader whose roster `class` names a class a standing link to it; return how many."""
    rows = db.execute(
        select(Person).join(PersonRole, PersonRole.person_id == Person.id)
        .where(Person.school_id == school_id, Person.active.is_(True), PersonRole.role == SCHOOL_LEADER,
               Person.class_name != "")
    ).scalars().all()
    changed = 0
    for person in rows:
        name = person.classes[0]
        held = current_standing(db, person.id, today)
        if held is None or (held.source == "roster" and held.name != name):
            set_standing(db, person, "class", name, today, source="roster")
            changed += 1
    return changed


def standing_view(db: Session, person_id: int, day: date, start: date, end: date) -> StandingView | None:
    """Return a person's standing link with the contacts naming it in [start, end)."""
    link = current_standing(db, person_id, day)
    if link is None:
        return None
    return _view(db, person_id, link, start, end)


def standing_during(db: Session, person_id: int, start: date, end: date) -> list[StandingView]:
    """Return the standing links a person held at some time in [start, end), each with the contacts naming
    it while it held (N3, for the record a leader is appraised on)."""
    links = db.scalars(
        select(StandingLink).where(StandingLink.person_id == person_id, StandingLink.since < end,
                                   or_(StandingLink.until.is_(None), StandingLink.until > start))
        .order_by(StandingLink.since)
    ).all()
    return [_view(db, person_id, link, max(start, link.since), min(end, link.until or end)) for link in links]


def _view(db: Session, person_id: int, link: StandingLink, start: date, end: date) -> StandingView:
    pattern = f"%{link.name}%"
    ids = db.scalars(
        select(Contact.id).where(
            Contact.person_id == person_id, Contact.deleted_at.is_(None), Contact.occurred_on >= start,
            Contact.occurred_on < end,
            or_(Contact.group_name == link.name, Contact.place.like(pattern), Contact.source_text.like(pattern),
                func.coalesce(Contact.group_name, "").like(pattern)))
        .order_by(Contact.occurred_on)
    ).all()
    return StandingView(link.kind, link.name, link.since, tuple(ids), link.until)
