"""Contact records: create, describe, take back and edit them, keeping every step in the history (N16, N20).

Example: "昨天去3号楼215宿舍看望学生" becomes a face_to_face/dorm Contact for yesterday.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import ContactSettings
from bot.store.models import Contact, ContactCounterpart, ContactRevision, Person

KIND_ZH = {
    "face_to_face": "面对面",
    "online": "线上（键对键）",
    "ideology_lecture": "思政课/形势与政策课",
    "mentee_talk": "与辅导员/思政课教师面对面交流",
    "mentee_activity": "参加辅导员/思政课教师的工作",
    "frontline": "一线工作",
}
VENUE_ZH = {
    "dorm": "宿舍", "classroom": "课堂", "class": "班级", "canteen": "食堂", "club": "社团",
    "lecture": "讲座/报告", "activity": "活动", "talk": "座谈/谈心", "online": "线上", "other": "其他",
}
WEEKDAY_ZH = "一二三四五六日"
MENTEE_KINDS = frozenset({"mentee_talk", "mentee_activity"})
EDITABLE = ("occurred_on", "kind", "venue", "place", "group_name", "students", "topics", "half_days")


@dataclass
class Draft:
    """A contact not yet stored: what the parser understood, completed by follow-up questions."""

    kind: str
    venue: str | None
    occurred_on: date
    counterparts: list[str] = field(default_factory=list)  # userids
    students: int | None = None
    place: str | None = None
    group_name: str | None = None
    topics: list[str] = field(default_factory=list)
    part_of_day: str | None = None
    half_days: float | None = None
    source_text: str = ""

    def to_state(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["occurred_on"] = self.occurred_on.isoformat()
        return data

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Draft:
        values = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        values["occurred_on"] = date.fromisoformat(values["occurred_on"])
        return cls(**values)


def date_problem(day: date, today: date, limits: ContactSettings) -> str | None:
    """Return why a contact date cannot be recorded (future, or too old), or None."""
    if day > today:
        return f"{format_day(day)}还没有到，不能提前记录。请在联系之后再发。"
    if (today - day).days > limits.backdate_max_days:
        return (f"{format_day(day)}距今已超过{limits.backdate_max_days}天，不能补记。"
                "如确需补录，请联系学校管理员。")
    return None


def is_backdated(day: date, today: date, limits: ContactSettings) -> bool:
    """Whether a record is later than the notice's spirit allows without a mark (N20)."""
    return (today - day).days > limits.backdate_mark_days


def create_contact(db: Session, person: Person, draft: Draft, *, now: datetime, today: date,
                   channel: str, limits: ContactSettings) -> Contact:
    """Store a contact with its counterparts and its first history entry."""
    contact = Contact(
        school_id=person.school_id, person_id=person.id, occurred_on=draft.occurred_on, received_at=now,
        kind=draft.kind, venue=draft.venue, place=draft.place, group_name=draft.group_name,
        students=draft.students, topics=list(draft.topics), part_of_day=draft.part_of_day,
        half_days=draft.half_days, source_text=draft.source_text, channel=channel,
        backdated=is_backdated(draft.occurred_on, today, limits),
        confirmation="none", updated_at=now,
    )
    if draft.counterparts:
        people = db.scalars(select(Person).where(Person.school_id == person.school_id,
                                                 Person.userid.in_(draft.counterparts))).all()
        pending = draft.kind in MENTEE_KINDS
        contact.counterparts = [ContactCounterpart(person_id=p.id, confirmation="pending" if pending else "none")
                                for p in people]
        if pending and people:
            contact.confirmation = "pending"
    contact.revisions.append(ContactRevision(at=now, actor_id=person.id, action="create", after=snapshot(contact),
                                             source_text=draft.source_text))
    db.add(contact)  # written with the rest of the message's changes in one flush; `contact.id` needs a flush
    return contact


def snapshot(contact: Contact) -> dict[str, Any]:
    """Return the editable fields of a contact as JSON-ready values."""
    values: dict[str, Any] = {}
    for name in EDITABLE:
        value = getattr(contact, name)
        values[name] = value.isoformat() if isinstance(value, date) else value
    return values


def last_contact(db: Session, person: Person, now: datetime, hours: float) -> Contact | None:
    """Return the sender's most recent live record received within the last `hours`."""
    return db.scalar(
        select(Contact)
        .where(Contact.person_id == person.id, Contact.deleted_at.is_(None),
               Contact.received_at >= now - timedelta(hours=hours))
        .order_by(Contact.received_at.desc(), Contact.id.desc())
        .limit(1)
    )


def undo_contact(db: Session, contact: Contact, actor: Person, now: datetime, source_text: str) -> None:
    """Soft-delete a record; the history keeps what it was."""
    before = snapshot(contact)
    contact.deleted_at = now
    contact.updated_at = now
    db.add(ContactRevision(contact_id=contact.id, at=now, actor_id=actor.id, action="undo",
                           before=before, after={}, source_text=source_text))


def edit_contact(db: Session, contact: Contact, actor: Person, changes: dict[str, Any], *, now: datetime,
                 today: date, limits: ContactSettings, source_text: str) -> None:
    """Change some fields of a record and keep the before/after in its history."""
    before = snapshot(contact)
    for name, value in changes.items():
        if name not in EDITABLE:
            raise ValueError(f"field {name} is not editable")
        setattr(contact, name, value)
    contact.backdated = is_backdated(contact.occurred_on, today, limits)
    contact.updated_at = now
    db.add(ContactRevision(contact_id=contact.id, at=now, actor_id=actor.id, action="edit",
                           before=before, after=snapshot(contact), source_text=source_text))


def format_day(day: date) -> str:
    """Return a date as 11月24日（周二）."""
    return f"{day.month}月{day.day}日（周{WEEKDAY_ZH[day.weekday()]}）"


def describe(contact: Contact | Draft, names: list[str] | None = None) -> str:
    """Return one line of what was understood: date, kind, place or people, students."""
    day = contact.occurred_on
    parts = [format_day(day)]
    if getattr(contact, "part_of_day", None):
        parts[0] += str(contact.part_of_day)
    parts.append(KIND_ZH.get(contact.kind, contact.kind))
    where = VENUE_ZH.get(contact.venue or "", "") if contact.kind in ("face_to_face",) else ""
    detail = " ".join(x for x in (contact.group_name, contact.place) if x)
    if where and detail:
        parts.append(f"{where}（{detail}）")
    elif where or detail:
        parts.append(where or detail)
    if names:  # whom the sender talked with or joined; staff who came along on the sender's own visit
        parts.append(("对象：" if contact.kind in MENTEE_KINDS else "同行：") + "、".join(names))
    if contact.students:
        parts.append(f"学生{contact.students}人")
    if contact.kind == "frontline" and contact.half_days:
        parts.append(f"{contact.half_days:g}个半天")
    if contact.topics:
        parts.append("内容：" + "、".join(contact.topics))
    return " · ".join(parts)
