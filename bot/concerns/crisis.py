"""The crisis fast path: a message that signals self-harm, suicide or danger to life is answered at
once with support and hotlines, and alerts go out through the outbox right away — to the on-duty
contacts (config; default the roster's admins), the student's counselor and the ticket's owner.

Example: "真的不想活了 什么都做不好" -> "你愿意说出来很重要……心理援助热线 12356 ……" and alerts.
Violence, fire or a medical emergency is category safety and puts 110 / 119 / 120 first.
The alert and the audit log name the signals that fired (bot/parse/assess.py), never the words.
Anonymous senders stay anonymous in the alert; an admin can reveal who it is, which is logged.
Rate limits and abuse marks never hold a crisis back.

The watch tier (distress without an explicit signal) is a normal ticket plus a same-day note to the
student's counselor and the hotline in the answer: see `watch_notice`.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.audit import record
from bot.concerns.anonymity import REVEAL_NOTICE, sender_label
from bot.concerns.answers import staff_channel
from bot.concerns.history import add_history
from bot.concerns.routing import Routing, counselor_of, crisis_counselors, office_for, office_head, on_duty
from bot.concerns.senders import raised_by, set_sender
from bot.concerns.tickets import create_ticket
from bot.context import Context
from bot.messages import Reply
from bot.models import Concern, ConcernMessage, Person
from bot.roles import STUDENT

REOPEN_WINDOW = timedelta(hours=24)  # further crisis messages within a day join the same ticket
EMERGENCY_NUMBERS = "报警 110 · 火警 119 · 急救 120"
# What the alert calls each signal family (bot/parse/crisis.py) and the model.
SIGNAL_ZH = {
    "wish": "想死/自杀的表达", "passive": "消极求死", "plan": "计划或工具", "farewell": "告别或交代后事",
    "self_harm": "正在自伤或过量服药", "hopeless": "绝望并有时间点", "violence": "暴力或威胁",
    "emergency": "突发急症或事故", "model": "模型判断",
}
WHO_ZH = {"self": "本人", "other": "他人转述"}


def support_text(ctx: Context, concern: Concern) -> str:
    """Return the support answer with the hotlines from config (what the person reads at once)."""
    lines = list(ctx.settings.concerns.hotlines)
    if concern.category == "safety":  # violence, fire, a medical emergency: the emergency numbers first
        lines.insert(0, EMERGENCY_NUMBERS)
    hotlines = "\n".join(f"· {line}" for line in lines)
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


def handle_crisis(ctx: Context, text: str, anonymous: bool, category: str = "mental",
                  signals: tuple[str, ...] = ()) -> Reply:
    """Open (or add to) a crisis ticket, queue the alerts now, and answer with support and hotlines."""
    concern = ctx.db.scalar(
        select(Concern).where(raised_by(ctx.db, ctx.sender), Concern.crisis.is_(True),
                              Concern.status != "resolved", Concern.created_at >= ctx.now - REOPEN_WINDOW)
        .order_by(Concern.id.desc()).limit(1)
    )
    if concern is None:
        concern = create_ticket(ctx, text, category, anonymous, crisis=True, routing=crisis_routing(ctx))
        message_id = ctx.db.scalar(select(ConcernMessage.id).where(ConcernMessage.concern_id == concern.id)
                                   .order_by(ConcernMessage.id).limit(1))
    else:
        if anonymous and not concern.anonymous:
            concern.anonymous = True
            set_sender(ctx.db, concern, ctx.sender)
        message_id = add_history(ctx.db, concern, "sender", text, ctx.now, ctx.sender).id
    alert(ctx, concern, text, message_id or 0, signals)
    record(ctx.db, school_id=ctx.school.id, actor="system", action="concern.crisis",  # never the (maybe anonymous) sender
           target=f"#{concern.number}", at=ctx.now,
           detail={"risk": "crisis", "category": concern.category, "signals": list(signals)})
    return Reply.of(support_text(ctx, concern))


def signals_text(signals: tuple[str, ...]) -> str:
    """Render "plan:other" style signals for staff: 计划或工具（他人转述）、模型判断."""
    parts = []
    for signal in signals:
        family, _, who = signal.partition(":")
        name = SIGNAL_ZH.get(family, family)
        parts.append(f"{name}（{WHO_ZH[who]}）" if who in WHO_ZH else name)
    return "、".join(parts)


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


def alert_text(concern: Concern, sender: Person, text: str, signals: tuple[str, ...] = ()) -> str:
    """Return the alert staff receive; an anonymous sender is not named, and reveal is explained."""
    who = sender_label(concern, sender)
    if not concern.anonymous:
        who += f"，账号 {sender.userid}"
    kind = "安全紧急情况" if concern.category == "safety" else "心理危机"
    lines = [f"【紧急·危机预警】#{concern.number}（{kind}）", f"提问人：{who}", f"原话：{text}",
             f"请立即联系确认安全；有生命危险请拨打 {EMERGENCY_NUMBERS}。"]
    if signals:
        lines.insert(3, f"识别依据：{signals_text(signals)}")
    if concern.anonymous:
        lines.insert(2, "提问人要求匿名。如确需查明身份以保障其安全，处置人员可发“查明身份#"
                        f"{concern.number} 原因”（原因会被记录并告知辅导员和值班人员）。")
    lines.append(f"处理情况请回复“回复#{concern.number} 内容”。")
    return "\n".join(lines)


def alert(ctx: Context, concern: Concern, text: str, message_id: int, signals: tuple[str, ...] = ()) -> int:
    """Queue a crisis alert to every recipient now (outbox rows due immediately); return how many."""
    channel = staff_channel(ctx.channel)
    note = alert_text(concern, ctx.sender, text, signals)
    count = 0
    for person in alert_recipients(ctx, concern):
        row = ctx.outbox.send(person.userid, Reply.of(note), purpose="crisis_alert", channel=channel,
                              dedupe_key=f"concern:{ctx.school.id}:{concern.number}:crisis:{message_id}:{person.userid}",
                              urgent=True)  # sent right after the commit, not at the next outbox run
        count += row is not None
    return count


def watch_notice(ctx: Context, concern: Concern, signals: tuple[str, ...]) -> bool:
    """Tell the student's counselor today about a concern in the watch tier; return whether anyone was told.

    A normal ticket already went to its office; this note goes to the counselor through the outbox now
    (not urgent: it leaves with the next outbox run), and the audit log records the tier and its signals.
    """
    counselors = crisis_counselors(ctx.db, ctx.sender)
    who = sender_label(concern, ctx.sender)
    note = (f"【需关注 #{concern.number}】{who}的反映中有情绪困扰的迹象（未见明确危机信号），请今天内与其联系了解情况。\n"
            f"内容：{concern.text}\n处理情况请回复“回复#{concern.number} 内容”。")
    for person in counselors:
        ctx.outbox.send(person.userid, Reply.of(note), purpose="concern_watch", channel=staff_channel(ctx.channel),
                        dedupe_key=f"concern:{ctx.school.id}:{concern.number}:watch:{person.userid}")
    record(ctx.db, school_id=ctx.school.id, actor="system", action="concern.watch",
           target=f"#{concern.number}", at=ctx.now,
           detail={"risk": "watch", "category": concern.category, "signals": list(signals),
                   "told": [p.userid for p in counselors]})
    return bool(counselors)


def watch_hotline(ctx: Context) -> str:
    """Return the lines a student in the watch tier reads under the receipt."""
    hotlines = "；".join(ctx.settings.concerns.hotlines)
    return ("\n你的辅导员今天会联系你。心里难受的时候，随时可以拨打热线（" + hotlines + "），"
            "也可以继续在这里说。")
