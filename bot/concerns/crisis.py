"""The crisis fast path: a message that signals self-harm, suicide or danger to life opens a crisis case
(bot/concerns/crisis_case.py), is answered at once with the words that fit who wrote, and the first step
of the escalation chain (bot/concerns/crisis_chain.py: the student's counselor, the on-duty list, the
mental-health office) is paged right away with an alert card to acknowledge ("我来处理").

Example: "真的不想活了 什么都做不好" -> "你愿意说出来很重要……心理援助热线 12356 ……" and alerts;
"室友说今晚要从楼顶跳下去" -> what to do now (stay with them, tell the dorm manager, 110/120) and "TA 现在在哪里？".
Violence, fire or a medical emergency is category safety and puts 119 / 110 / 120 first.
What the writer sends next joins the case and goes to whoever acknowledged it (`pass_on`).
The alert and the audit log name the signals that fired (bot/parse/assess.py), never the words.
Anonymous senders stay anonymous in the alert; an admin can reveal who it is, which is logged.
Rate limits and abuse marks never hold a crisis back.

The watch tier (distress without an explicit signal) is a normal ticket plus a same-day note to the
student's counselor and the hotline in the answer: see `watch_notice`.
"""

from __future__ import annotations

from bot.chat.context import Context
from bot.chat.messages import Reply
from bot.concerns.anonymity import REVEAL_NOTICE, sender_label
from bot.concerns.answers import staff_channel
from bot.concerns.crisis_case import alert_card, open_case, open_case_of
from bot.concerns.crisis_chain import alerted_people, send_step
from bot.concerns.history import add_history
from bot.concerns.models import CrisisCase
from bot.concerns.routing import Routing, counselor_of, crisis_counselors, office_for, office_head
from bot.concerns.senders import set_sender
from bot.concerns.tickets import create_ticket
from bot.store.audit import record
from bot.store.models import Concern, Person
from bot.terms.roles import STUDENT

EMERGENCY_NUMBERS = "报警 110 · 火警 119 · 急救 120"
# What the alert calls each signal family (bot/parse/crisis.py) and the model.
SIGNAL_ZH = {
    "wish": "想死/自杀的表达", "passive": "消极求死", "plan": "计划或工具", "farewell": "告别或交代后事",
    "self_harm": "正在自伤或过量服药", "hopeless": "绝望并有时间点", "violence": "暴力或威胁",
    "emergency": "突发急症或事故", "model": "模型判断",
}
WHO_ZH = {"self": "本人", "other": "他人转述"}


def crisis_kind(category: str, signals: tuple[str, ...]) -> str:
    """Return who wrote what: "emergency" (fire, violence, a medical emergency: category safety or an
    emergency signal, e.g. heavy bleeding), "other" (someone reports another person at risk and nothing
    speaks of the writer), else "self"."""
    if category == "safety" or any(signal.startswith("emergency:") for signal in signals):
        return "emergency"
    whos = {signal.partition(":")[2] for signal in signals}
    return "other" if "other" in whos and "self" not in whos else "self"


def support_text(ctx: Context, concern: Concern, kind: str = "self") -> str:
    """Return what the writer reads at once: support and 12356 for the person at risk, what to do now for
    someone reporting another, the emergency numbers first for an emergency."""
    lines = list(ctx.settings.concerns.hotlines)
    if concern.category == "safety":  # violence, fire, a medical emergency: the emergency numbers first
        lines.insert(0, EMERGENCY_NUMBERS)
    hotlines = "\n".join(f"· {line}" for line in lines)
    n = concern.number
    if STUDENT not in ctx.sender.roles:  # staff often report someone else's danger: say what was done
        return (f"已紧急通知学校值班人员和心理健康教育中心（编号 #{n}），他们会马上跟进。\n"
                f"如有生命危险，请立即拨打：\n{hotlines}\n"
                "如果是您自己感到撑不下去，请告诉身边信任的人，也可以继续在这里说。")
    hidden = f"\n你选择了匿名。{REVEAL_NOTICE}" if concern.anonymous else ""
    if kind == "emergency":
        return ("请立即拨打：火警 119 · 报警 110 · 急救 120，说清楚具体位置（楼号、房间号）。\n"
                "先离开危险的地方，保护好自己；有人受伤或没有呼吸，打 120 并按接线员的指导做。\n"
                f"学校值班老师已经收到紧急通知（编号 #{n}），会马上处理。\n"
                f"请告诉我：现在在哪里（楼号、房间号或具体位置）？情况怎么样了？你的回复会立即转给处理老师。{hidden}")
    if kind == "other":
        return ("谢谢你告诉我们，这很重要。学校值班老师和辅导员已经收到紧急通知"
                f"（编号 #{n}），会马上处理。现在请你：\n"
                "1. 如果可以，陪在 TA 身边，或一直和 TA 保持电话联系，不要让 TA 一个人待着；\n"
                "2. 马上告诉宿舍管理员（宿管）或身边的老师、同学；\n"
                "3. 如有生命危险，立即拨打 110 / 120，并说清楚 TA 在哪里。\n"
                "请直接回复：TA 现在在哪里（楼号、房间号或具体位置）？你的回复会立即转给处理老师。\n"
                f"你也可以拨打心理援助热线 12356，问问怎样帮助 TA。{hidden}")
    return (
        "你愿意说出来，这很重要。你现在不是一个人，我们非常在乎你的安全。\n"
        "学校值班老师和你的辅导员已经收到通知，会尽快联系你。\n"
        f"如果此刻有危险，请马上拨打：\n{hotlines}\n"
        "也可以告诉身边信任的人，请他们陪着你。愿意的话，继续在这里告诉我你在哪里、现在怎么样了。"
        f"\n（编号 #{n}）{hidden}"
    )


