"""The life of a ticket: raised, routed and announced; answered, followed up, rated, reopened.
Every step is a ConcernMessage in the ticket's history; everything sent to someone else goes
through the outbox.

Example: "回复#153 已联系后勤，周五前修好" -> the student receives "【#153 答复】后勤管理处张伟：..."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.cards.settle import outcome_line, settle, settle_choice
from bot.chat.context import Context
from bot.chat.messages import Reply
from bot.chat.outbox import Outbox
from bot.concerns.abuse import classify_abuse, duplicate_of, over_rate_limit, repeat_offender
from bot.concerns.answers import answer_concern, staff_channel
from bot.concerns.common import group_new_concern
from bot.concerns.deadlines import add_working_days, set_deadlines
from bot.concerns.history import add_history
from bot.concerns.models import ConcernEscalation
from bot.concerns.numbering import next_number
from bot.concerns.render import (
    feedback_notice,
    privacy_notice,
    rating_subject,
    receipt,
    staff_notice,
    when,
)
from bot.concerns.routing import Routing, on_duty, route_concern
from bot.concerns.senders import is_sender, raised_by, set_sender
from bot.concerns.similarity import specific_place
from bot.config import Settings
from bot.parse.text import normalise
from bot.store.models import Concern, Person, School
from bot.terms.roles import ADMIN


@dataclass(frozen=True)
class Raised:
    """What raising a concern did: the ticket, whether anyone was paged, and the sender's receipt."""

    concern: Concern
    paged: bool
    text: str  # what the sender is told
    duplicate: bool = False


def find_ticket(db: Session, school_id: int, number: int) -> Concern | None:
    """Return the school's ticket with this number, or None."""
    return db.scalar(select(Concern).where(Concern.school_id == school_id, Concern.number == number))


def create_ticket(ctx: Context, text: str, category: str, anonymous: bool, crisis: bool,
                  routing: Routing | None = None, abuse: str | None = None, silent: bool = False) -> Concern:
    """Store a new ticket with its number, owner, deadlines and first history step."""
    routing = routing or route_concern(ctx.db, ctx.school, ctx.sender, category, ctx.settings)
    concern = Concern(
        school_id=ctx.school.id, number=next_number(ctx.db, ctx.school),
        category=category, status="spam" if silent else "open", anonymous=anonymous, crisis=crisis,
        owner_office=routing.office, owner_id=routing.owner.id if routing.owner else None,
        counselor_id=routing.counselor.id if routing.counselor else None, text=text, created_at=ctx.now,
        abuse=abuse, channel=ctx.channel, place=specific_place(normalise(text)),
    )
    set_sender(ctx.db, concern, ctx.sender)
    if not silent and not crisis:  # a crisis case has its own clock (crisis_case.py), not working days
        set_deadlines(concern, ctx.now, ctx.settings)
    ctx.db.add(concern)
    ctx.db.flush()
    add_history(ctx.db, concern, "sender", text, ctx.now, ctx.sender)
    if silent:
        add_history(ctx.db, concern, "system", f"已标记（{abuse}），未通知任何人", ctx.now)
    return concern


def raise_concern(ctx: Context, text: str, category: str, anonymous: bool) -> Raised:
    """Turn a (non-crisis) concern into a ticket: limits and marks first, then routing and notices."""
    repeat = duplicate_of(ctx.db, ctx.sender, text, ctx.now)
    if repeat is not None:
        return Raised(repeat, paged=False, duplicate=True,
                      text=f"您已反映过这个问题（#{repeat.number}），正在处理中，请耐心等待答复。补充情况可发“追问#{repeat.number} 内容”。")
    abuse = classify_abuse(text)
    if over_rate_limit(ctx.deps.redis, ctx.settings, ctx.school, ctx.sender):
        abuse = "rate"
    silent = abuse == "rate" or abuse == "spam" or (abuse is not None and repeat_offender(
        ctx.db, ctx.sender, ctx.now, ctx.settings))
    routing = route_concern(ctx.db, ctx.school, ctx.sender, category, ctx.settings)
    concern = create_ticket(ctx, text, category, anonymous, crisis=False, routing=routing, abuse=abuse, silent=silent)
    if silent:
        if abuse == "rate":
            said = "您短时间内反映的问题较多，这条已记录，但暂不转给处理部门。请稍后再发，或把问题合并在一条消息里。"
        else:
            said = "这条消息已记录，但没有转给处理部门。请文明、具体地描述遇到的问题，我们会认真处理。"
        return Raised(concern, paged=False, text=said)
    notify_new(ctx, concern, routing)
    group_new_concern(ctx, concern)
    said = receipt(concern, ctx.settings.tz, counselor=routing.counselor is not None)
    if abuse == "insult":
        said += "\n请文明表达，多次出现不文明用语的消息将不再转给处理部门。"
    return Raised(concern, paged=True, text=said + notices_due(ctx))


def notices_due(ctx: Context) -> str:
    """Return the privacy notice for someone never given it, or (while the school keeps the detector's feedback)
    the sentence about that for someone told before it did; note what they are told now."""
    seen, told = ctx.db.execute(select(Person.privacy_noticed_at, Person.feedback_noticed_at)
                                .where(Person.id == ctx.sender.id)).one()
    keep = ctx.settings.understanding.keep_feedback and told is None
    said = ("\n" + privacy_notice(ctx.settings) if seen is None
            else "\n【个人信息说明】" + feedback_notice(ctx.settings) if keep else "")
    values = ({"privacy_noticed_at": ctx.now} if seen is None else {}) | ({"feedback_noticed_at": ctx.now} if keep else {})
    if values:
        ctx.db.execute(update(Person).where(Person.id == ctx.sender.id).values(**values))
    return said


