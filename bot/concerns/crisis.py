"""The crisis fast path: a message that signals self-harm, suicide or danger to life is answered at
once with support and hotlines, and alerts go out through the outbox right away — to the on-duty
contacts (config; default the roster's admins), the student's counselor and the ticket's owner.

Example: "真的不想活了 什么都做不好" -> "你愿意说出来很重要……心理援助热线 12356 ……" and alerts.
Anonymous senders stay anonymous in the alert; an admin can reveal who it is, which is logged.
Rate limits and abuse marks never hold a crisis back.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.concerns.anonymity import REVEAL_NOTICE, sender_label
from bot.concerns.history import add_history
from bot.concerns.routing import Routing, counselor_of, crisis_counselors, office_for, office_head, on_duty
from bot.concerns.senders import raised_by, set_sender
from bot.concerns.tickets import create_ticket, staff_channel
from bot.context import Context
from bot.messages import Reply
from bot.models import Concern, ConcernMessage, Person
from bot.roles import STUDENT

REOPEN_WINDOW = timedelta(hours=24)  # further crisis messages within a day join the same ticket


def support_text(ctx: Context, concern: Concern) -> str:
    """Return the support answer with the hotlines from config (what the person reads at once)."""
    hotlines = "\n".join(f"· {line}" for line in ctx.settings.concerns.hotlines)
    if STUDENT not in ctx.sender.roles:  # staff often report someone else's danger: say what was done
        return (f"已紧急通知学校值班人员和心理健康教育中心（编号 #{concern.number}），他们会马上跟进。\n"
                f"如有生命危险，请立即拨打：\n{hotlines}\n"
                "如果是您自己感到撑不下去，请告诉身边信任的人，也可以继续在这里说。")
    hidden = f"\n你选择了匿名。{REVEAL_NOTICE}" if concern.anonymous else ""
    return (
        "你愿意说出来，这很重要。你现在不是一个人，我们非常在乎你的安全。\n"
        "学校值班老师和你的辅导员已经收到通知，会尽快联系你。\n"
        f"如果此刻有危险，请马上拨打：\n{hotlines}\n"
        "也可以告诉身边信任的人，请他们陪着你。愿意的话，继续在这里告诉我你在哪里、现在怎么样了。"
        f"\n（编号 #{concern.number}）{hidden}"
    )


def handle_crisis(ctx: Context, text: str, anonymous: bool) -> Reply:
    """Open (or add to) a crisis ticket, queue the alerts now, and answer with support and hotlines."""
    concern = ctx.db.scalar(
        select(Concern).where(raised_by(ctx.db, ctx.sender), Concern.crisis.is_(True),
                              Concern.status != "resolved", Concern.created_at >= ctx.now - REOPEN_WINDOW)
        .order_by(Concern.id.desc()).limit(1)
    )
    if concern is None:
        concern = create_ticket(ctx, text, "mental", anonymous, crisis=True, routing=crisis_routing(ctx))
        message_id = ctx.db.scalar(select(ConcernMessage.id).where(ConcernMessage.concern_id == concern.id)
                                   .order_by(ConcernMessage.id).limit(1))
    else:
        if anonymous and not concern.anonymous:
            concern.anonymous = True
            set_sender(ctx.db, concern, ctx.sender)
        message_id = add_history(ctx.db, concern, "sender", text, ctx.now, ctx.sender).id
    alert(ctx, concern, text, message_id or 0)
    return Reply.of(support_text(ctx, concern))


def crisis_routing(ctx: Context) -> Routing:
    """Route a crisis to the mental-health office (never to a leader's N9 inbox), with the counselor."""
    office = office_for("mental", ctx.settings.concerns)
    counselor = counselor_of(ctx.db, ctx.sender) if STUDENT in ctx.sender.roles else None
    return Routing(office=office, owner=office_head(ctx.db, ctx.school, office), counselor=counselor)


def alert_recipients(ctx: Context, concern: Concern) -> list[Person]:
    """Return who is alerted: on-duty contacts, the sender's counselors and the ticket's owner."""
    people = on_duty(ctx.db, ctx.school, ctx.settings) + crisis_counselors(ctx.db, ctx.sender)
    if concern.owner_id:
        owner = ctx.db.get(Person, concern.owner_id)
        if owner is not None:
            people.append(owner)
    unique = {p.id: p for p in people if p.id != ctx.sender.id}
    return list(unique.values())


def alert_text(concern: Concern, sender: Person, text: str) -> str:
    """Return the alert staff receive; an anonymous sender is not named, and reveal is explained."""
    who = sender_label(concern, sender)
    if not concern.anonymous:
        who += f"，账号 {sender.userid}"
    lines = [f"【紧急·危机预警】#{concern.number}", f"提问人：{who}", f"原话：{text}",
             "请立即联系确认安全；有生命危险请拨打 110 / 120。"]
    if concern.anonymous:
        lines.insert(2, "提问人要求匿名。如确需查明身份以保障其安全，处置人员可发“查明身份#"
                        f"{concern.number} 原因”（原因会被记录并告知辅导员和值班人员）。")
    lines.append(f"处理情况请回复“回复#{concern.number} 内容”。")
    return "\n".join(lines)


def alert(ctx: Context, concern: Concern, text: str, message_id: int) -> int:
    """Queue a crisis alert to every recipient now (outbox rows due immediately); return how many."""
    channel = staff_channel(ctx.channel)
    note = alert_text(concern, ctx.sender, text)
    count = 0
    for person in alert_recipients(ctx, concern):
        row = ctx.outbox.send(person.userid, Reply.of(note), purpose="crisis_alert", channel=channel,
                              dedupe_key=f"concern:{ctx.school.id}:{concern.number}:crisis:{message_id}:{person.userid}",
                              urgent=True)  # sent right after the commit, not at the next outbox run
        count += row is not None
    return count