def handle_crisis(ctx: Context, text: str, anonymous: bool, category: str = "mental",
                  signals: tuple[str, ...] = ()) -> Reply:
    """Open (or add to) a crisis case, page its first step now, and answer with the words that fit who wrote."""
    found = open_case_of(ctx.db, ctx.sender, ctx.now)
    if found is not None:  # the case is open: this joins it
        concern, case = found
        if anonymous and not concern.anonymous:
            concern.anonymous = True
            set_sender(ctx.db, concern, ctx.sender)
        pass_on(ctx, case, concern, text, signals)
        answer = passed_on_text(ctx, case, concern)
    else:
        concern = create_ticket(ctx, text, category, anonymous, crisis=True, routing=crisis_routing(ctx))
        case = open_case(ctx.db, concern, crisis_kind(concern.category, signals), ctx.now)
        send_step(ctx.db, ctx.outbox, case, concern, 0, ctx.now, ctx.settings,
                  alert_card(case, concern, alert_text(concern, ctx.sender, text, signals), 0, ctx.settings),
                  channel=staff_channel(ctx.channel))
        answer = support_text(ctx, concern, case.kind)
    record(ctx.db, school_id=ctx.school.id, actor="system", action="concern.crisis",  # never the (maybe anonymous) sender
           target=f"#{concern.number}", at=ctx.now,
           detail={"risk": "crisis", "category": concern.category, "signals": list(signals)})
    return Reply.of(answer)


def passed_on_text(ctx: Context, case: CrisisCase, concern: Concern) -> str:
    """Return what the writer reads when a further message was passed on to the people on the case."""
    owner = ctx.db.get(Person, case.acknowledged_by) if case.acknowledged_by else None
    to = f"正在处理的{owner.name}老师" if owner is not None else "学校值班老师"
    return f"已转给{to}（#{concern.number}），老师会尽快联系你。如果此刻有危险，请马上拨打 110 / 120。"


def pass_on(ctx: Context, case: CrisisCase, concern: Concern, text: str, signals: tuple[str, ...] = ()) -> None:
    """Add what the writer sent next to the case and pass it on at once: to whoever acknowledged it, else to
    everyone paged so far."""
    message = add_history(ctx.db, concern, "sender", text, ctx.now, ctx.sender)
    owner = ctx.db.get(Person, case.acknowledged_by) if case.acknowledged_by else None
    told = [owner.userid] if owner is not None else alerted_people(ctx.db, case)
    who = "提问人（匿名）" if concern.anonymous else f"提问人{sender_label(concern, ctx.sender)}"
    lines = [f"【紧急·#{concern.number} 新消息】{who}：{text}"]
    if signals:
        lines.append(f"识别依据：{signals_text(signals)}")
    lines.append(f"回复提问人请发“回复#{concern.number} 内容”；结案请发“结案#{concern.number} 结果”。")
    for userid in told:
        ctx.outbox.send(userid, Reply.of("\n".join(lines)), purpose="crisis_followup", urgent=True,
                        channel=staff_channel(ctx.channel),
                        dedupe_key=f"concern:{ctx.school.id}:{concern.number}:crisis:{message.id}:{userid}")


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


def alert_text(concern: Concern, sender: Person | None, text: str, signals: tuple[str, ...] = ()) -> str:
    """Return the alert staff receive; an anonymous sender is not named, and reveal is explained."""
    who = sender_label(concern, sender)
    if not concern.anonymous and sender is not None:
        who += f"，账号 {sender.userid}"
    kind = "安全紧急情况" if concern.category == "safety" else "心理危机"
    lines = [f"【紧急·危机预警】#{concern.number}（{kind}）", f"提问人：{who}", f"原话：{text}",
             f"请立即联系确认安全；有生命危险请拨打 {EMERGENCY_NUMBERS}。"]
    if signals:
        lines.insert(3, f"识别依据：{signals_text(signals)}")
    if concern.anonymous:
        lines.insert(2, "提问人要求匿名。如确需查明身份以保障其安全，处置人员可发“查明身份#"
                        f"{concern.number} 原因”（原因会被记录并告知辅导员和值班人员）。")
    return "\n".join(lines)


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