def notify_new(ctx: Context, concern: Concern, routing: Routing) -> None:
    """Announce a new ticket to its owner and, as a copy, to the student's counselor."""
    channel = staff_channel(ctx.channel)
    tz = ctx.settings.tz
    owners = [routing.owner] if routing.owner else on_duty(ctx.db, ctx.school, ctx.settings)
    for person in owners:
        note = staff_notice(concern, ctx.sender, tz)
        if routing.owner is None:
            note = f"（{concern.owner_office} 在花名册中没有人员，请管理员分派）\n" + note
        ctx.outbox.send(person.userid, Reply.of(note), purpose="concern_new", channel=channel,
                        dedupe_key=f"concern:{ctx.school.id}:{concern.number}:new:{person.userid}")
    if routing.counselor is not None and routing.counselor not in owners:
        ctx.outbox.send(routing.counselor.userid, Reply.of(staff_notice(concern, ctx.sender, tz, copy=True)),
                        purpose="concern_new", channel=channel,
                        dedupe_key=f"concern:{ctx.school.id}:{concern.number}:new:{routing.counselor.userid}")


def handlers_of(db: Session, concern: Concern) -> list[Person]:
    """Return the people who hold a ticket: its owner, the counselor copied in, and anyone escalated to."""
    ids = [i for i in (concern.owner_id, concern.counselor_id) if i is not None]
    people = [p for p in (db.get(Person, i) for i in dict.fromkeys(ids)) if p is not None]
    told = {u for (r,) in db.execute(select(ConcernEscalation.recipients)
                                     .where(ConcernEscalation.concern_id == concern.id)) for u in r}
    if told:
        people += [p for p in db.scalars(select(Person).where(Person.school_id == concern.school_id,
                                                              Person.userid.in_(told))) if p not in people]
    return people


def can_handle(db: Session, person: Person, concern: Concern) -> bool:
    """Tell whether a person may answer a ticket: its handlers, its office, admins."""
    if is_sender(concern, person):
        return False
    if ADMIN in person.roles or (person.department and person.department == concern.owner_office):
        return True
    return person in handlers_of(db, concern)


def answer_ticket(ctx: Context, concern: Concern, text: str, resolve: bool) -> None:
    """Answer a ticket as the message's sender (chat)."""
    answer_concern(ctx.db, ctx.outbox, concern, ctx.sender, text, resolve, ctx.now)


def follow_up(ctx: Context, concern: Concern, text: str) -> None:
    """Record the sender's follow-up and pass it to everyone holding the ticket."""
    message = add_history(ctx.db, concern, "sender", text, ctx.now, ctx.sender)
    note = (f"【#{concern.number} 追问】{'提问人（匿名）' if concern.anonymous else '提问人'}补充：{text}\n"
            f"答复请回复“回复#{concern.number} 内容”。")
    for person in handlers_of(ctx.db, concern) or on_duty(ctx.db, ctx.school, ctx.settings):
        ctx.outbox.send(person.userid, Reply.of(note), purpose="concern_followup",
                        channel=staff_channel(ctx.channel),
                        dedupe_key=f"concern:{ctx.school.id}:{concern.number}:msg:{message.id}:{person.userid}")


def rate_ticket(ctx: Context, concern: Concern, satisfied: bool, reason: str) -> str:
    """Record the sender's rating; 不满意 reopens the ticket with a fresh resolution deadline."""
    settle_choice(ctx, rating_subject(concern), "满意" if satisfied else "不满意")
    concern.rating = "satisfied" if satisfied else "unsatisfied"
    add_history(ctx.db, concern, "sender", ("满意" if satisfied else "不满意") + (f"：{reason}" if reason else ""),
                ctx.now, ctx.sender)
    if satisfied:
        return f"谢谢您的评价！#{concern.number} 已办结。"
    reopen_concern(ctx.db, Outbox(ctx.db, ctx.school, ctx.now, default_channel=staff_channel(ctx.channel)),
                   concern, ctx.now, ctx.settings, "提问人不满意" + (f"：{reason}" if reason else ""))
    return f"抱歉没有解决好。#{concern.number} 已重新打开，将在{when(concern.resolve_due, ctx.settings.tz)}前重新处理。"


def reopen_concern(db: Session, outbox: Outbox, concern: Concern, now: datetime, settings: Settings,
                   reason: str = "") -> None:
    """Reopen a resolved ticket with a new resolution deadline (and so a new escalation chain); tell its handlers.

    The sender's 不满意 comes here; so can a console's "重新打开".
    """
    concern.status, concern.resolved_at = "reopened", None
    concern.resolve_due = add_working_days(now, settings.concerns.resolve_days, settings)
    settle(db, outbox, concern.school_id, rating_subject(concern), outcome_line("已重新打开", now, settings.tz), now)
    reopened = add_history(db, concern, "system", "重新打开" + (f"：{reason}" if reason else ""), now)
    note = (f"【#{concern.number} 已重新打开】" + (f"{reason}\n" if reason else "")
            + f"请在{when(concern.resolve_due, settings.tz)}前重新处理。答复请回复“回复#{concern.number} 内容”。")
    school = db.get(School, concern.school_id)
    assert school is not None
    for person in handlers_of(db, concern) or on_duty(db, school, settings):
        outbox.send(person.userid, Reply.of(note), purpose="concern_reopened",
                    dedupe_key=f"concern:{concern.school_id}:{concern.number}:reopen:{reopened.id}:{person.userid}")


def awaiting_rating(db: Session, sender: Person) -> Concern | None:
    """Return the sender's most recently resolved ticket that has no rating yet."""
    return db.scalar(select(Concern).where(raised_by(db, sender), Concern.status == "resolved",
                                           Concern.rating.is_(None))
                     .order_by(Concern.resolved_at.desc(), Concern.id.desc()).limit(1))
