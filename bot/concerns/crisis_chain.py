"""Who a crisis case's escalation chain pages, step by step (`[crisis] steps`), and sending one step once.

Default chain: the student's counselor, the on-duty list and the mental-health office's head; then the
department's 学工负责人; then the leader in charge of student affairs — only people with a care role for
that student. A step that finds nobody new pages nobody (the chain goes on); only when the first step
finds nobody at all does it fall back to the on-duty contacts (the roster's admins), so that someone is told.
From `[crisis] call_from_step` on, a configured SMS / voice gateway also reaches those with a phone number
(bot/channels/phone.py).

Example: `step_people(db, case, concern, 1, settings)` -> [石志刚] for a 计科2101 student (no 学工负责人 of the
college itself in the roster: the school's student-affairs heads).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.channels.phone import PHONE, calls_step, phone_of
from bot.chat.messages import Reply
from bot.chat.outbox import Outbox
from bot.concerns.models import CrisisCase, CrisisStep
from bot.concerns.routing import crisis_counselors, leaders_in_charge, on_duty, people_by_userid, people_with_role
from bot.concerns.senders import sender_of
from bot.config import Settings
from bot.store.models import Concern, Person, School
from bot.terms.roles import STUDENT_AFFAIRS_HEAD


def step_due(case: CrisisCase, step: int, settings: Settings) -> datetime:
    """Return when a step is due: step k waits k × ack_minutes after the first alert."""
    return case.alerted_at + timedelta(minutes=step * settings.crisis.ack_minutes)


def _target(db: Session, school: School, concern: Concern, sender: Person | None, target: str,
            settings: Settings) -> list[Person]:
    """Return the people one target of a step names (see `[crisis] steps`)."""
    if target == "counselor":
        found = crisis_counselors(db, sender) if sender is not None else []
        counselor = db.get(Person, concern.counselor_id) if concern.counselor_id else None
        return found or ([counselor] if counselor is not None else [])
    if target == "on_duty":
        return people_by_userid(db, school, settings.concerns.on_duty)
    if target == "office":
        owner = db.get(Person, concern.owner_id) if concern.owner_id else None
        return [owner] if owner is not None and owner.active else []
    if target == "department_head":
        heads = people_with_role(db, school, STUDENT_AFFAIRS_HEAD)
        own = [p for p in heads if sender is not None and sender.department and p.department == sender.department]
        return own or heads
    if target == "leader":
        return people_by_userid(db, school, settings.crisis.leaders) or leaders_in_charge(db, concern, settings)
    if target.startswith("role:"):
        return people_with_role(db, school, target[5:])
    return people_by_userid(db, school, [target])


def step_people(db: Session, case: CrisisCase, concern: Concern, step: int, settings: Settings) -> list[Person]:
    """Return the people a step pages, in order, without the sender and without anyone paged before."""
    school = db.get(School, concern.school_id)
    assert school is not None
    sender = sender_of(db, concern)
    earlier = set(alerted_people(db, case))
    people: dict[int, Person] = {}
    for target in settings.crisis.steps[step].split():
        for person in _target(db, school, concern, sender, target, settings):
            if (sender is None or person.id != sender.id) and person.userid not in earlier:
                people.setdefault(person.id, person)
    if step == 0 and not people:  # nobody with a care role in the roster: someone must still be told
        people = {p.id: p for p in on_duty(db, school, settings) if sender is None or p.id != sender.id}
    return list(people.values())


def alerted_people(db: Session, case: CrisisCase) -> list[str]:
    """Return the userids paged by the steps sent so far, in order."""
    rows = db.scalars(select(CrisisStep.recipients).where(CrisisStep.case_id == case.id).order_by(CrisisStep.step))
    return list(dict.fromkeys(u for recipients in rows for u in recipients))


def send_step(db: Session, outbox: Outbox, case: CrisisCase, concern: Concern, step: int, now: datetime,
              settings: Settings, alert: Reply, channel: str = "wecom") -> list[str] | None:
    """Send one step of the chain once: record it (the unique row decides) and queue its alerts as urgent
    rows with dedupe keys. Return the userids paged, or None when the step was sent already."""
    people = step_people(db, case, concern, step, settings)
    try:
        with db.begin_nested():  # a concurrent scheduler, or a restart that finds the row, loses here
            db.add(CrisisStep(case_id=case.id, step=step, at=now, recipients=[p.userid for p in people]))
    except IntegrityError:
        return None
    key = f"crisis:{concern.school_id}:{concern.number}:step:{step}"
    for person in people:
        outbox.send(person.userid, alert, purpose="crisis_alert" if step == 0 else "crisis_escalation",
                    channel=channel, urgent=True, dedupe_key=f"{key}:{person.userid}")
        if calls_step(settings.crisis, step) and phone_of(settings.crisis, person.userid):
            waited = step * settings.crisis.ack_minutes
            outbox.send(person.userid, Reply.of(  # never the student or their words: a text message is not private
                f"【紧急·危机预警】#{concern.number} 已{waited}分钟无人认领，请立即在企业微信回复“接手#{concern.number}”"
                "认领并联系学生。"), purpose="crisis_call", channel=PHONE, urgent=True,
                dedupe_key=f"{key}:{person.userid}:call")
    return [p.userid for p in people]
