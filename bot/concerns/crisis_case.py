"""A crisis case's life (issue 14): alerted → acknowledged ("我来处理", `接手#153`) → contacted (`已联系#153`)
→ closed with an outcome (`结案#153 已送医`), each moment and actor kept. Chat and the console both move a
case through here; the first to acknowledge owns it (a guarded UPDATE), the others are told who did and
their alert cards are redrawn, and the student is told that a named person is on it.

Example: 王丽 taps 我来处理 on #153's alert → the case is hers, 秦雅琴's card shows "王丽已接手 · 12月5日 02:14",
and the student reads "【#153】计算机与信息工程学院王丽老师已经在处理你的情况……".
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.cards.settle import outcome_line, settle
from bot.chat.messages import Button, Choice, Reply
from bot.chat.outbox import Outbox
from bot.concerns.answers import staff_channel
from bot.concerns.cases import Cases
from bot.concerns.crisis_chain import alerted_people
from bot.concerns.feedback import FALSE_ALARM, add_feedback
from bot.concerns.history import add_history
from bot.concerns.models import CrisisCase
from bot.concerns.senders import raised_by, sender_of
from bot.config import Settings
from bot.store.audit import record
from bot.store.models import Concern, Person

FALSE_ALARM_OUTCOME = "误报"
OUTCOMES = ("已联系本人", "已到现场", "已送医", "家长已知情", FALSE_ALARM_OUTCOME)
# The chat's case steps: "接手#153", "已联系#153 情况", "结案#153 已送医 说明" (a full-width ＃ too).
ACK = re.compile(r"^\s*(?:接手|认领|我来处理)\s*[#＃]\s*(\d{1,7})\s*$")
CONTACTED = re.compile(r"^\s*已联系\s*[#＃]\s*(\d{1,7})\s*[:：,，]?\s*(.*)$", re.S)
CLOSE = re.compile(r"^\s*结案\s*[#＃]\s*(\d{1,7})\s*[:：,，]?\s*(.*)$", re.S)
REOPEN_WINDOW = timedelta(hours=24)  # what the writer sends within a day of the alert joins the case
STATE_ZH = {"alerted": "待认领", "acknowledged": "已认领", "contacted": "已联系", "closed": "已结案"}
KIND_ZH = {"self": "本人求助", "other": "他人转述", "emergency": "紧急事件"}


def is_case_step(text: str) -> bool:
    """Tell whether a message is a step on a crisis case (acknowledge, contacted, close)."""
    return any(p.match(text) for p in (ACK, CONTACTED, CLOSE))


def case_subject(case: CrisisCase) -> str:
    """The subject of a case's alert cards: "crisis:<case id>"."""
    return f"crisis:{case.id}"


def case_of(db: Session, concern: Concern) -> CrisisCase | None:
    """Return a crisis ticket's case, or None (an ordinary ticket, or one raised before cases existed)."""
    return db.scalar(select(CrisisCase).where(CrisisCase.concern_id == concern.id))


