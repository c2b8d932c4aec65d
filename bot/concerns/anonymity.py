"""Anonymity that holds: what staff see of an anonymous ticket's sender (nothing), the small-group
check before sending, and the one way to learn who it was — for a crisis, by someone on its case, with
a reason that is stored and told to the counselor and the on-duty list.

Example: "匿名反映 宿舍楼有人养猫" -> staff read "提问人：匿名"; a student whose class has 4 people is
warned first that they might be recognised anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.chat.messages import Reply
from bot.chat.outbox import Outbox
from bot.concerns.cases import on_duty_people
from bot.concerns.history import add_history
from bot.concerns.routing import linked_leader
from bot.concerns.senders import sender_of
from bot.config import Settings
from bot.store.audit import record
from bot.store.models import Concern, Link, Person, PersonRole, School
from bot.terms.roles import COUNSELOR, IDEOLOGY_TEACHER, STUDENT

ANONYMOUS_LABEL = "匿名"
MIN_REASON = 4  # characters: "有自伤风险" is a reason, "查" is not
MAX_REASON = 200
# What an anonymous sender is told, once, with their receipt (the only case identity is revealed).
REVEAL_NOTICE = "只有在您的生命安全面临危险时，学校负责处置的人员才会查明您的身份，并记录原因、通知您的辅导员。"


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


def reveal_sender(db: Session, outbox: Outbox, concern: Concern, staff: Person, reason: str, now: datetime,
                  settings: Settings, address: str = "") -> Person:
    """Return who raised a ticket, for someone on its crisis case (the caller checks): the reason is kept in
    the ticket's history and the audit log (never the name), and the counselor and on-duty list are told."""
    sender = sender_of(db, concern)
    assert sender is not None
    record(db, school_id=concern.school_id, actor=staff.userid, action="concern.reveal_sender",
           target=f"concern#{concern.number}",
           detail={"concern_id": concern.id, "crisis": concern.crisis, "reason": reason}, at=now, address=address)
    step = add_history(db, concern, "system", f"{staff.name}查明了匿名提问人的身份。原因：{reason}", now)
    note = (f"【#{concern.number} 匿名提问人身份已被查明】{staff.name}（{staff.department or '管理台'}）"
            f"因“{reason}”查明了提问人身份。此事已记入审计日志。")
    told = {p.id: p for p in on_duty_people(db, db.get(School, concern.school_id) or School(), settings)}
    counselor = db.get(Person, concern.counselor_id) if concern.counselor_id else None
    if counselor is not None:
        told[counselor.id] = counselor
    for person in told.values():
        if person.userid != staff.userid:
            outbox.send(person.userid, Reply.of(note), purpose="concern_reveal",
                        dedupe_key=f"concern:{concern.school_id}:{concern.number}:reveal:{step.id}:{person.userid}")
    return sender
