"""The concerns board (N13, N14, N18): tickets by status and deadline, each with its history; staff
answer from here and the answer reaches the student in chat through the outbox; a common problem is
answered once for all its tickets. What each viewer sees of a ticket — its words, who raised it — is the
access matrix's answer (`concern_view`); every list and ticket opened writes an audit row. An anonymous
sender is never shown; someone on a crisis case may reveal who it was, with a reason that is stored, and
the counselor and the on-duty list are told (`reveal_sender`).

Example: POST /console/concerns/12/reply text=已联系后勤，周五前修好 → the student gets it in WeCom.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from bot.chat.outbox import Outbox
from bot.concerns.anonymity import ANONYMOUS_LABEL, MAX_REASON, MIN_REASON, reveal_sender, sender_label
from bot.concerns.answers import answer_concern
from bot.concerns.cases import SENSITIVE_CATEGORIES
from bot.concerns.common import answer_group
from bot.concerns.deadlines import CLOSED_STATUSES
from bot.concerns.models import ConcernGroup
from bot.concerns.render import RATING_ZH, STATUS_ZH
from bot.concerns.routing import CATEGORY_ZH
from bot.concerns.senders import distinct_senders
from bot.concerns.tickets import reopen_concern
from bot.console.access import ConcernView, cases_for, concern_view, may, visible_or_403
from bot.console.audit_log import write_audit
from bot.console.crisis_cases import case_panel
from bot.console.models import ADMIN
from bot.console.paging import Page, paginate
from bot.store.models import Concern, Person, School

CLOSED = tuple(CLOSED_STATUSES)
WAITING = ("open", "reopened")  # staff owe an answer
MAX_REPLY = 2000
DEADLINE_HOUR = time(18, 0)  # a deadline set to a day means the end of its working hours


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """Return the SQL for an open ticket past a deadline (first answer, or resolution)."""
    return Concern.status.not_in(CLOSED) & (
        (Concern.first_response_at.is_(None) & (Concern.first_response_due <= now))
        | (Concern.resolved_at.is_(None) & (Concern.resolve_due <= now)))


def is_overdue(concern: Concern, now: datetime) -> bool:
    """Tell whether a ticket is past a deadline (the same rule as `overdue_clause`)."""
    if concern.status in CLOSED:
        return False
    first = concern.first_response_at is None and concern.first_response_due is not None \
        and concern.first_response_due <= now
    final = concern.resolved_at is None and concern.resolve_due is not None and concern.resolve_due <= now
    return first or final


@dataclass(frozen=True)
class ConcernCounts:
    waiting: int
    answered: int
    overdue: int
    new_this_week: int


def concern_counts(db: Session, clause: ColumnElement[bool], now: datetime, week_start: datetime) -> ConcernCounts:
    """Count the tickets in view awaiting an answer, answered but open, overdue, and new this week."""
    row = db.execute(select(
        func.sum(case((Concern.status.in_(WAITING), 1), else_=0)),
        func.sum(case((Concern.status == "answered", 1), else_=0)),
        func.sum(case((overdue_clause(now), 1), else_=0)),
        func.sum(case((Concern.created_at >= week_start, 1), else_=0)),
    ).where(clause, Concern.abuse.is_(None))).one()
    return ConcernCounts(*(int(v or 0) for v in row))


@dataclass(frozen=True)
class Problem:
    """A common problem (N14) as the board lists it: never who raised it, only how many."""

    id: int
    label: str
    category: str
    place: str | None
    answered_at: datetime | None
    tickets: int
    people: int
    waiting: int


def common_problems(db: Session, clause: ColumnElement[bool], limit: int = 20) -> list[Problem]:
    """Return the common problems with tickets in view, those still waiting first."""
    waiting = func.sum(case((Concern.status.in_(WAITING), 1), else_=0))
    stmt = (select(ConcernGroup.id, ConcernGroup.label, ConcernGroup.category, ConcernGroup.place,
                   ConcernGroup.answered_at, func.count(Concern.id), distinct_senders(),
                   waiting)
            .join(Concern, Concern.group_id == ConcernGroup.id).where(clause)
            .group_by(ConcernGroup.id, ConcernGroup.label, ConcernGroup.category, ConcernGroup.place,
                      ConcernGroup.answered_at)
            .order_by(waiting.desc(), func.count(Concern.id).desc(), ConcernGroup.id).limit(limit))
    return [Problem(r[0], r[1], r[2], r[3], r[4], int(r[5]), int(r[6]), int(r[7] or 0)) for r in db.execute(stmt)]


HIDDEN_SENDER = "学生（身份不显示）"


def senders_shown(db: Session, concerns: list[Concern], views: dict[int, ConcernView]) -> dict[int, str]:
    """Return how each ticket names its sender: "匿名" for anonymous ones (whose sender is never loaded),
    the name only where the viewer may see it."""
    wanted = {c.sender_id for c in concerns if views[c.id].identity and c.sender_id is not None}
    people = {p.id: p for p in db.scalars(select(Person).where(Person.id.in_(wanted)))} if wanted else {}
    out = {}
    for c in concerns:
        if c.anonymous or c.purged_at is not None:
            out[c.id] = ANONYMOUS_LABEL if c.anonymous else "—"
        else:
            out[c.id] = sender_label(c, people.get(c.sender_id or 0)) if views[c.id].identity else HIDDEN_SENDER
    return out


def views_of(concerns: list[Concern]) -> dict[int, ConcernView]:
    """Return what the current viewer sees of each ticket."""
    cases = cases_for(g.db, g.viewer, g.deps.settings)
    return {c.id: concern_view(g.viewer, cases, c) for c in concerns}


def problem_label(problem: Problem) -> str:
    """A common problem's title (a student's words) where the viewer may read such words, else its category."""
    if may(g.viewer, "concern", "words") and problem.category not in SENSITIVE_CATEGORIES:
        return problem.label
    return f"{CATEGORY_ZH.get(problem.category, '其他')}类共性问题"


def board_filters(in_scope: ColumnElement[bool], status: str, category: str,
                  now: datetime) -> list[ColumnElement[bool]]:
    """The WHERE clauses of the board's status and category filters (the board and its export)."""
    where = [in_scope]
    if status == "active":
        where.append(Concern.status.not_in(CLOSED))
    elif status == "overdue":
        where.append(overdue_clause(now))
    elif status in STATUS_ZH:
        where.append(Concern.status == status)
    if category in CATEGORY_ZH:
        where.append(Concern.category == category)
    return where


