"""Who sees what in the console, enforced in one place: every route is registered through `guarded`,
which loads the viewer from the session, checks the route's roles, opens the request's transaction
and hands the view a `Scope` whose clauses narrow every query.

- admin: their school; department head: their department; leader: their own records;
  province: every school of the deployment, read-only (N21).

Example: `Scope.people()` is the WHERE clause a department head's people list runs with.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from bot.console.models import ADMIN, CONSOLE_ROLE_ZH, DEPARTMENT_HEAD, LEADER, PROVINCE, ConsoleAccount
from bot.context import Deps
from bot.models import AuditLog, Concern, Contact, Link, Person, School
from bot.roles import ADMIN as ROSTER_ADMIN
from bot.roles import MIDDLE_CHIEF, SCHOOL_LEADER, STUDENT_AFFAIRS_HEAD

ALL = frozenset({ADMIN, DEPARTMENT_HEAD, LEADER, PROVINCE})
STAFF = frozenset({ADMIN, DEPARTMENT_HEAD, PROVINCE})  # pages about more than one person
OVERSIGHT = frozenset({ADMIN, PROVINCE})  # the audit log
EDITORS = frozenset({ADMIN})  # links and settings
RESPONDERS = frozenset({ADMIN, DEPARTMENT_HEAD, LEADER})  # answer concerns they own; the province reads only


@dataclass(frozen=True)
class Viewer:
    """The person or account behind a console request, and the scope their role gives."""

    role: str  # admin / department_head / leader / province
    label: str  # shown in the header
    actor: str  # AuditLog.actor: the roster userid, or "console:<username>" for a local account
    school_id: int | None  # None for the province
    department: str = ""
    person_id: int | None = None  # the roster person (leaders always, others when linked)
    account_id: int | None = None

    @property
    def role_zh(self) -> str:
        return CONSOLE_ROLE_ZH[self.role]


@dataclass
class Scope:
    """Query clauses for what a viewer may see; a province viewer may narrow to one school."""

    viewer: Viewer
    school_ids: tuple[int, ...]  # the schools in view (one unless province)
    all_school_ids: tuple[int, ...] = field(default=())  # every school the viewer may pick from

    def people(self) -> ColumnElement[bool]:
        """Return the WHERE clause on Person for the people in view."""
        v = self.viewer
        clause = Person.school_id.in_(self.school_ids)
        if v.role == DEPARTMENT_HEAD:
            return clause & (Person.department == v.department)
        if v.role == LEADER:
            return clause & (Person.id == (v.person_id or -1))
        return clause

    def person_ids(self) -> Any:
        """Return a subquery of the ids of the people in view."""
        return select(Person.id).where(self.people()).scalar_subquery()

    def contacts(self) -> ColumnElement[bool]:
        """Return the WHERE clause on Contact: the records of the people in view."""
        v = self.viewer
        clause = Contact.school_id.in_(self.school_ids)
        if v.role == LEADER:
            return clause & (Contact.person_id == (v.person_id or -1))
        if v.role == DEPARTMENT_HEAD:
            return clause & Contact.person_id.in_(self.person_ids())
        return clause

    def concerns(self) -> ColumnElement[bool]:
        """Return the WHERE clause on Concern: the tickets the viewer owns or oversees."""
        v = self.viewer
        clause = Concern.school_id.in_(self.school_ids)
        if v.role == DEPARTMENT_HEAD:
            return clause & or_(Concern.owner_office == v.department, Concern.owner_id.in_(self.person_ids()))
        if v.role == LEADER:
            return clause & (Concern.owner_id == (v.person_id or -1))
        return clause

    def links(self) -> ColumnElement[bool]:
        """Return the WHERE clause on Link: the links of the leaders in view."""
        clause = Link.school_id.in_(self.school_ids)
        if self.viewer.role in (DEPARTMENT_HEAD, LEADER):
            return clause & Link.leader_id.in_(self.person_ids())
        return clause

    def audit(self) -> ColumnElement[bool]:
        """Return the WHERE clause on AuditLog (admins: their school's rows; province: all)."""
        if self.viewer.role == PROVINCE:
            return true() if len(self.school_ids) == len(self.all_school_ids) else AuditLog.school_id.in_(
                self.school_ids)
        if self.viewer.role == ADMIN:
            return AuditLog.school_id.in_(self.school_ids)
        return false()

    def schools(self) -> ColumnElement[bool]:
        return School.id.in_(self.school_ids)

    @property
    def whole_schools(self) -> bool:
        """Whether the viewer sees everyone in the schools in view (admin, province)."""
        return self.viewer.role in (ADMIN, PROVINCE)

    @property
    def can_edit_links(self) -> bool:
        return self.viewer.role in EDITORS

    @property
    def can_answer(self) -> bool:
        return self.viewer.role in RESPONDERS

    @property
    def single_school(self) -> int | None:
        """Return the one school in view, or None when a province viewer looks at several."""
        return self.school_ids[0] if len(self.school_ids) == 1 else None


# --- the viewer from the session ---


def password_stamp(account: ConsoleAccount) -> str:
    """Return a short fingerprint of the password hash: changing the password ends old sessions."""
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:16]


