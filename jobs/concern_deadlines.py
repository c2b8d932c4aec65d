"""Deadlines job: chase overdue tickets, then escalate — owner, then the office's head, then the
leader in charge — each step once per missed deadline (a DB-unique ConcernEscalation row), through
the outbox; crisis tickets follow their own chain in minutes instead (jobs/crisis_alerts.py). Idempotent: a missed run catches up, a repeated run sends nothing twice.

Example: #153 (后勤管理处) has no answer 24 working hours after it was raised -> its owner is chased;
24 working hours later the office's head is told; 24 more and the leader in charge is.
Register with the scheduler as: add(chase_concern_deadlines, "interval", minutes=15, id="concern-deadlines").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.chat.context import Deps
from bot.chat.messages import Reply
from bot.chat.outbox import Outbox
from bot.concerns.anonymity import sender_label
from bot.concerns.deadlines import CLOSED_STATUSES, overdue_since, working_hours_between
from bot.concerns.models import ConcernEscalation, CrisisCase
from bot.concerns.render import ticket_title, when
from bot.concerns.routing import department_heads, leaders_in_charge, on_duty
from bot.concerns.senders import sender_of
from bot.concerns.tickets import handlers_of
from bot.config import Settings
from bot.store.models import Concern, Person, School

STEPS = ("chase", "department_head", "leader")  # in order; step k waits k × escalate_after_hours


def chase_concern_deadlines(deps: Deps) -> int:
    """Take every escalation step now due on every school's open tickets; return how many were taken."""
    now = deps.clock()
    taken = 0
    with deps.sessions.begin() as db:
        for school in db.scalars(select(School)):
            outbox = Outbox(db, school, now, default_channel="wecom")
            tickets = db.scalars(select(Concern).where(Concern.school_id == school.id, ordinary_or_without_case(),
                                                       Concern.status.not_in(tuple(CLOSED_STATUSES))))
            for concern in tickets:
                taken += escalate(db, concern, now, deps.settings, outbox)
    return taken


def ordinary_or_without_case() -> ColumnElement[bool]:
    """Select the tickets this job chases: ordinary ones, and a crisis ticket raised before crisis cases existed
    (migration 0012: it has deadlines and no case, so nothing else would chase it)."""
    return or_(Concern.crisis.is_(False), ~exists().where(CrisisCase.concern_id == Concern.id))


def escalate(db: Session, concern: Concern, now: datetime, settings: Settings, outbox: Outbox) -> int:
    """Take the steps due on one ticket (each once per missed deadline); return how many."""
    missed = overdue_since(concern, now)
    if missed is None:
        return 0
    late_hours = working_hours_between(missed, now, settings)
    gap = settings.concerns.escalate_after_hours
    done = set(db.scalars(select(ConcernEscalation.step).where(ConcernEscalation.concern_id == concern.id,
                                                               ConcernEscalation.due == missed)))
    taken = 0
    for k, step in enumerate(STEPS):
        if late_hours < k * gap:
            break
        if step in done:
            continue
        recipients = _recipients(db, concern, step, settings)
        try:
            with db.begin_nested():  # the unique row is the "once": a concurrent run loses here
                db.add(ConcernEscalation(concern_id=concern.id, step=step, due=missed, at=now,
                                         recipients=[p.userid for p in recipients]))
        except IntegrityError:
            continue
        text = _message(db, concern, step, missed, settings)
        for person in recipients:
            outbox.send(person.userid, Reply.of(text), purpose=f"concern_{step}",
                        dedupe_key=f"concern:{concern.school_id}:{concern.number}:{step}:{missed.timestamp():.0f}:"
                                   f"{person.userid}")
        taken += 1
    return taken


def _recipients(db: Session, concern: Concern, step: str, settings: Settings) -> list[Person]:
    """Return who a step goes to; nobody found falls back to the on-duty contacts."""
    if step == "chase":
        people = [p for p in handlers_of(db, concern) if p.id in (concern.owner_id, concern.counselor_id)]
    elif step == "department_head":
        people = department_heads(db, concern)
    else:
        people = leaders_in_charge(db, concern, settings)
    if not people:
        school = db.get(School, concern.school_id)
        assert school is not None
        people = on_duty(db, school, settings)
    return people


def _message(db: Session, concern: Concern, step: str, missed: datetime, settings: Settings) -> str:
    """Return the chase or escalation text (the sender appears only as sender_label allows)."""
    tz = settings.tz
    what = "首次答复" if missed == concern.first_response_due else "办结"
    sender = sender_of(db, concern)
    head = {"chase": "【催办】", "department_head": "【超期提醒·部门负责人】", "leader": "【超期提醒·分管领导】"}[step]
    return (f"{head}{ticket_title(concern)} 应于{when(missed, tz)}前{what}，目前仍未{what}。\n"
            f"提问人：{sender_label(concern, sender)}\n内容：{concern.text}\n"
            f"答复请回复“回复#{concern.number} 内容”；办结后回复“#{concern.number} 已处理 说明”。")