# --- pages ---


def show_board() -> str:
    """List tickets by status, category and deadline, with the common problems on top."""
    db, scope, now = g.db, g.scope, g.deps.clock()
    status = request.args.get("status", "active")
    category = request.args.get("category", "")
    where = board_filters(scope.concerns(), status, category, now)
    if request.args.get("group", "").isdigit():
        where.append(Concern.group_id == int(request.args["group"]))
    total = db.scalar(select(func.count(Concern.id)).where(*where)) or 0
    query = select(Concern).where(*where).order_by(Concern.crisis.desc(), Concern.resolve_due.asc(), Concern.id)
    page: Page[Concern] = paginate(db, query, total)
    views = views_of(page.rows)
    write_audit("concern.list", f"concerns?status={status}&category={category}",
                {"numbers": [c.number for c in page.rows if views[c.id].words]}, scope.single_school)
    return render_template("console/concerns.html", page=page, senders=senders_shown(db, page.rows, views),
                           views=views, now=now, status=status, category=category,
                           problems=common_problems(db, scope.concerns()), problem_label=problem_label,
                           is_overdue=is_overdue, CATEGORY_ZH=CATEGORY_ZH, STATUS_ZH=STATUS_ZH)


def show_concern(concern_id: int, revealed: Person | None = None) -> str:
    """Show one ticket — as much of it as the viewer may see — with the actions they may take; audited."""
    db = g.db
    concern: Concern = visible_or_403(db, Concern, concern_id, g.scope.concerns())
    view = views_of([concern])[concern.id]
    if revealed is None:
        write_audit("concern.read", f"concern#{concern.number}",
                    {"concern_id": concern.id, "words": view.words, "identity": view.identity}, concern.school_id)
    authors = {m.author_id for m in concern.messages if m.role == "staff" and m.author_id}
    staff = {p.id: p.name for p in db.scalars(select(Person).where(Person.id.in_(authors)))} if authors else {}
    owner = db.get(Person, concern.owner_id) if concern.owner_id else None
    # A counselor's name narrows the sender to their classes: shown with the sender's identity only.
    counselor = db.get(Person, concern.counselor_id) if concern.counselor_id and view.identity else None
    group = db.get(ConcernGroup, concern.group_id) if concern.group_id else None
    return render_template("console/concern.html", concern=concern, view=view,
                           sender=senders_shown(db, [concern], {concern.id: view})[concern.id],
                           staff=staff, owner=owner, counselor=counselor, group=group, revealed=revealed,
                           now=g.deps.clock(), overdue=is_overdue(concern, g.deps.clock()),
                           may_answer=g.scope.can_answer and view.words, is_admin=g.viewer.role == ADMIN,
                           crisis=case_panel(db, concern) if concern.crisis else None,
                           CATEGORY_ZH=CATEGORY_ZH, STATUS_ZH=STATUS_ZH, RATING_ZH=RATING_ZH)


def _author() -> Person | None:
    return g.db.get(Person, g.viewer.person_id) if g.viewer.person_id else None


def _staff() -> Person:
    """Return who answers: the viewer's roster person, or for a local account an unsaved stand-in signed
    with its role ("学校管理员", "计算机学院部门负责人": what the student reads; the history keeps no author id)."""
    viewer = g.viewer
    return _author() or Person(userid=viewer.actor, name=viewer.role_zh, department=viewer.department)


def _outbox(school_id: int) -> Outbox:
    school = g.db.get(School, school_id)
    assert school is not None
    return Outbox(g.db, school, g.deps.clock())


