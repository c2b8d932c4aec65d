"""Links (N6): which counselors and ideology teachers each school leader and middle chief is linked
to — suggested from the ratio of their numbers, accepted, added or ended by an admin, with history.
Every change writes an AuditLog row.

Suggestions come from the rules capability (`bot.rules.links`): "建议" shows, per leader, the links
kept, added and ended; "采纳" applies exactly that proposal, dated today.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import defaultdict

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import aliased
from werkzeug.wrappers import Response

from bot.console.access import visible_or_403
from bot.console.audit_log import write_audit
from bot.console.paging import paginate
from bot.rules.links import Suggestion, apply_links, suggest_links
from bot.store.models import Link, Person, PersonRole, School
from bot.terms.roles import LINKING_ROLES, MAX_MENTEES, MENTEE_ROLES


def _holders(roles: frozenset[str]) -> ScalarSelect[int]:
    """Return a subquery of the ids of active people holding one of the roles."""
    return select(PersonRole.person_id).join(Person, Person.id == PersonRole.person_id).where(
        PersonRole.role.in_(roles), Person.active.is_(True)).scalar_subquery()


def show_links() -> str:
    """List leaders and chiefs with their current links; admins may add, end and take suggestions."""
    db, scope = g.db, g.scope
    where = scope.people() & Person.id.in_(_holders(LINKING_ROLES))
    total = db.scalar(select(func.count(Person.id)).where(where)) or 0
    page = paginate(db, select(Person).where(where).order_by(Person.school_id, Person.department, Person.id), total)
    ids = [p.id for p in page.rows]
    mentee = aliased(Person)
    current: dict[int, list[tuple[Link, Person]]] = defaultdict(list)
    for link, person in db.execute(select(Link, mentee).join(mentee, mentee.id == Link.mentee_id)
                                   .where(Link.leader_id.in_(ids), Link.until.is_(None)).order_by(Link.id)):
        current[link.leader_id].append((link, person))
    leader = aliased(Person)
    ended = list(db.execute(select(Link, leader, mentee).join(leader, leader.id == Link.leader_id)
                            .join(mentee, mentee.id == Link.mentee_id)
                            .where(scope.links(), Link.until.is_not(None))
                            .order_by(Link.until.desc(), Link.id.desc()).limit(30)))
    school_id = scope.single_school
    can_edit = scope.can_edit_links and school_id is not None
    suggestion = None
    mentees: list[Person] = []
    leaders: list[Person] = []
    if can_edit:
        mentees = list(db.scalars(select(Person).where(Person.school_id == school_id,
                                                       Person.id.in_(_holders(MENTEE_ROLES))).order_by(Person.name)))
        leaders = list(db.scalars(select(Person).where(Person.school_id == school_id,
                                                       Person.id.in_(_holders(LINKING_ROLES))).order_by(Person.name)))
        if request.args.get("suggest"):
            suggestion = _suggestion(school_id)
    return render_template("console/links.html", page=page, current=current, ended=ended, suggestion=suggestion,
                           fingerprint=fingerprint(suggestion) if suggestion else "", mentees=mentees,
                           changing=[p for p in suggestion.plans if p.add or p.end] if suggestion else [],
                           leaders=leaders, can_edit=can_edit, max_mentees=MAX_MENTEES)


def _suggestion(school_id: int) -> Suggestion:
    school = g.db.get(School, school_id)
    assert school is not None
    return suggest_links(g.db, school, g.deps.today())


def fingerprint(suggestion: Suggestion) -> str:
    """Return a digest of a suggestion, so that "采纳" applies exactly the proposal the admin read."""
    text = json.dumps(suggestion.as_json(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _validate(leader_id: int, mentee_id: int, school_id: int, planned: dict[int, int]) -> str:
    """Return why a link cannot be made ("" if it can); `planned` counts links per leader so far."""
    db = g.db
    leader, mentee = db.get(Person, leader_id), db.get(Person, mentee_id)
    if leader is None or mentee is None or leader.school_id != school_id or mentee.school_id != school_id:
        return "人员不存在"
    if not (leader.active and mentee.active):
        return f"{leader.name}或{mentee.name}已停用"
    if not leader.roles & LINKING_ROLES:
        return f"{leader.name}不是校领导或中层正职"
    if not mentee.roles & MENTEE_ROLES:
        return f"{mentee.name}不是辅导员或思政课教师"
    if db.scalar(select(Link.id).where(Link.leader_id == leader_id, Link.mentee_id == mentee_id,
                                       Link.until.is_(None))):
        return f"{leader.name}已联系{mentee.name}"
    if planned.get(leader_id, 0) >= MAX_MENTEES:
        return f"{leader.name}联系的辅导员/思政课教师已达{MAX_MENTEES}人"
    return ""


def _current_counts(school_id: int) -> dict[int, int]:
    rows = g.db.execute(select(Link.leader_id, func.count(Link.id))
                        .where(Link.school_id == school_id, Link.until.is_(None)).group_by(Link.leader_id))
    return {leader_id: int(n) for leader_id, n in rows}


def _school_id() -> int:
    school_id = g.scope.single_school
    if school_id is None:
        abort(400)
    return school_id


def accept_suggestion() -> Response:
    """Apply the suggestion the admin read (recomputed; refused if the roster or links changed since)."""
    school_id = _school_id()
    suggestion = _suggestion(school_id)
    if not hmac.compare_digest(request.form.get("fingerprint", ""), fingerprint(suggestion)):
        flash("人员或联系关系已有变化，请重新生成建议后再采纳。", "error")
        return redirect(url_for("console.links", suggest=1))
    school = g.db.get(School, school_id)
    assert school is not None
    # apply_links writes the AuditLog row ("links.apply", actor: this viewer).
    added, ended = apply_links(g.db, school, suggestion, g.deps.today(), g.deps.clock(), actor=g.viewer.actor)
    flash(f"已采纳建议：新增 {added} 条、结束 {ended} 条联系关系。", "ok")
    return redirect(url_for("console.links"))


def add_link() -> Response:
    """Link one leader or chief to one counselor/teacher."""
    school_id = _school_id()
    try:
        leader_id, mentee_id = int(request.form["leader_id"]), int(request.form["mentee_id"])
    except (KeyError, ValueError):
        abort(400)
    problem = _validate(leader_id, mentee_id, school_id, _current_counts(school_id))
    if problem:
        flash("未添加：" + problem, "error")
        return redirect(url_for("console.links"))
    g.db.add(Link(school_id=school_id, leader_id=leader_id, mentee_id=mentee_id, since=g.deps.today(),
                  source="console"))
    write_audit("links.add", f"person#{leader_id}", {"leader_id": leader_id, "mentee_id": mentee_id}, school_id)
    flash("已添加联系关系。", "ok")
    return redirect(url_for("console.links"))


def end_link(link_id: int) -> Response:
    """End a link today; it stays in the history."""
    link: Link = visible_or_403(g.db, Link, link_id, g.scope.links())
    if link.until is not None:
        abort(400)
    link.until = max(g.deps.today(), link.since)
    write_audit("links.end", f"person#{link.leader_id}",
                {"link_id": link.id, "leader_id": link.leader_id, "mentee_id": link.mentee_id}, link.school_id)
    flash("已结束联系关系。", "ok")
    back = request.form.get("back", "")
    return redirect(back if back.startswith("/console/") else url_for("console.links"))
