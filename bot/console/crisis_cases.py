"""Crisis cases in the console (issue 14): a crisis ticket's page shows its case — state, who acknowledged,
contacted and closed it and when — with 我来处理 / 已联系 / 结案 for the people on it (the same steps as the
chat's 接手#153, 已联系#153, 结案#153 结果); and every console page shows, at the top, the crisis alerts
nobody has acknowledged yet to those who may see them (admins of the school, and whoever is on the case).

Acting needs a roster identity (a WeCom login, or an account linked to a userid): the student is told a
named person is on the case, and the case records who.

Example: POST /console/concerns/12/crisis action=close outcome=已送医 → the case is closed, audited.
"""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from bot.chat.outbox import Outbox
from bot.concerns.cases import Cases
from bot.concerns.crisis_case import (
    KIND_ZH,
    OUTCOMES,
    STATE_ZH,
    acknowledge,
    case_of,
    close_case,
    mark_contacted,
    may_act,
)
from bot.concerns.models import CrisisCase
from bot.console.access import visible_or_403
from bot.console.audit_log import write_audit
from bot.console.models import ADMIN
from bot.store.models import Concern, Person, School

MAX_NOTE = 200


def case_panel(db: Session, concern: Concern) -> dict[str, Any] | None:
    """What the concern page shows of its crisis case, and whether the viewer may move it; None if none."""
    case = case_of(db, concern)
    if case is None:
        return None
    ids = {i for i in (case.acknowledged_by, case.contacted_by, case.closed_by) if i}
    names = {p.id: p.name for p in db.scalars(select(Person).where(Person.id.in_(ids)))} if ids else {}
    me = db.get(Person, g.viewer.person_id) if g.viewer.person_id else None
    return {"case": case, "state": STATE_ZH.get(case.state, case.state), "kind": KIND_ZH.get(case.kind, case.kind),
            "names": names, "outcomes": OUTCOMES, "has_person": me is not None,
            "may_act": me is not None and case.state != "closed" and may_act(db, case, concern, me, g.deps.settings)}


def act(concern_id: int) -> Response:
    """Acknowledge, mark contacted or close a crisis case from the console (as the viewer's roster person)."""
    db = g.db
    concern: Concern = visible_or_403(db, Concern, concern_id, g.scope.concerns())
    back = redirect(url_for("console.concern", concern_id=concern.id))
    case = case_of(db, concern)
    me = db.get(Person, g.viewer.person_id) if g.viewer.person_id else None
    action, outcome = request.form.get("action", ""), request.form.get("outcome", "")
    note = request.form.get("note", "").strip()[:MAX_NOTE]
    if case is None or me is None or case.state == "closed" or not may_act(db, case, concern, me, g.deps.settings):
        flash("您不能处置这个危机个案（需要以花名册中的身份登录，且在处置人员之列；已结案的不能再改）。", "error")
        return back
    if action not in ("ack", "contacted", "close") or (action == "close" and outcome not in OUTCOMES):
        flash("请选择要做的处置，结案时请选择结果。", "error")
        return back
    school = db.get(School, concern.school_id)
    assert school is not None
    now, settings = g.deps.clock(), g.deps.settings
    outbox = Outbox(db, school, now)
    if action == "ack":
        other = acknowledge(db, outbox, case, concern, me, now, settings)
    elif action == "contacted":
        other = mark_contacted(db, outbox, case, concern, me, note, now, settings)
    else:
        other = close_case(db, outbox, case, concern, me, outcome, note, now, settings)
    if other is not None and other.id != me.id:
        flash(f"#{concern.number} 已由{other.name}接手处理。", "error")
        return back
    write_audit(f"crisis.console.{action}", f"concern#{concern.number}", {"concern_id": concern.id}, concern.school_id)
    flash({"ack": f"#{concern.number} 由您负责，其他人和提问人已收到通知。", "contacted": f"#{concern.number} 已记录为已联系。",
           "close": f"#{concern.number} 已结案：{outcome}。"}[action], "ok")
    return back


def unacknowledged_banner() -> list[dict[str, Any]]:
    """The crisis alerts nobody has acknowledged, for the top of every page: a school's admins see all of
    its own, anyone else those whose case they are on."""
    viewer, scope = g.get("viewer"), g.get("scope")
    if viewer is None or scope is None:
        return []
    now = g.deps.clock()
    with g.deps.sessions() as db:  # its own session: error pages render after the request's has ended
        rows = db.execute(select(CrisisCase, Concern).join(Concern, Concern.id == CrisisCase.concern_id)
                          .where(CrisisCase.state == "alerted", Concern.school_id.in_(scope.school_ids))
                          .order_by(CrisisCase.alerted_at)).all()
        cases = Cases.load(db, g.deps.settings, viewer.person_id)
        return [{"concern_id": concern.id, "number": concern.number, "kind": KIND_ZH.get(case.kind, case.kind),
                 "minutes": int((now - case.alerted_at).total_seconds() // 60)}
                for case, concern in rows if viewer.role == ADMIN or cases.on_case(concern)]
