"""The crisis detector's labelled feedback in the console: the list of false alarms and missed crises kept for
retraining, its download as corpus JSONL, and the 标记漏报 button on an ordinary ticket.

Who: the list is for admins and the mental-health office (a department head of `[privacy]
mental_health_office`); each example's words are shown, and downloaded, only to someone on the case of the
ticket it came from (the access matrix's rule for crisis and mental-health words); never a ticket number or a
sender. The button is for the people on the ticket's case. Every list, download and mark writes an audit row.

Example: GET /console/feedback → "误报 · 12月5日 · 危机（计划或工具（本人））→ 学业 · 这个毕设要了我的老命…".
"""

from __future__ import annotations

import io

from flask import abort, flash, g, redirect, render_template, url_for
from sqlalchemy import ColumnElement, func, select
from werkzeug.wrappers import Response

from bot.concerns.cases import mental_health_office
from bot.concerns.crisis import signals_text
from bot.concerns.feedback import LABEL_ZH, mark_missed, write_corpus
from bot.concerns.models import FeedbackExample
from bot.concerns.routing import CATEGORY_ZH
from bot.console.access import WITHHELD, ConcernView, Viewer, cases_for, visible_or_403
from bot.console.audit_log import write_audit
from bot.console.concern_board import views_of
from bot.console.models import ADMIN, DEPARTMENT_HEAD
from bot.console.paging import Page, paginate
from bot.store.models import Concern, Person, School

CURATORS = frozenset({ADMIN, DEPARTMENT_HEAD})  # the route's roles; `curates` narrows department heads
RISK_ZH = {"crisis": "危机", "watch": "需关注", "none": "无"}


def curates(viewer: Viewer) -> bool:
    """Tell whether the viewer may open the labelled set: an admin, or the mental-health office's head."""
    office = mental_health_office(g.deps.settings)
    return viewer.role == ADMIN or (viewer.role == DEPARTMENT_HEAD and bool(office) and viewer.department == office)


def feedback_state(concern: Concern, view: ConcernView) -> str:
    """What a ticket's page offers about the labelled set: "误报"/"漏报" once labelled, "offer" for the 标记漏报
    button (someone on the case, an ordinary ticket with its words, the school keeping feedback), else ""."""
    row = g.db.scalar(select(FeedbackExample.label).where(FeedbackExample.concern_id == concern.id))
    if row is not None:
        return LABEL_ZH[row]
    offer = (view.on_case and not concern.crisis and concern.purged_at is None and concern.status != "spam"
             and g.deps.settings.understanding.keep_feedback)
    return "offer" if offer else ""


def _readable(rows: list[FeedbackExample]) -> set[int]:
    """Return the ids of the examples whose words the viewer may read: on the case of their ticket."""
    cases = cases_for(g.db, g.viewer, g.deps.settings)
    tickets = {c.id: c for c in g.db.scalars(select(Concern).where(Concern.id.in_([r.concern_id for r in rows])))}
    return {r.id for r in rows if r.concern_id in tickets and cases.on_case(tickets[r.concern_id])}


def _in_scope() -> list[ColumnElement[bool]]:
    return [FeedbackExample.school_id.in_(g.scope.school_ids)]


def show_feedback() -> str:
    """List the labelled set, newest first; words only where the viewer is on the case; audited."""
    if not curates(g.viewer):
        abort(403)
    where = _in_scope()
    total = g.db.scalar(select(func.count(FeedbackExample.id)).where(*where)) or 0
    page: Page[FeedbackExample] = paginate(g.db, select(FeedbackExample).where(*where)
                                           .order_by(FeedbackExample.id.desc()), total)
    readable = _readable(page.rows)
    staff_ids = {r.labelled_by_id for r in page.rows if r.labelled_by_id}
    staff = {p.id: p.name for p in g.db.scalars(select(Person).where(Person.id.in_(staff_ids)))} if staff_ids else {}
    write_audit("feedback.list", "feedback", {"ids": sorted(readable)}, g.scope.single_school)
    return render_template("console/feedback.html", page=page, readable=readable, staff=staff, WITHHELD=WITHHELD,
                           LABEL_ZH=LABEL_ZH, RISK_ZH=RISK_ZH, CATEGORY_ZH=CATEGORY_ZH, signals_text=signals_text,
                           keep=g.deps.settings.understanding.keep_feedback)


def feedback_jsonl() -> Response:
    """Download the examples the viewer may read as corpus JSONL (for `understanding train --extra`); audited."""
    if not curates(g.viewer):
        abort(403)
    rows = list(g.db.scalars(select(FeedbackExample).where(*_in_scope()).order_by(FeedbackExample.id)))
    readable = _readable(rows)
    out = io.StringIO()
    count = write_corpus((r for r in rows if r.id in readable), out)
    write_audit("feedback.export", "feedback.jsonl", {"rows": count, "withheld": len(rows) - count},
                g.scope.single_school)
    return Response(out.getvalue(), mimetype="application/jsonl; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=feedback.jsonl"})


def mark_missed_crisis(concern_id: int) -> Response:
    """Mark an ordinary ticket as a crisis the detector missed (people on its case); audited."""
    concern: Concern = visible_or_403(g.db, Concern, concern_id, g.scope.concerns())
    if not views_of([concern])[concern.id].on_case:
        abort(403)
    school = g.db.get(School, concern.school_id)
    assert school is not None
    by = g.db.get(Person, g.viewer.person_id) if g.viewer.person_id else None
    row, said = mark_missed(g.db, concern, by, g.deps.clock(), g.deps.settings, school)
    write_audit("concern.mark_missed", f"concern#{concern.number}", {"kept": row is not None}, concern.school_id)
    flash(said, "ok" if row is not None else "error")
    return redirect(url_for("console.concern", concern_id=concern.id))