def open_case_of(db: Session, sender: Person, now: datetime) -> tuple[Concern, CrisisCase] | None:
    """Return the sender's own crisis case still open from the last day, with its ticket, if any: what they
    write next joins it."""
    row = db.execute(
        select(Concern, CrisisCase).join(CrisisCase, CrisisCase.concern_id == Concern.id)
        .where(raised_by(db, sender), CrisisCase.state != "closed", Concern.created_at >= now - REOPEN_WINDOW)
        .order_by(Concern.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row is not None else None


def open_case(db: Session, concern: Concern, kind: str, now: datetime) -> CrisisCase:
    """Start the case of a new crisis ticket, alerted now."""
    case = CrisisCase(school_id=concern.school_id, concern_id=concern.id, state="alerted", kind=kind, alerted_at=now)
    db.add(case)
    db.flush()
    return case


def alert_card(case: CrisisCase, concern: Concern, text: str, step: int, settings: Settings) -> Reply:
    """Return the alert as a card with one button, 我来处理; the full alert is its description (sent as text
    just before the card where it does not fit) and its typed form."""
    n = concern.number
    wait = settings.crisis.ack_minutes
    head = "" if step == 0 else f"【升级·第{step + 1}级】#{n} 已{step * wait}分钟无人认领，现通知您。\n"
    ask = f"请点“我来处理”或回复“接手#{n}”认领；{wait}分钟内无人认领将通知下一级。"
    full = f"{head}{text}\n{ask}"
    return Reply(choice=Choice(subject=case_subject(case), title=f"【紧急·危机预警】#{n} 请立即认领",
                               buttons=(Button("我来处理", "ack"),), text=full, description=full,
                               fields=(("编号", f"#{n}"), ("类型", KIND_ZH.get(case.kind, case.kind)))))


def may_act(db: Session, case: CrisisCase, concern: Concern, person: Person, settings: Settings) -> bool:
    """Tell whether a person may acknowledge or move a case: paged by it, or on its case (cases.py)."""
    return person.userid in alerted_people(db, case) or Cases.load(db, settings, person.id).on_case(concern)


def _name(person: Person) -> str:
    return f"{person.department or ''}{person.name}"


def acknowledge(db: Session, outbox: Outbox, case: CrisisCase, concern: Concern, person: Person, now: datetime,
                settings: Settings, tapped: str = "") -> Person | None:
    """Make `person` the owner if nobody acknowledged yet; return who owned it before (None: now theirs).

    The others paged are told who took it and their cards redrawn; the student is told a named person
    is on it (an anonymous student stays anonymous: only the staff member is named).
    """
    won = db.scalar(update(CrisisCase).where(CrisisCase.id == case.id, CrisisCase.state == "alerted")
                    .values(state="acknowledged", acknowledged_at=now, acknowledged_by=person.id)
                    .returning(CrisisCase.id).execution_options(synchronize_session=False))
    db.refresh(case)
    if won is None:
        owner = db.get(Person, case.acknowledged_by) if case.acknowledged_by else None
        return owner or person
    n = concern.number
    if concern.first_response_at is None:
        concern.first_response_at = now
    add_history(db, concern, "system", f"{_name(person)}已接手处理", now, person)
    settle(db, outbox, concern.school_id, case_subject(case), outcome_line(f"{person.name}已接手", now, settings.tz),
           now, tapped=tapped)
    for userid in alerted_people(db, case):
        if userid != person.userid:
            outbox.send(userid, Reply.of(f"【#{n}】{_name(person)}已接手处理，无需重复联系。如需协助请直接联系{person.name}。"),
                        purpose="crisis_taken", urgent=True, channel=staff_channel(concern.channel), dedupe_key=f"crisis:{concern.school_id}:{n}:taken:{userid}")
    sender = sender_of(db, concern)
    if sender is not None:
        outbox.send(sender.userid, Reply.of(
            f"【#{n}】{_name(person)}老师已经在处理你反映的情况，会尽快联系你。"
            "有什么想补充的，直接在这里回复，会马上转给这位老师。"),
            purpose="crisis_owner", channel=concern.channel, urgent=True,
            dedupe_key=f"crisis:{concern.school_id}:{n}:owner")
    record(db, school_id=concern.school_id, actor=person.userid, action="crisis.acknowledge", target=f"#{n}", at=now,
           detail={"minutes": round((now - case.alerted_at).total_seconds() / 60, 1)})
    return None


def mark_contacted(db: Session, outbox: Outbox, case: CrisisCase, concern: Concern, person: Person, note: str,
                   now: datetime, settings: Settings) -> Person | None:
    """Record that the student was reached (acknowledging first if nobody had); return another owner, if any."""
    other = acknowledge(db, outbox, case, concern, person, now, settings) if case.state == "alerted" else None
    if other is not None:
        return other
    if case.state == "acknowledged":
        case.state, case.contacted_at, case.contacted_by = "contacted", now, person.id
    add_history(db, concern, "staff", "已联系" + (f"：{note}" if note else ""), now, person)
    record(db, school_id=concern.school_id, actor=person.userid, action="crisis.contacted", target=f"#{concern.number}",
           at=now)
    return None


def close_case(db: Session, outbox: Outbox, case: CrisisCase, concern: Concern, person: Person, outcome: str,
               note: str, now: datetime, settings: Settings) -> Person | None:
    """Close a case with one of OUTCOMES (acknowledging first if nobody had); return another owner, if any.

    The one place a crisis case ends, from chat and from the console.
    """
    assert outcome in OUTCOMES
    other = acknowledge(db, outbox, case, concern, person, now, settings) if case.state == "alerted" else None
    if other is not None:
        return other
    case.state, case.closed_at, case.closed_by, case.outcome = "closed", now, person.id, outcome
    concern.status, concern.resolved_at, concern.rating = "resolved", now, None
    add_history(db, concern, "staff", f"结案：{outcome}" + (f"（{note}）" if note else ""), now, person)
    record(db, school_id=concern.school_id, actor=person.userid, action="crisis.close", target=f"#{concern.number}",
           at=now, detail={"outcome": outcome})
    if outcome == FALSE_ALARM_OUTCOME and settings.understanding.keep_feedback:  # the detector learns from it
        add_feedback(db, concern, FALSE_ALARM, person, now)
    return None
