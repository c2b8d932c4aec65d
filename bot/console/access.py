"""Who sees what, decided in one place for every console page, export and command (PIPL Art. 28: need to know).

Two layers. Rows: every route is registered through `guarded`, which loads the viewer from the session,
checks the route's roles, opens the request's transaction and hands the view a `Scope` whose clauses
narrow every query (admin: their school; department head: their department; leader: their own records;
province: every school, read-only, N21; auditor: the audit log only). Fields: `MATRIX` says, per role,
which fields of which object it may see, and `concern_view` / `record_view` / `person_visible` apply it with
the two conditions the matrix cannot hold on its own:

- care of concerns: a role listed in `[privacy] care_roles` sees who raised a named concern;
- on the case: the words of a crisis or mental-health concern are shown only to the people on it — the
  student's counselor, the ticket's owner, the on-duty list (`[concerns] on_duty`), the mental-health
  office (`[privacy] mental_health_office`), and whoever acknowledged the case (`case_acknowledgers`).
  They also see the named sender, and they alone may reveal an anonymous one (crisis only).

The command line acts as the school's operator: an admin with care of concerns, on no case.
Example: `concern_view(cases, concern).words` is False for a province viewer, whatever the concern.
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

from bot.chat.context import Deps
from bot.concerns.cases import Cases, is_sensitive
from bot.config import Settings
from bot.console.models import (
    ADMIN,
    AUDITOR,
    CONSOLE_ROLE_ZH,
    DEPARTMENT_HEAD,
    LEADER,
    PROVINCE,
    ConsoleAccount,
)
from bot.store.models import AuditLog, Concern, Contact, Link, Person, School
from bot.terms.roles import ADMIN as ROSTER_ADMIN
from bot.terms.roles import LEADER_ROLES, MENTEE_ROLES, MIDDLE_CHIEF, SCHOOL_LEADER, STUDENT_AFFAIRS_HEAD

ALL = frozenset({ADMIN, DEPARTMENT_HEAD, LEADER, PROVINCE})  # every role that sees the school's work
STAFF = frozenset({ADMIN, DEPARTMENT_HEAD, PROVINCE})  # pages about more than one person
OVERSIGHT = frozenset({AUDITOR})  # the audit log: an auditor, who is not an admin
DELIVERY = frozenset({ADMIN, PROVINCE})  # the outbox's figures (never a message's text)
EDITORS = frozenset({ADMIN})  # links and settings
RESPONDERS = frozenset({ADMIN, DEPARTMENT_HEAD, LEADER})  # answer concerns they own; the province reads only
OPERATORS = frozenset({ADMIN})  # one person's data: export and erase

# --- the matrix: role × object × field ---

MATRIX: dict[tuple[str, str], frozenset[str]] = {
    # A concern: that it exists, its category, state, office and deadlines (what counts and rates are made of).
    ("concern", "state"): frozenset({ADMIN, DEPARTMENT_HEAD, LEADER, PROVINCE}),
    # Its words (text, history, replies, a common problem's title): crisis and mental ones on the case only.
    ("concern", "words"): frozenset({ADMIN, DEPARTMENT_HEAD, LEADER}),
    # Who raised a named one (name, userid, class, their counselor): with care of concerns, or on the case.
    ("concern", "identity"): frozenset({ADMIN, DEPARTMENT_HEAD, LEADER}),
    # Who raised an anonymous one: revealed for a crisis, by someone on the case, with a reason.
    ("concern", "reveal"): frozenset({ADMIN, DEPARTMENT_HEAD, LEADER}),
    # A leader's own compliance: their page, record, progress (N19, N21) — as today.
    ("person", "compliance"): frozenset({ADMIN, DEPARTMENT_HEAD, LEADER, PROVINCE}),
    # Anyone else's page (a student, a counselor): their roster row and roles.
    ("person", "profile"): frozenset({ADMIN}),
    # Everything held about one person, and erasing it (PIPL Art. 45, 47).
    ("person", "export"): OPERATORS,
    # A contact record: date, kind, place, counts, topics, confirmation.
    ("record", "summary"): frozenset({ADMIN, DEPARTMENT_HEAD, LEADER, PROVINCE}),
    # Its message, history and the people named in it (who may be students).
    ("record", "words"): frozenset({ADMIN, DEPARTMENT_HEAD, LEADER}),
    # Its photos (students' faces, dorm rooms).
    ("record", "evidence"): frozenset({ADMIN, DEPARTMENT_HEAD, LEADER}),
    # The audit log.
    ("audit", "rows"): OVERSIGHT,
}
WITHHELD = "（仅处理该问题的人员可见）"


@dataclass(frozen=True)
class Viewer:
    """The person or account behind a console request (or the command line), and the scope their role gives."""

    role: str  # admin / department_head / leader / province / auditor
    label: str  # shown in the header
    actor: str  # AuditLog.actor: the roster userid, or "console:<username>" for a local account
    school_id: int | None  # None for the province (and a deployment-wide auditor)
    department: str = ""
    person_id: int | None = None  # the roster person (leaders always, others when linked)
    account_id: int | None = None

    @property
    def role_zh(self) -> str:
        return CONSOLE_ROLE_ZH[self.role]


def operator(school: School) -> Viewer:
    """The command line's viewer: the school's operator, an admin with care of concerns."""
    return Viewer(ADMIN, "命令行", "cli", school.id)


def may(viewer: Viewer, obj: str, field: str) -> bool:
    """Tell whether the viewer's role may see a field of an object at all (the matrix, before conditions)."""
    return viewer.role in MATRIX[(obj, field)]