def reply(concern_id: int) -> Response:
    """Answer a ticket: kept in its history and sent to the sender in chat."""
    db = g.db
    concern: Concern = visible_or_403(db, Concern, concern_id, g.scope.concerns())
    if not views_of([concern])[concern.id].words:
        abort(403)  # answering what one may not read: not on this case
    text = request.form.get("text", "").strip()
    if not text or len(text) > MAX_REPLY:
        flash(f"请填写答复内容（不超过{MAX_REPLY}字）。", "error")
        return redirect(url_for("console.concern", concern_id=concern.id))
    if concern.status in CLOSED and concern.status != "resolved":
        abort(400)
    resolve = request.form.get("resolve") == "1"
    answer_concern(db, _outbox(concern.school_id), concern, _staff(), text, resolve, g.deps.clock())
    write_audit("concern.reply", f"concern#{concern.number}",
                {"concern_id": concern.id, "length": len(text), "resolved": resolve}, concern.school_id)
    flash("答复已保存，将通过消息发送给提问人。" + ("问题已标记为办结。" if resolve else ""), "ok")
    return redirect(url_for("console.concern", concern_id=concern.id))


def change_status(concern_id: int) -> Response:
    """Reopen a resolved ticket with a new deadline (resolving is an answer: see `reply`)."""
    concern: Concern = visible_or_403(g.db, Concern, concern_id, g.scope.concerns())
    if request.form.get("status") != "reopened" or concern.status != "resolved":
        abort(400)
    reason = request.form.get("reason", "").strip()[:200]
    reopen_concern(g.db, _outbox(concern.school_id), concern, g.deps.clock(), g.deps.settings,
                   reason or f"{g.viewer.label}在管理台重新打开")
    write_audit("concern.status", f"concern#{concern.number}",
                {"concern_id": concern.id, "before": "resolved", "after": "reopened", "reason": reason},
                concern.school_id)
    flash(f"问题 #{concern.number} 已重新打开。", "ok")
    return redirect(url_for("console.concern", concern_id=concern.id))


def change_deadline(concern_id: int) -> Response:
    """Set a ticket's resolution deadline to the end of a working day (admins)."""
    concern: Concern = visible_or_403(g.db, Concern, concern_id, g.scope.concerns())
    try:
        day = date.fromisoformat(request.form.get("resolve_due", ""))
    except ValueError:
        abort(400)
    settings = g.deps.settings
    if day < g.deps.today():
        flash("办结期限不能早于今天。", "error")
        return redirect(url_for("console.concern", concern_id=concern.id))
    before = concern.resolve_due
    concern.resolve_due = datetime.combine(day, DEADLINE_HOUR, tzinfo=settings.tz)
    write_audit("concern.deadline", f"concern#{concern.number}",
                {"concern_id": concern.id, "before": before.isoformat() if before else None,
                 "after": concern.resolve_due.isoformat()}, concern.school_id)
    flash(f"办结期限已改为 {day.isoformat()}。", "ok")
    return redirect(url_for("console.concern", concern_id=concern.id))


def reveal(concern_id: int) -> str | Response:
    """Show an anonymous crisis ticket's sender, once, to someone on the case who gives a reason; the reason
    is stored, the counselor and the on-duty list are told, and the audit row written (reveal_sender)."""
    concern: Concern = visible_or_403(g.db, Concern, concern_id, g.scope.concerns())
    if not concern.anonymous:
        abort(400)
    if not views_of([concern])[concern.id].may_reveal:
        abort(403)
    reason = request.form.get("reason", "").strip()
    if len(reason) < MIN_REASON:
        flash(f"请填写查明身份的原因（至少{MIN_REASON}个字），它会被记录并告知辅导员和值班人员。", "error")
        return redirect(url_for("console.concern", concern_id=concern.id))
    person = reveal_sender(g.db, _outbox(concern.school_id), concern, _staff(), reason[:MAX_REASON], g.deps.clock(),
                           g.deps.settings, address=request.remote_addr or "")
    return show_concern(concern_id, revealed=person)


def reply_group(group_id: int) -> Response:
    """Answer a common problem once: every waiting ticket of it gets the answer (admins)."""
    db = g.db
    group: ConcernGroup = visible_or_403(db, ConcernGroup, group_id, ConcernGroup.school_id.in_(g.scope.school_ids))
    text = request.form.get("text", "").strip()
    if not text or len(text) > MAX_REPLY:
        flash(f"请填写答复内容（不超过{MAX_REPLY}字）。", "error")
        return redirect(url_for("console.concerns", group=group.id))
    resolve = request.form.get("resolve") == "1"
    tickets = answer_group(db, _outbox(group.school_id), group, _staff(), text, resolve, g.deps.clock())
    write_audit("concern.group_reply", f"concern_group#{group.id}",
                {"group_id": group.id, "numbers": [c.number for c in tickets], "length": len(text)}, group.school_id)
    flash(f"已答复共性问题，{len(tickets)} 位提问人将收到答复。", "ok")
    return redirect(url_for("console.concerns", group=group.id))