def viewer_for_account(db: Session, account: ConsoleAccount) -> Viewer | None:
    """Return the viewer a local account logs in as, or None if its roster link is broken."""
    actor = f"console:{account.username}"[:64]
    label = account.display_name or account.username
    if account.role == PROVINCE:
        return Viewer(PROVINCE, label, actor, None, account_id=account.id)
    if account.school_id is None:
        return None
    person = None
    if account.userid:
        person = db.scalar(select(Person).where(Person.school_id == account.school_id,
                                                Person.userid == account.userid, Person.active.is_(True)))
        if person is None:
            return None
        label = account.display_name or person.name
    if account.role == LEADER and person is None:
        return None
    department = account.department or (person.department if person else "")
    if account.role == DEPARTMENT_HEAD and not department:
        return None
    return Viewer(account.role, label, actor, account.school_id, department,
                  person.id if person else None, account.id)


def viewer_for_person(person: Person) -> Viewer | None:
    """Return the viewer a roster person logs in as through WeCom, from their roles; None if none fits."""
    roles = person.roles
    if not person.active:
        return None
    if ROSTER_ADMIN in roles:
        role = ADMIN
    elif MIDDLE_CHIEF in roles and person.department:
        role = DEPARTMENT_HEAD
    elif roles & {SCHOOL_LEADER, STUDENT_AFFAIRS_HEAD, MIDDLE_CHIEF}:
        role = LEADER
    else:
        return None
    return Viewer(role, person.name, person.userid, person.school_id, person.department, person.id)


def load_viewer(db: Session) -> Viewer | None:
    """Return the viewer of this request's session, or None (not logged in, or no longer allowed)."""
    kind = session.get("kind")
    if kind == "local":
        account = db.get(ConsoleAccount, session.get("account_id"))
        if account is None or not account.active or session.get("stamp") != password_stamp(account):
            return None
        return viewer_for_account(db, account)
    if kind == "wecom":
        person = db.get(Person, session.get("person_id"))
        return viewer_for_person(person) if person is not None else None
    return None


def build_scope(db: Session, viewer: Viewer) -> Scope:
    """Return the viewer's scope; a province viewer's `?school=CODE` narrows it to one school."""
    if viewer.role != PROVINCE:
        assert viewer.school_id is not None
        return Scope(viewer, (viewer.school_id,), (viewer.school_id,))
    everything = tuple(db.scalars(select(School.id).order_by(School.id)))
    code = request.args.get("school", "")
    if code:
        picked = db.scalar(select(School.id).where(School.code == code))
        if picked is None:
            abort(404)
        return Scope(viewer, (picked,), everything)
    return Scope(viewer, everything, everything)


# --- the one guard every route goes through ---

View = Callable[..., Any]


def guarded(view: View, roles: Iterable[str]) -> View:
    """Wrap a view: require a viewer whose role is allowed, give it g.db, g.viewer and g.scope.

    Not logged in: a redirect to /login (with the page to return to). Logged in with another role: 403.
    The request runs in one transaction, committed when the view returns and rolled back if it raises.
    """
    allowed = frozenset(roles)

    @wraps(view)
    def wrapper(**kwargs: Any) -> Any:
        deps: Deps = current_app.extensions["bot"]
        with deps.sessions.begin() as db:
            viewer = load_viewer(db)
            if viewer is None:
                session.pop("kind", None)
                return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
            if viewer.role not in allowed:
                abort(403)
            g.db, g.viewer, g.deps = db, viewer, deps
            g.scope = build_scope(db, viewer)
            return view(**kwargs)

    wrapper.console_roles = allowed  # type: ignore[attr-defined]  # read by the route × role tests
    return wrapper


def visible_or_403(db: Session, model: type, object_id: int, clause: ColumnElement[bool]) -> Any:
    """Return one row the scope lets the viewer see: 404 if there is no such row, 403 if it is not theirs."""
    row = db.get(model, object_id)
    if row is None:
        abort(404)
    pk = model.__mapper__.primary_key[0]  # type: ignore[attr-defined]
    if db.scalar(select(pk).where(pk == object_id, clause)) is None:
        abort(403)
    return row
