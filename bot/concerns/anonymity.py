"""Anonymity that holds: what staff see of an anonymous ticket's sender (nothing), the small-group
check before sending, and the one way to learn who it was — a logged admin act.

Example: "匿名反映 宿舍楼有人养猫" -> staff read "提问人：匿名"; a student whose class has 4 people is
warned first that they might be recognised anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.concerns.routing import linked_leader
from bot.concerns.senders import sender_of
from bot.models import AuditLog, Concern, Link, Person, PersonRole
from bot.roles import COUNSELOR, IDEOLOGY_TEACHER, STUDENT

ANONYMOUS_LABEL = "匿名"


def sender_label(concern: Concern, sender: Person | None) -> str:
    """Return how staff-facing text names the sender: "匿名", or name with class/department."""
    if concern.anonymous or sender is None:
        return ANONYMOUS_LABEL
    where = sender.class_name if STUDENT in sender.roles and sender.class_name else sender.department
    return f"{sender.name}（{where}）" if where else sender.name


@dataclass(frozen=True)
class HidingGroup:
    """The people an anonymous sender hides among, as staff could narrow it down."""

    size: int
    what: str  # "班级", "学院", "联系您的领导所联系的老师", "部门"


def hiding_group(db: Session, sender: Person) -> HidingGroup:
    """Return the group an anonymous ticket from this sender could have come from."""
    active = (Person.school_id == sender.school_id, Person.active.is_(True))
    if STUDENT in sender.roles:
        if sender.class_name:
            size = db.scalar(select(func.count(Person.id)).join(PersonRole, PersonRole.person_id == Person.id)
                             .where(*active, PersonRole.role == STUDENT, Person.class_name == sender.class_name))
            return HidingGroup(int(size or 0), "班级")
        size = db.scalar(select(func.count(Person.id)).join(PersonRole, PersonRole.person_id == Person.id)
                         .where(*active, PersonRole.role == STUDENT, Person.department == sender.department))
        return HidingGroup(int(size or 0), "学院")
    if sender.roles & {COUNSELOR, IDEOLOGY_TEACHER}:
        leader = linked_leader(db, sender)
        if leader is not None:  # an N9 concern reaches one leader, who knows their 1–3 mentees
            size = db.scalar(select(func.count(func.distinct(Link.mentee_id))).join(Person, Person.id == Link.mentee_id)
                             .where(Link.leader_id == leader.id, Link.until.is_(None), *active))
            return HidingGroup(int(size or 0), "联系同一位领导的老师")
    size = db.scalar(select(func.count(Person.id)).where(*active, Person.department == sender.department))
    return HidingGroup(int(size or 0), "部门")


def reveal_sender(db: Session, concern: Concern, admin: Person, now: datetime) -> Person:
    """Return who raised a ticket, writing an AuditLog row: for anonymous tickets a deliberate admin act."""
    sender = sender_of(db, concern)
    assert sender is not None
    db.add(AuditLog(
        school_id=concern.school_id, actor=admin.userid, action="concern.reveal_sender",
        target=f"concern#{concern.number}",
        detail={"concern_id": concern.id, "anonymous": concern.anonymous, "crisis": concern.crisis},
        at=now,
    ))
    return sender
