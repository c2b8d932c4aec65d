"""One person's data (PIPL Art. 44–47): everything held about a person, as a copy they may ask for, and its
erasure — `contactbot person export/erase` and the console's admin actions use these functions.

Export: roster row and roles, links, the concerns they raised (anonymous ones included: they are theirs)
with every message, the records they made and the records naming them, the evidence of their records,
the messages sent to them and received from them, and the audit rows about them or by them.

Erase: their concerns lose their words, history, sender and any example of them kept for the crisis
detector (kept as statistics, bot/concerns/purge.py); a staff member's name leaves the examples they labelled;
the evidence of their records is deleted with its files; their identity is taken out of others' records
(named counterparts, their name in messages and history, authorship of staff answers); their links,
outbox and chat rows and Official Account binding go. Audit rows stay for the audit period (网络安全法),
and so does a leader's own contact records (the school's work record), which erase reports. A person still
in the roster keeps their roster row (the next import would bring it back); one who left is anonymised.

Example: `erase_person(db, person, now, settings, dry_run=True).lines()` says what would go.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.channels.binding import BindCode
from bot.concerns.models import FeedbackExample
from bot.concerns.purge import strip_concern
from bot.concerns.senders import raised_by
from bot.config import Settings
from bot.contacts.evidence import evidence_file
from bot.store.db import affected
from bot.store.models import (
    AuditLog,
    Concern,
    ConcernMessage,
    Contact,
    ContactCounterpart,
    ContactRevision,
    InboundMessage,
    Link,
    OutboundMessage,
    Person,
    PersonRole,
)

REDACTED = "某同学"


def _at(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def person_targets(person: Person) -> list[str]:
    """The audit targets that name a person."""
    return [f"person#{person.id}", person.userid]


def export_person(db: Session, person: Person) -> dict[str, Any]:
    """Return everything held about a person, as plain JSON-able data."""
    concerns = list(db.scalars(select(Concern).where(raised_by(db, person)).order_by(Concern.created_at)))
    kept = {f.concern_id: f for f in db.scalars(select(FeedbackExample).where(
        FeedbackExample.concern_id.in_([c.id for c in concerns])))} if concerns else {}
    own = list(db.scalars(select(Contact).where(Contact.person_id == person.id).order_by(Contact.occurred_on)))
    named = list(db.scalars(select(Contact).join(ContactCounterpart, ContactCounterpart.contact_id == Contact.id)
                            .where(ContactCounterpart.person_id == person.id).order_by(Contact.occurred_on)))
    links = db.scalars(select(Link).where(or_(Link.leader_id == person.id, Link.mentee_id == person.id)))
    evidence = [e for c in own for e in c.evidence]
    audit = db.scalars(select(AuditLog).where(or_(AuditLog.target.in_(person_targets(person)),
                                                  AuditLog.actor == person.userid)).order_by(AuditLog.id))
    return {
        "roster": {"userid": person.userid, "name": person.name, "department": person.department,
                   "class": person.class_name, "title": person.title, "active": person.active,
                   "roles": sorted(person.roles), "openid_bound": bool(person.openid),
                   "created_at": _at(person.created_at), "deactivated_at": _at(person.deactivated_at)},
        "links": [{"leader_id": link.leader_id, "mentee_id": link.mentee_id, "since": link.since.isoformat(),
                   "until": link.until.isoformat() if link.until else None} for link in links],
        "concerns": [{"number": c.number, "category": c.category, "status": c.status, "anonymous": c.anonymous,
                      "crisis": c.crisis, "created_at": _at(c.created_at), "office": c.owner_office, "text": c.text,
                      "messages": [{"role": m.role, "at": _at(m.at), "text": m.text} for m in c.messages],
                      "detector_example": ({"label": kept[c.id].label, "text": kept[c.id].text,
                                            "at": _at(kept[c.id].labelled_at)} if c.id in kept else None)}
                     for c in concerns],
        "records": [_record(c) for c in own],
        "records_naming_them": [_record(c) for c in named],
        "evidence": [{"contact_id": e.contact_id, "kind": e.kind, "at": _at(e.at), "label": e.label,
                      "stored": bool(e.stored_path)} for e in evidence],
        "messages_sent_to_them": [{"at": _at(m.created_at), "purpose": m.purpose, "status": m.status,
                                   "content": m.payload.get("content") or m.payload.get("text") or ""}
                                  for m in db.scalars(select(OutboundMessage).where(
                                      OutboundMessage.school_id == person.school_id,
                                      OutboundMessage.recipient == person.userid).order_by(OutboundMessage.id))],
        "messages_from_them": [{"at": _at(m.received_at), "channel": m.channel, "reply": m.reply}
                               for m in db.scalars(select(InboundMessage).where(
                                   InboundMessage.school_id == person.school_id,
                                   InboundMessage.sender == person.userid).order_by(InboundMessage.id))],
        "audit": [{"at": _at(a.at), "actor": a.actor, "action": a.action, "target": a.target, "address": a.address}
                  for a in audit],
    }


def _record(c: Contact) -> dict[str, Any]:
    return {"id": c.id, "date": c.occurred_on.isoformat(), "kind": c.kind, "venue": c.venue, "place": c.place,
            "topics": list(c.topics), "message": c.source_text, "deleted": c.deleted_at is not None}


@dataclass
class Erasure:
    """What an erasure removed (or, on a dry run, would remove)."""

    counts: dict[str, int] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)

    def add(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def lines(self) -> list[str]:
        """Say it in Chinese, one line per kind."""
        zh = {"concerns": "反映的问题（内容与提问人）", "concern_messages": "问题的处理记录", "evidence": "佐证照片与位置",
              "named_in_records": "他人联系记录中的其本人信息", "links": "联系关系", "outbox": "发给其本人的消息",
              "inbound": "其本人发来的消息记录", "bindings": "微信公众号绑定码", "staff_answers": "其作为处理人的署名",
              "roster": "花名册信息（已离校，匿名化）"}
        out = [f"{zh.get(k, k)}：{n}" for k, n in self.counts.items()]
        return out + [f"保留：{k}" for k in self.kept]


def erase_person(db: Session, person: Person, now: datetime, settings: Settings) -> Erasure:
    """Erase what is held about a person (the caller commits, or rolls back for a dry run)."""
    done = Erasure()
    concerns = list(db.scalars(select(Concern).where(raised_by(db, person))))
    for c in concerns:
        done.add("concern_messages", len(c.messages))
        strip_concern(db, c, now)
    done.add("concerns", len(concerns))
    own = list(db.scalars(select(Contact).where(Contact.person_id == person.id)))
    for contact in own:
        for e in list(contact.evidence):
            path = evidence_file(settings, e)
            if path is not None:
                path.unlink(missing_ok=True)
            db.delete(e)
            done.add("evidence", 1)
    if own:
        done.kept.append(f"其本人登记的 {len(own)} 条联系记录（学校须保存的工作记录）")
    done.add("named_in_records", remove_from_records(db, person))
    done.add("staff_answers", affected(db, update(ConcernMessage).where(ConcernMessage.author_id == person.id)
                                         .values(author_id=None)))
    db.execute(update(Concern).where(Concern.counselor_id == person.id).values(counselor_id=None))
    db.execute(update(FeedbackExample).where(FeedbackExample.labelled_by_id == person.id).values(labelled_by_id=None))
    done.add("outbox", affected(db, delete(OutboundMessage).where(
        OutboundMessage.school_id == person.school_id, OutboundMessage.recipient == person.userid)))
    done.add("inbound", affected(db, delete(InboundMessage).where(
        InboundMessage.school_id == person.school_id, InboundMessage.sender == person.userid)))
    done.add("bindings", affected(db, delete(BindCode).where(BindCode.person_id == person.id)))
    person.openid = None
    if not person.active:
        done.add("links", affected(db, delete(Link).where(or_(Link.leader_id == person.id,
                                                            Link.mentee_id == person.id))))
        if not own:
            db.execute(delete(PersonRole).where(PersonRole.person_id == person.id))
            person.name, person.class_name, person.title = "（已删除）", "", ""
            person.userid = f"erased-{person.id}"
            done.add("roster", 1)
    else:
        done.kept.append("花名册信息（仍在本校花名册中；如需删除，请先从花名册移除并重新导入）")
    done.kept.append("操作日志（依法保存至保存期限届满）")
    db.flush()
    return done


def remove_from_records(db: Session, person: Person) -> int:
    """Take a person out of others' contact records: as a counterpart, and their name wherever a record keeps text
    (the source message, place, group and topics, and every step of its history)."""
    count = affected(db, delete(ContactCounterpart).where(ContactCounterpart.person_id == person.id))
    name = person.name
    if len(name) < 2 or name.startswith("（"):
        return count
    named = list(db.scalars(select(Contact).where(Contact.person_id != person.id, or_(
        Contact.source_text.contains(name), Contact.place.contains(name), Contact.group_name.contains(name),
        *_json_holds(Contact.topics, name)))))
    for c in named:
        c.source_text = c.source_text.replace(name, REDACTED)
        c.place = _scrub(c.place, name)
        c.group_name = _scrub(c.group_name, name)
        c.topics = _scrub(c.topics, name)
    revisions = db.scalars(select(ContactRevision).where(or_(
        ContactRevision.source_text.contains(name),
        *_json_holds(ContactRevision.before, name), *_json_holds(ContactRevision.after, name))))
    for r in revisions:
        r.source_text = r.source_text.replace(name, REDACTED)
        r.before, r.after = _scrub(r.before, name), _scrub(r.after, name)
    return count + len(named)


def _json_holds(column: Any, name: str) -> list[ColumnElement[bool]]:
    """Conditions that a JSON column's text holds the name, written as is or \\u-escaped (JSON serialisers differ)."""
    text = cast(column, Text)
    return [text.contains(name, autoescape=True), text.contains(json.dumps(name)[1:-1], autoescape=True)]


def _scrub(value: Any, name: str) -> Any:
    """Return a JSON-like value with the name replaced wherever a string holds it."""
    if isinstance(value, str):
        return value.replace(name, REDACTED)
    if isinstance(value, list):
        return [_scrub(v, name) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, name) for k, v in value.items()}
    return value