def has_care(viewer: Viewer, settings: Settings) -> bool:
    """Tell whether the viewer's role has care of concerns: the command line always; roles by config."""
    return viewer.actor == "cli" or viewer.role in settings.privacy.care_roles


# --- concerns ---


@dataclass(frozen=True)
class ConcernView:
    """What one viewer sees of one concern."""

    state: bool
    words: bool
    identity: bool  # of a named sender (an anonymous one is never shown)
    on_case: bool
    may_reveal: bool

    def text(self, value: str) -> str:
        """Return words the viewer may read, or the withheld marker."""
        return value if self.words else WITHHELD


def cases_for(db: Session, viewer: Viewer, settings: Settings) -> Cases:
    """Return the on-the-case test for a viewer (a viewer with no roster person is on no case)."""
    return Cases.load(db, settings, viewer.person_id)


def concern_view(viewer: Viewer, cases: Cases, concern: Concern) -> ConcernView:
    """Apply the matrix and its conditions to one concern for one viewer."""
    sensitive = is_sensitive(concern)
    case = cases.on_case(concern)
    words = may(viewer, "concern", "words") and (case if sensitive else True)
    identity = may(viewer, "concern", "identity") and not concern.anonymous and (
        (case and sensitive) or has_care(viewer, cases.settings))
    reveal = may(viewer, "concern", "reveal") and cases.may_reveal(concern)
    return ConcernView(may(viewer, "concern", "state"), words, identity, case, reveal)


def redact_concern_row(row: dict[str, Any], view: ConcernView) -> dict[str, Any]:
    """Return an exported ticket (bot/concerns/export.py's row) with what the viewer may not see taken out."""
    out = dict(row)
    if not view.words:
        out["text"], out["replies"] = WITHHELD, []
    if not view.identity:
        for name in ("sender_userid", "sender_name", "sender_class", "sender_department"):
            out[name] = None
    return out


# --- people and records ---


def is_staff_page(person: Person) -> bool:
    """Tell whether a person's page is about a leader's compliance (N19/N21) rather than a student or others."""
    return bool(person.roles & LEADER_ROLES)


def person_visible(viewer: Viewer, person: Person) -> bool:
    """Tell whether the viewer may open a person's page (their scope allowed the row already)."""
    field_ = "compliance" if is_staff_page(person) else "profile"
    return may(viewer, "person", field_)


@dataclass(frozen=True)
class RecordView:
    """What one viewer sees of contact records."""

    summary: bool
    words: bool
    evidence: bool


def record_view(viewer: Viewer) -> RecordView:
    """Apply the matrix to contact records for one viewer."""
    return RecordView(may(viewer, "record", "summary"), may(viewer, "record", "words"),
                      may(viewer, "record", "evidence"))


def named_staff(person: Person) -> bool:
    """Tell whether naming a person in a record shown to someone without record words is fine (staff only)."""
    return bool(person.roles & (LEADER_ROLES | MENTEE_ROLES))


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
        """Return the WHERE clause on AuditLog: an auditor's school's rows, or all for a deployment-wide one."""
        if self.viewer.role != AUDITOR:
            return false()
        if self.viewer.school_id is None:
            return true() if len(self.school_ids) == len(self.all_school_ids) else AuditLog.school_id.in_(
                self.school_ids)
        return AuditLog.school_id.in_(self.school_ids)

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
    if account.role == PROVINCE or (account.role == AUDITOR and account.school_id is None):
        return Viewer(account.role, label, actor, None, account_id=account.id)
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
    if viewer.school_id is not None:
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
