"""A school leader's standing link to one student class, dorm or club (N3), and their pauses (N11), as
the person page shows them; admins set or end the standing link here (history kept, AuditLog row).

Example: POST /console/people/1/standing kind=class name=计科2101 → 赵建国's records naming 计科2101
show under it on his page.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, g, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from bot.config import Settings
from bot.console.access import visible_or_403
from bot.console.audit_log import write_audit
from bot.console.upstream import semester_at
from bot.rules.models import Pause
from bot.rules.standing import KINDS_ZH, StandingView, end_standing, set_standing, standing_view
from bot.schedule.periods import quarter_of
from bot.store.models import Person
from bot.terms.roles import SCHOOL_LEADER

PAUSES_SHOWN_DAYS = 60  # pauses that ended longer ago than this are history the digest already told


def standing_and_pauses(db: Session, settings: Settings, person: Person, today: date
                        ) -> tuple[StandingView | None, list[Pause]]:
    """Return the person's standing link (with this semester's records naming it) and recent pauses."""
    span = semester_at(settings, today) or quarter_of(today)
    standing = standing_view(db, person.id, today, span.start, span.end)
    pauses = list(db.scalars(select(Pause).where(
        Pause.person_id == person.id, Pause.until >= today - timedelta(days=PAUSES_SHOWN_DAYS))
        .order_by(Pause.start.desc())))
    return standing, pauses


def _leader(person_id: int) -> Person:
    person: Person = visible_or_403(g.db, Person, person_id, g.scope.people())
    if SCHOOL_LEADER not in person.roles:
        abort(400)
    return person


def set_link(person_id: int) -> Response:
    """Give a school leader a standing link to a class, dorm or club (ending the one they held)."""
    person = _leader(person_id)
    kind, name = request.form.get("kind", ""), request.form.get("name", "").strip()
    if kind not in KINDS_ZH or not name or len(name) > 200:
        flash("请选择类型并填写班级、宿舍或社团的名称。", "error")
        return redirect(url_for("console.person", person_id=person.id))
    set_standing(g.db, person, kind, name, g.deps.today(), source="console")
    write_audit("links.standing", f"person#{person.id}", {"kind": kind, "name": name}, person.school_id)
    flash(f"已设置{person.name}联系的{KINDS_ZH[kind]}“{name}”。", "ok")
    return redirect(url_for("console.person", person_id=person.id))


def end_link(person_id: int) -> Response:
    """End a school leader's standing link."""
    person = _leader(person_id)
    if end_standing(g.db, person.id, g.deps.today()):
        write_audit("links.standing_end", f"person#{person.id}", {}, person.school_id)
        flash("已结束联系的班级/宿舍/社团。", "ok")
    return redirect(url_for("console.person", person_id=person.id))
