"""Contact records (N16, N20): filtered by person, kind, venue, date and state; each with the message it
came from, its evidence (photos, locations), its edit history and who confirmed or disputed it.

Example: GET /console/records?kind=face_to_face&venue=dorm&date_from=2026-11-01
"""

from __future__ import annotations

import io
import mimetypes
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort, g, render_template, request, send_file
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from bot.console import stats
from bot.console.access import named_staff, record_view, visible_or_403
from bot.console.audit_log import write_audit
from bot.console.paging import Page, paginate
from bot.contacts.evidence import evidence_file, given_up
from bot.contacts.export import CONFIRMATION_ZH
from bot.contacts.records import KIND_ZH, VENUE_ZH
from bot.store.models import Contact, ContactCounterpart, Evidence, Person

FIELD_ZH = {"occurred_on": "日期", "kind": "类型", "venue": "场所", "place": "地点", "group_name": "班级/社团",
            "students": "学生人数", "topics": "内容", "half_days": "半天数"}
ACTION_ZH = {"create": "登记", "edit": "修改", "undo": "撤回", "confirm": "确认", "dispute": "提出异议"}
PEOPLE_IN_PICKER = 1000
STATE_ZH = {"pending": "待确认", "confirmed": "已确认", "disputed": "有异议", "backdated": "补记"}


@dataclass(frozen=True)
class RecordFilter:
    """The filters of the records page and of the records export."""

    person_id: int | None = None
    kind: str = ""
    venue: str = ""
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    state: str = ""  # pending / confirmed / disputed / backdated

    def clauses(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = [Contact.deleted_at.is_(None)]
        if self.person_id:
            out.append(Contact.person_id == self.person_id)
        if self.kind:
            out.append(Contact.kind == self.kind)
        if self.venue:
            out.append(Contact.venue == self.venue)
        if self.date_from:
            out.append(Contact.occurred_on >= self.date_from)
        if self.date_to:
            out.append(Contact.occurred_on <= self.date_to)
        if self.state == "backdated":
            out.append(Contact.backdated.is_(True))
        elif self.state:
            out.append(Contact.confirmation == self.state)
        return out

    def matches(self, row: dict[str, Any], person_userids: set[str]) -> bool:
        """Tell whether an exported row (bot.contacts.export.record_rows) passes the filter."""
        day = date.fromisoformat(row["date"])
        return (row["userid"] in person_userids and (not self.kind or row["kind"] == self.kind)
                and (not self.venue or row["venue"] == self.venue)
                and (self.date_from is None or day >= self.date_from)
                and (self.date_to is None or day <= self.date_to)
                and (not self.state or (row["backdated"] if self.state == "backdated"
                                        else row["confirmation"] == self.state)))


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def filter_from_request() -> RecordFilter:
    """Read the filters from the query string, ignoring values that mean nothing."""
    args = request.args
    person = args.get("person", "")
    return RecordFilter(
        person_id=int(person) if person.isdigit() else None,
        kind=args.get("kind", "") if args.get("kind", "") in KIND_ZH else "",
        venue=args.get("venue", "") if args.get("venue", "") in VENUE_ZH else "",
        date_from=_date(args.get("date_from", "")), date_to=_date(args.get("date_to", "")),
        state=args.get("state", "") if args.get("state", "") in STATE_ZH else "",
    )


def show_records() -> str:
    """List the records in view, newest first, filtered."""
    db, scope = g.db, g.scope
    f = filter_from_request()
    where = [scope.contacts(), *f.clauses()]
    total = db.scalar(select(func.count(Contact.id)).where(*where)) or 0
    query = (select(Contact, Person).join(Person, Person.id == Contact.person_id).where(*where)
             .order_by(Contact.occurred_on.desc(), Contact.id.desc()))
    page: Page[Any] = paginate(db, query, total)
    people = stats.leaders(db, scope.people())
    if len(people) > PEOPLE_IN_PICKER:  # a province over every school: pick a school first
        people = []
    return render_template("console/records.html", page=page, f=f, people=people, KIND_ZH=KIND_ZH,
                           VENUE_ZH=VENUE_ZH, STATE_ZH=STATE_ZH, CONFIRMATION_ZH=CONFIRMATION_ZH,
                           export_args={k: v for k, v in request.args.items() if k != "page"})


def show_record(contact_id: int) -> str:
    """Show one record: its fields, source message, evidence, confirmations and history."""
    db = g.db
    visible_or_403(db, Contact, contact_id, g.scope.contacts())
    contact = db.scalar(select(Contact).where(Contact.id == contact_id).options(
        selectinload(Contact.revisions), selectinload(Contact.evidence),
        selectinload(Contact.counterparts).selectinload(ContactCounterpart.person)))
    actors = {r.actor_id for r in contact.revisions if r.actor_id}
    names = {p.id: p.name for p in db.scalars(select(Person).where(Person.id.in_(actors)))} if actors else {}
    history = [(r, names.get(r.actor_id or 0, "系统"), changes(r.before, r.after)) for r in contact.revisions]
    write_audit("record.read", f"contact#{contact.id}", {"contact_id": contact.id}, contact.school_id)
    return render_template("console/record.html", contact=contact, person=db.get(Person, contact.person_id),
                           history=history, ACTION_ZH=ACTION_ZH, CONFIRMATION_ZH=CONFIRMATION_ZH,
                           given_up={e.id for e in contact.evidence if given_up(e, g.deps.clock())},
                           rv=record_view(g.viewer), named_staff=named_staff)


def evidence_photo(contact_id: int, evidence_id: int) -> Response:
    """A record's evidence photo, to whoever may see the record (kept by jobs/evidence.py)."""
    db = g.db
    contact: Contact = visible_or_403(db, Contact, contact_id, g.scope.contacts())
    if not record_view(g.viewer).evidence:
        abort(403)
    evidence = db.get(Evidence, evidence_id)
    if evidence is None or evidence.contact_id != contact_id:
        abort(404)
    path = evidence_file(g.deps.settings, evidence)
    if path is None:
        abort(404)
    write_audit("evidence.read", f"evidence#{evidence.id}", {"contact_id": contact_id, "evidence_id": evidence.id},
                contact.school_id)
    data = g.deps.keyring.open_bytes(path.read_bytes())  # photos are sealed on disk
    response = send_file(io.BytesIO(data), mimetype=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Return the fields a history step changed, as (field, before, after) in Chinese."""
    out = []
    for name in FIELD_ZH:
        old, new = before.get(name), after.get(name)
        if old != new and (old not in (None, "", []) or new not in (None, "", [])):
            out.append((FIELD_ZH[name], _shown(name, old), _shown(name, new)))
    return out


def _shown(name: str, value: Any) -> str:
    if value is None or value == []:
        return "—"
    if name == "kind":
        return KIND_ZH.get(value, value)
    if name == "venue":
        return VENUE_ZH.get(value, value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)
