"""People: the leaders in view with where each stands, one person's page (obligations, links and
their history, recent records), a leader's printable record for a term or year (N19), and for the admin
one person's data as a copy or its erasure (PIPL Art. 45, 47; bot/people/person_data.py), both audited.

Example: GET /console/people?behind=1 lists the leaders with something still due; a leader opening
another leader's page gets 403.
"""

from __future__ import annotations

import io
import json

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from sqlalchemy import select
from sqlalchemy.orm import aliased
from werkzeug.wrappers import Response

from bot.console import stats
from bot.console.access import may, named_staff, person_visible, record_view, visible_or_403
from bot.console.audit_log import write_audit
from bot.console.compliance import PERIOD_KINDS, current_periods, leader_statuses
from bot.console.paging import Page, page_of
from bot.console.standing_links import standing_and_pauses
from bot.console.upstream import view_settings
from bot.people.person_data import erase_person, export_person
from bot.rules.catalog import PERIOD_ZH
from bot.rules.leader_record import leader_record, summary_pairs
from bot.rules.report_data import STATE_REPORT_ZH, obligation_state
from bot.rules.report_xlsx import obligation_cells
from bot.rules.school_groups import settings_of
from bot.rules.standing import KINDS_ZH
from bot.rules.terms import resolve_term, term_choices
from bot.store.models import Contact, Link, Person
from bot.terms.roles import LEADER_ROLES, ROLE_NAMES_ZH, SCHOOL_LEADER, roles_zh


def list_people() -> str:
    """List the leaders in view with this week's, month's, quarter's and semester's standing."""
    db, scope, deps = g.db, g.scope, g.deps
    today = deps.today()
    where = scope.people()
    department = request.args.get("department", "")
    role = request.args.get("role", "")
    q = request.args.get("q", "").strip()
    narrowed = where
    if department:
        narrowed = narrowed & (Person.department == department)
    if q:
        narrowed = narrowed & (Person.name.contains(q, autoescape=True) | Person.userid.contains(q, autoescape=True))
    people = stats.leaders(db, narrowed)
    if role in LEADER_ROLES:
        people = [p for p in people if role in p.roles]
    behind = bool(request.args.get("behind"))
    if behind:  # who is behind needs everyone's standing; otherwise only the page's people are evaluated
        whole = scope.whole_schools and not (department or q or role)
        page = page_of([s for s in leader_statuses(db, deps.settings, people, deps.clock(), scope.school_ids,
                                                   whole=whole) if s.unmet])
    else:
        chosen = page_of(people)
        page = Page(leader_statuses(db, deps.settings, chosen.rows, deps.clock(), scope.school_ids),
                    chosen.number, chosen.total)
    departments = sorted({d for d in db.scalars(select(Person.department).where(where).distinct()) if d})
    return render_template("console/people.html", page=page, periods=current_periods(view_settings(), today),
                           kinds=PERIOD_KINDS, PERIOD_ZH=PERIOD_ZH, departments=departments, department=department,
                           role=role, q=q, roles=[(r, ROLE_NAMES_ZH[r]) for r in sorted(LEADER_ROLES)],
                           roles_zh=roles_zh, behind=behind)


