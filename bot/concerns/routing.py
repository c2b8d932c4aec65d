"""Who answers a concern: the office for its category (config's routing table) plus the student's
counselor from the roster's classes; a counselor's or teacher's own concern goes to their linked
leader (N9). Also who is on duty in a crisis, and whom an overdue ticket escalates to.

Example: "3号楼热水器坏了" from a student of 计科2101 -> 后勤管理处 (its middle chief owns it) and
the counselor whose classes list 计科2101 gets a copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import ConcernSettings, Settings
from bot.store.models import Concern, Link, Person, PersonRole, School
from bot.terms.roles import (
    ADMIN,
    COUNSELOR,
    IDEOLOGY_TEACHER,
    MIDDLE_CHIEF,
    SCHOOL_LEADER,
    STUDENT,
    STUDENT_AFFAIRS_HEAD,
)

CATEGORIES = ("study", "mental", "life", "career", "safety", "other")
CATEGORY_ZH = {"study": "学业", "mental": "心理", "life": "生活", "career": "就业", "safety": "安全", "other": "其他"}


@dataclass(frozen=True)
class Routing:
    """Where a new ticket goes."""

    office: str  # shown as the owner ("后勤管理处", or the linked leader's name for N9)
    owner: Person | None  # the person who answers for the office (None: nobody in the roster yet)
    counselor: Person | None  # the student's counselor, who gets a copy


def office_for(category: str, settings: ConcernSettings) -> str:
    """Return the office the routing table names for a category (unknown categories: "other")."""
    return str(getattr(settings, f"route_{category if category in CATEGORIES else 'other'}"))


def route_concern(db: Session, school: School, sender: Person, category: str, settings: Settings) -> Routing:
    """Decide the owner of a new concern from the sender's roles and the routing table."""
    if sender.roles & {COUNSELOR, IDEOLOGY_TEACHER} and STUDENT not in sender.roles:
        leader = linked_leader(db, sender)
        if leader is not None:  # N9: their views go to the leader linked to them
            return Routing(office=f"{leader.name}（联系领导）", owner=leader, counselor=None)
    office = office_for(category, settings.concerns)
    counselor = counselor_of(db, sender) if STUDENT in sender.roles else None
    return Routing(office=office, owner=office_head(db, school, office), counselor=counselor)


def linked_leader(db: Session, mentee: Person) -> Person | None:
    """Return the leader currently linked to a counselor or teacher (the earliest link if several)."""
    return db.scalar(
        select(Person).join(Link, Link.leader_id == Person.id)
        .where(Link.mentee_id == mentee.id, Link.until.is_(None), Person.active.is_(True))
        .order_by(Link.since, Link.id).limit(1)
    )


def office_head(db: Session, school: School, office: str) -> Person | None:
    """Return who answers for an office: its middle chief, else anyone active in that department."""
    people = db.scalars(
        select(Person).where(Person.school_id == school.id, Person.department == office, Person.active.is_(True))
        .order_by(Person.id)
    ).all()
    chiefs = [p for p in people if MIDDLE_CHIEF in p.roles]
    found = chiefs or list(people)
    return found[0] if found else None


def counselors_of_class(db: Session, school: School, class_name: str) -> list[Person]:
    """Return the active counselors whose ;-list of classes includes this class."""
    if not class_name:
        return []
    rows = db.scalars(
        select(Person).join(PersonRole, PersonRole.person_id == Person.id)
        .where(Person.school_id == school.id, Person.active.is_(True), PersonRole.role == COUNSELOR,
               Person.class_name.contains(class_name))
        .order_by(Person.id)
    ).all()
    return [p for p in rows if class_name in p.classes]  # `contains` is a substring match: check exactly


def counselor_of(db: Session, student: Person) -> Person | None:
    """Return the student's counselor from the roster's classes, or None when nobody lists the class."""
    school = db.get(School, student.school_id)
    assert school is not None
    found = counselors_of_class(db, school, student.class_name.strip())
    return found[0] if found else None


def crisis_counselors(db: Session, person: Person) -> list[Person]:
    """Return the counselors to alert in a crisis: the class's, else every counselor of the department."""
    if STUDENT not in person.roles:
        return []
    school = db.get(School, person.school_id)
    assert school is not None
    found = counselors_of_class(db, school, person.class_name.strip())
    if found or not person.department:
        return found
    # Nobody lists the class: in a crisis a wider circle is better than nobody.
    return [p for p in people_with_role(db, school, COUNSELOR) if p.department == person.department]


def people_with_role(db: Session, school: School, role: str) -> list[Person]:
    """Return the school's active people holding a role."""
    return list(db.scalars(
        select(Person).join(PersonRole, PersonRole.person_id == Person.id)
        .where(Person.school_id == school.id, Person.active.is_(True), PersonRole.role == role)
        .order_by(Person.id)
    ))


def people_by_userid(db: Session, school: School, userids: tuple[str, ...] | list[str]) -> list[Person]:
    """Return the active people with these userids, in the order given (unknown ones are skipped)."""
    if not userids:
        return []
    rows = {p.userid: p for p in db.scalars(
        select(Person).where(Person.school_id == school.id, Person.userid.in_(userids), Person.active.is_(True)))}
    return [rows[u] for u in userids if u in rows]


def on_duty(db: Session, school: School, settings: Settings) -> list[Person]:
    """Return the crisis on-duty contacts from config, or the roster's admins when none are set."""
    configured = people_by_userid(db, school, settings.concerns.on_duty)
    return configured or people_with_role(db, school, ADMIN)


def department_heads(db: Session, concern: Concern) -> list[Person]:
    """Return the heads an overdue ticket escalates to first: the owner office's middle chief(s)."""
    school = db.get(School, concern.school_id)
    assert school is not None
    office = concern.owner_office
    heads = [p for p in people_with_role(db, school, MIDDLE_CHIEF) if p.department == office]
    if heads:
        return heads
    owner = db.get(Person, concern.owner_id) if concern.owner_id else None
    return [owner] if owner is not None and owner.roles & {MIDDLE_CHIEF, SCHOOL_LEADER} else []


def leaders_in_charge(db: Session, concern: Concern, settings: Settings) -> list[Person]:
    """Return the leader(s) in charge of the owner office (config), else the student-affairs heads."""
    school = db.get(School, concern.school_id)
    assert school is not None
    wanted = [uid.strip() for office, uid in (e.split("=", 1) for e in settings.concerns.leaders_in_charge)
              if office.strip() == concern.owner_office]
    found = people_by_userid(db, school, wanted)
    if found:
        return found
    owner = db.get(Person, concern.owner_id) if concern.owner_id else None
    if owner is not None and SCHOOL_LEADER in owner.roles:
        return [owner]  # an N9 concern already sits with a school leader
    return people_with_role(db, school, STUDENT_AFFAIRS_HEAD)
