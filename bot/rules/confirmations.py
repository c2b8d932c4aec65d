"""Counterpart confirmation (N20): a talk or activity recorded with a counselor/teacher asks them to
confirm it (确认 / 不是这样) by chat. Disputes, and records still unconfirmed after `[rules] confirm_days`,
show in the digest and on the record; they still count, marked.

Example: 赵建国 records "约谈王丽，聊了职称评聘"; 王丽 gets a card "请确认：赵建国记录了与您的谈话" with 确认 /
不是这样 / 没有见面 (typed on the Official Account: "【请确认】…如属实请回复“确认”…"), taps 确认, and the
record shows as confirmed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session

from bot.chat.context import Context
from bot.chat.messages import Button, Choice, Reply
from bot.contacts.records import KIND_ZH, describe, format_day
from bot.rules.catalog import MENTEE_ACTIVITY, MENTEE_TALK
from bot.store.models import AuditLog, Contact, ContactCounterpart, ContactRevision, Person
from bot.terms.roles import MENTEE_ROLES

PENDING, CONFIRMED, DISPUTED, UNCONFIRMED = "pending", "confirmed", "disputed", "unconfirmed"
OPEN = (PENDING, UNCONFIRMED)  # still waiting for an answer (a late answer is still welcome)
WHAT_ZH = {MENTEE_TALK: "谈话", MENTEE_ACTIVITY: "参与您工作的记录"}
ABSENT_ZH = "没有见面"


def request_confirmations(ctx: Context, contact: Contact) -> int:
    """Ask each counselor/teacher named in a stored talk or activity to confirm it; return how many were asked."""
    if contact.kind not in WHAT_ZH or contact.deleted_at is not None:
        return 0
    if contact.id is None:
        ctx.db.flush()
    asked = 0
    for cp in contact.counterparts:
        if not cp.person.roles & MENTEE_ROLES or cp.answered_at is not None:
            continue
        cp.confirmation = PENDING
        sent = ctx.outbox.send(cp.person.userid, Reply(choice=confirmation_card(contact, cp)), purpose="confirmation",
                               dedupe_key=f"confirm:{contact.id}:{cp.person_id}")
        asked += sent is not None
    if any(cp.confirmation == PENDING for cp in contact.counterparts) and contact.confirmation in ("none", PENDING):
        contact.confirmation = PENDING
    return asked


def card_subject(cp: ContactCounterpart) -> str:
    """The subject of a confirmation card: "confirm:<contact id>:<person id>"."""
    return f"confirm:{cp.contact_id}:{cp.person_id}"


def confirmation_card(contact: Contact, cp: ContactCounterpart) -> Choice:
    """The request to confirm a record: a card with 确认 / 不是这样 / 没有见面, or the same typed."""
    what = WHAT_ZH[contact.kind]
    text = (f"【请确认】{contact.person.name}记录了与您的{what}：\n{describe(contact)}\n"
            "如属实请回复“确认”；如有出入请回复“不是这样”（没有见面可回复“没有见面”）。")
    fields = [("记录人", contact.person.name), ("日期", format_day(contact.occurred_on)),
              ("事项", KIND_ZH.get(contact.kind, contact.kind))]
    if contact.topics:
        fields.append(("内容", "、".join(contact.topics)))
    return Choice(subject=card_subject(cp), title=f"请确认：{contact.person.name}记录了与您的{what}",
                  fields=tuple(fields), text=text,
                  buttons=(Button("确认", "yes"), Button("不是这样", "no", style=2), Button(ABSENT_ZH, "absent", style=2)))


def pending_for(db: Session, person_id: int) -> list[ContactCounterpart]:
    """Return the confirmations a counselor/teacher still owes, newest first."""
    return list(db.scalars(
        select(ContactCounterpart).join(Contact, Contact.id == ContactCounterpart.contact_id)
        .where(ContactCounterpart.person_id == person_id, ContactCounterpart.confirmation.in_(OPEN),
               Contact.deleted_at.is_(None))
        .order_by(Contact.received_at.desc(), Contact.id.desc())
    ))


def has_pending(db: Session, person_id: int) -> bool:
    """Tell whether a person has any confirmation to give."""
    return bool(db.scalar(select(exists().where(
        ContactCounterpart.person_id == person_id, ContactCounterpart.confirmation.in_(OPEN),
        ContactCounterpart.contact_id == Contact.id, Contact.deleted_at.is_(None)))))


def overall(contact: Contact) -> str:
    """Return a record's confirmation from its counterparts': any dispute wins, then any open, else confirmed."""
    states = {cp.confirmation for cp in contact.counterparts if cp.confirmation != "none"}
    if not states:
        return contact.confirmation
    if DISPUTED in states:
        return DISPUTED
    if UNCONFIRMED in states:
        return UNCONFIRMED
    if PENDING in states:
        return PENDING
    return CONFIRMED


def answer(db: Session, cp: ContactCounterpart, person: Person, agree: bool, now: datetime, text: str,
           note: str | None = None) -> Contact:
    """Record a counselor/teacher's 确认 or 不是这样 on one record, keeping it in the record's history."""
    contact = db.get(Contact, cp.contact_id)
    assert contact is not None
    before = contact.confirmation
    cp.confirmation = CONFIRMED if agree else DISPUTED
    cp.answered_at = now
    contact.confirmation = overall(contact)
    action = "confirmed" if agree else "disputed"
    db.add(ContactRevision(contact_id=contact.id, at=now, actor_id=person.id, action=action,
                           before={"confirmation": before},
                           after={"confirmation": contact.confirmation, "by": person.userid, "note": note},
                           source_text=text))
    db.add(AuditLog(school_id=contact.school_id, actor=person.userid, action=f"contact.{action}",
                    target=str(contact.id), detail={"note": note} if note else {}, at=now))
    return contact


def add_dispute_note(db: Session, contact_id: int, person: Person, note: str, now: datetime) -> None:
    """Keep what the counselor/teacher says is wrong, in the record's history."""
    db.add(ContactRevision(contact_id=contact_id, at=now, actor_id=person.id, action="dispute_note",
                           before={}, after={"note": note, "by": person.userid}, source_text=note))


def mark_unconfirmed(db: Session, now: datetime, days: int, school_ids: tuple[int, ...] | None = None) -> int:
    """Mark confirmations open longer than `days` as unconfirmed (set-based; all schools, or those given);
    return how many records changed."""
    cutoff = now - timedelta(days=days)
    schools = [Contact.school_id.in_(school_ids)] if school_ids is not None else []
    old = select(Contact.id).where(Contact.received_at <= cutoff, Contact.deleted_at.is_(None),
                                   *schools).scalar_subquery()
    db.execute(
        update(ContactCounterpart)
        .where(ContactCounterpart.confirmation == PENDING, ContactCounterpart.contact_id.in_(old))
        .values(confirmation=UNCONFIRMED)
        .execution_options(synchronize_session=False)
    )
    disputed = exists().where(and_(ContactCounterpart.contact_id == Contact.id,
                                   ContactCounterpart.confirmation == DISPUTED))
    waiting = exists().where(and_(ContactCounterpart.contact_id == Contact.id,
                                  ContactCounterpart.confirmation == UNCONFIRMED))
    result = db.execute(
        update(Contact)
        .where(Contact.confirmation == PENDING, waiting, ~disputed, *schools)
        .values(confirmation=UNCONFIRMED)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