def show_person(person_id: int) -> str:
    """Show one person: obligations now, links (with history), their latest records."""
    db, scope, deps = g.db, g.scope, g.deps
    person: Person = visible_or_403(db, Person, person_id, scope.people())
    if not person_visible(g.viewer, person):
        abort(403)  # a student's (or a counselor's) page: the admin's only
    write_audit("person.read", f"person#{person.id}", {"person_id": person.id}, person.school_id)
    settings = settings_of(db, deps.settings, person.school_id)
    today = deps.today()
    statuses = leader_statuses(db, deps.settings, stats.leaders(db, Person.id == person.id), deps.clock(),
                               (person.school_id,))
    mentee, leader = aliased(Person), aliased(Person)
    as_leader = db.execute(select(Link, mentee).join(mentee, mentee.id == Link.mentee_id)
                           .where(Link.leader_id == person.id).order_by(Link.until.is_not(None), Link.since.desc()))
    as_mentee = db.execute(select(Link, leader).join(leader, leader.id == Link.leader_id)
                           .where(Link.mentee_id == person.id).order_by(Link.until.is_not(None), Link.since.desc()))
    standing, pauses = standing_and_pauses(db, settings, person, today)
    recent = list(db.scalars(select(Contact).where(Contact.person_id == person.id, Contact.deleted_at.is_(None))
                             .order_by(Contact.occurred_on.desc(), Contact.id.desc()).limit(20)))
    return render_template("console/person.html", person=person, status=statuses[0] if statuses else None,
                           as_leader=list(as_leader), as_mentee=list(as_mentee), recent=recent,
                           terms=term_choices(settings, today), roles_zh=roles_zh, today=today,
                           standing=standing, pauses=pauses, standing_kinds=KINDS_ZH,
                           is_school_leader=SCHOOL_LEADER in person.roles)


def show_record(person_id: int) -> str:
    """Show a leader's record for a term or year as a printable page (N19): the summary, every obligation in
    every period, every record."""
    db, deps = g.db, g.deps
    person: Person = visible_or_403(db, Person, person_id, g.scope.people())
    if not person_visible(g.viewer, person):
        abort(403)
    settings = settings_of(db, deps.settings, person.school_id)
    today = deps.today()
    term = resolve_term(settings, request.args.get("term", ""), today)
    if term is None:
        abort(404)
    write_audit("person.record_read", f"person#{person.id}", {"person_id": person.id, "term": term.key},
                person.school_id)
    record = leader_record(db, settings, deps.clock(), person, term)
    return render_template("console/record_print.html", record=record, summary=summary_pairs(record),
                           terms=term_choices(settings, today), generated=deps.clock(),
                           obligations=[(obligation_state(o), obligation_cells(o)) for o in record.line.obligations],
                           STATE_REPORT_ZH=STATE_REPORT_ZH, rv=record_view(g.viewer), named_staff=named_staff)

def export_data(person_id: int) -> Response:
    """Download everything held about one person as JSON (PIPL Art. 45), for the admin; audited."""
    person: Person = visible_or_403(g.db, Person, person_id, g.scope.people())
    if not may(g.viewer, "person", "export"):
        abort(403)
    data = export_person(g.db, person)
    write_audit("person.export", f"person#{person.id}", {"format": "json"}, person.school_id)
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return send_file(io.BytesIO(body), mimetype="application/json", as_attachment=True,
                     download_name=f"个人信息-{person.userid}-{g.deps.today().isoformat()}.json")


def erase_data(person_id: int) -> Response:
    """Erase what is held about one person (PIPL Art. 47), for the admin who types their userid; audited."""
    person: Person = visible_or_403(g.db, Person, person_id, g.scope.people())
    if not may(g.viewer, "person", "export"):
        abort(403)
    if request.form.get("confirm", "").strip() != person.userid:
        flash("请输入该人员的账号以确认删除。", "error")
        return redirect(url_for("console.person", person_id=person.id))
    done = erase_person(g.db, person, g.deps.clock(), g.deps.settings)
    write_audit("person.erase", f"person#{person.id}", done.counts, person.school_id)
    flash("已删除：" + "；".join(done.lines()), "ok")
    return redirect(url_for("console.person", person_id=person.id))


def find_person() -> Response:
    """Open the page of the person with a userid (an admin answering a student's request)."""
    userid = request.args.get("userid", "").strip()
    found = g.db.scalar(select(Person.id).where(g.scope.people(), Person.userid == userid)) if userid else None
    if found is None:
        flash(f"没有账号为“{userid}”的人员。", "error")
        return redirect(url_for("console.people"))
    return redirect(url_for("console.person", person_id=found))
