"""Concerns through chat (键对键, N13/N18): raising one, staff answers, follow-ups, ratings,
common-problem answers, the small-group anonymity warning, and the crisis guard run before routing.

Examples: "宿舍热水器坏了 报修没人管" (student) -> "已收到，编号 #153 ……";
"回复#153 已联系后勤，周五前修好" (staff) -> relayed to the student; "追问#153 还是没修" (student);
"满意" / "不满意 还是没热水" (student), or a tap on the resolved ticket's card (满意 / 不满意 / 追问);
"回复共性#153 已统一更换热水器" (admin or handler); "漏报#153" (staff on the case: a crisis the detector
missed, kept for retraining it; bot/concerns/feedback.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.cards.clicks import CardHandler
from bot.cards.questions import ask
from bot.cards.settle import settle_choice
from bot.chat.context import Context
from bot.chat.messages import TEXT, Button, Incoming, Reply
from bot.chat.routing import Route
from bot.chat.understanding import understand
from bot.concerns.anonymity import MAX_REASON, MIN_REASON, hiding_group, reveal_sender
from bot.concerns.cases import Cases
from bot.concerns.common import answer_group
from bot.concerns.crisis import handle_crisis, watch_hotline, watch_notice
from bot.concerns.crisis_case import is_case_step
from bot.concerns.feedback import mark_missed
from bot.concerns.models import ConcernGroup
from bot.concerns.render import STATUS_ZH, rating_subject, when
from bot.concerns.senders import is_sender
from bot.concerns.tickets import (
    Raised,
    answer_ticket,
    awaiting_rating,
    can_handle,
    find_ticket,
    follow_up,
    raise_concern,
    rate_ticket,
)
from bot.store.audit import record
from bot.store.models import Concern
from bot.terms.roles import ADMIN, STAFF_ROLES, STUDENT

# "#" is required except after 追问, so that "补充2名学生" or "回复3条" stay what they are.
FOLLOW_UP = re.compile(r"^\s*(?:追问\s*#?|(?:补充|再问)\s*#)\s*(\d{1,7})\s*[:：,，]?\s*(.*)$", re.S)
STAFF_REPLY = re.compile(r"^\s*(?:(?:回复|答复)\s*)?#\s*(\d{1,7})\s*[:：,，]?\s*(.*)$", re.S)
GROUP_REPLY = re.compile(r"^\s*(?:回复|答复)?\s*共性\s*#\s*(\d{1,7})\s*[:：,，]?\s*(.*)$", re.S)
MISSED = re.compile(r"^\s*(?:标记)?(?:漏报|漏判)\s*#?\s*(\d{1,7})\b", re.S)
REVEAL = re.compile(r"^\s*(?:查明|查看|显示)身份\s*#?\s*(\d{1,7})\s*[:：,，]?\s*(.*)$", re.S)
RATING = re.compile(r"^\s*(非常满意|很满意|满意|不太满意|很不满意|不满意)\s*(?:#\s*(\d{1,7}))?\s*[:：,，。!！]?\s*(.*)$", re.S)
RESOLVED = re.compile(r"^(?:已处理|已解决|已办结|已完成|已修好|已修复|处理完毕|已落实|办结)")
SUBMIT_WORDS = ("1", "仍然提交", "提交", "确认", "是", "好")
NAMED_WORDS = ("2", "实名", "实名提交", "署名")
CANCEL_WORDS = ("3", "取消", "不发了", "算了")
SMALL_GROUP_BUTTONS = [Button("仍然匿名提交", "1"), Button("改为实名提交", "2"), Button("取消", "3", style=2)]


# ---- the crisis guard: called by the dispatcher before any step or route ----------------------

# Staff messages that are still handled as what they are after the alert: an answer to a ticket, a
# contact report. The sender reads the crisis notice above the usual answer.
KEPT_WITH_CRISIS = ("reply_concern", "log_contact")


def crisis_guard(msg: Incoming, ctx: Context) -> Reply | None:
    """Answer a crisis message at once (support, hotlines, alerts, ticket); None for anything else.

    Every text is checked, whoever sends it and whatever it asks (a follow-up, a staff answer, a
    counselor's own words, a leader's report). A staff answer or contact report also goes on to be
    recorded: the alert is queued here and `with_crisis_notice` puts the notice above the answer.
    """
    if msg.kind != TEXT or not msg.text.strip():
        return None
    if STUDENT not in ctx.sender.roles and is_case_step(msg.text):
        return None  # "已联系#153 本人说昨晚想跳楼…" is a note on a case already handled, not a new crisis
    parsed = understand(msg, ctx)
    if not parsed.crisis:
        return None
    category = parsed.category if parsed.category in ("mental", "safety") else "mental"
    handled = handle_crisis(ctx, msg.text, parsed.anonymous, category, parsed.signals)
    if parsed.intent in KEPT_WITH_CRISIS and STUDENT not in ctx.sender.roles:
        ctx.extras["crisis_notice"] = handled.text
        return None
    ctx.state.clear()  # whatever was being asked can wait
    return handled


def with_crisis_notice(ctx: Context, reply: Reply) -> Reply:
    """Put the crisis notice (if the guard queued an alert and let the message through) above the answer."""
    notice = ctx.extras.get("crisis_notice")
    if not notice:
        return reply
    head = replace(reply, choice=None, update=None).plain()  # a question asked with a card stays a card
    return Reply(text=f"{notice}\n\n{head}" if head else notice, extra=reply.extra, attachment=reply.attachment,
                 choice=reply.choice, update=reply.update)


# ---- raising a concern ----------------------------------------------------------------------

def raise_new(msg: Incoming, ctx: Context) -> Reply:
    """Turn a concern into a ticket; warn first when an anonymous sender's group is too small."""
    parsed = understand(msg, ctx)
    if parsed.crisis:  # the dispatcher's guard normally answered already
        return handle_crisis(ctx, msg.text, parsed.anonymous, parsed.category or "mental", parsed.signals)
    category = parsed.category or "other"
    if parsed.anonymous:
        group = hiding_group(ctx.db, ctx.sender)
        if group.size < ctx.settings.concerns.small_group_threshold:
            warning = f"提醒：您所在的{group.what}只有{group.size}人，即使匿名，处理老师也可能推测出是您。"
            return ask(ctx, "concern_small_group", "仍然匿名提交吗？", SMALL_GROUP_BUTTONS, description=warning,
                       text=f"{warning}\n1. 仍然匿名提交\n2. 改为实名提交\n3. 取消\n回复序号即可。",
                       message=msg.text, category=category, risk=parsed.risk, signals=list(parsed.signals))
    raised = raise_concern(ctx, msg.text, category, parsed.anonymous)
    return Reply.of(raised_text(ctx, raised, parsed.risk, parsed.signals))


def raised_text(ctx: Context, raised: Raised, risk: str, signals: Sequence[str]) -> str:
    """The receipt; in the watch tier the counselor is told today and the student reads the hotline."""
    if risk != "watch" or not raised.paged or STUDENT not in ctx.sender.roles:
        return raised.text
    watch_notice(ctx, raised.concern, tuple(signals))
    return raised.text + watch_hotline(ctx)


def got_small_group_choice(msg: Incoming, ctx: Context, pending: dict[str, Any]) -> Reply | None:
    """Take the answer to the small-group warning: submit anonymously, submit named, or cancel."""
    answer = msg.text.strip().rstrip("。.！!")
    if answer in SUBMIT_WORDS or answer in NAMED_WORDS:
        ctx.state.clear()
        raised = raise_concern(ctx, pending["message"], pending["category"], anonymous=answer in SUBMIT_WORDS)
        return Reply.of(raised_text(ctx, raised, pending.get("risk", "none"), pending.get("signals", ())))
    if answer in CANCEL_WORDS:
        ctx.state.clear()
        return Reply.of("好的，已取消，这条反映没有发出。")
    return None


# ---- the sender: follow-ups and ratings ------------------------------------------------------

def _text(msg: Incoming) -> str:
    """The message with a full-width ＃ read as #."""
    return msg.text.replace("＃", "#")


def _own_ticket(msg: Incoming, ctx: Context, pattern: re.Pattern[str]) -> Concern | None:
    match = pattern.match(_text(msg))
    if match is None:
        return None
    concern = find_ticket(ctx.db, ctx.school.id, int(match.group(1)))
    return concern if concern is not None and is_sender(concern, ctx.sender) else None


def is_follow_up(msg: Incoming, ctx: Context) -> bool:
    """A "追问#153 …", or "#153 …" from the person who raised #153."""
    return bool(FOLLOW_UP.match(_text(msg))) or _own_ticket(msg, ctx, STAFF_REPLY) is not None


def add_follow_up(msg: Incoming, ctx: Context) -> Reply:
    """Add the sender's follow-up to their ticket and pass it on to whoever holds it."""
    match = FOLLOW_UP.match(_text(msg)) or STAFF_REPLY.match(_text(msg))
    assert match is not None
    number, text = int(match.group(1)), match.group(2).strip()
    concern = find_ticket(ctx.db, ctx.school.id, number)
    if concern is None or not is_sender(concern, ctx.sender):
        return Reply.of(f"没有找到您反映的 #{number}。请核对编号。")
    if not text:
        return Reply.of(f"请在编号后写上要补充的内容，例如：追问#{number} 现在还是没有热水")
    follow_up(ctx, concern, text)
    return Reply.of(f"已把您的补充转给 #{number} 的处理人。")


def is_rating(msg: Incoming, ctx: Context) -> bool:
    """满意 / 不满意 (optionally #153 and a reason) from someone with a resolved ticket to rate."""
    match = RATING.match(_text(msg))
    if match is None:
        return False
    if match.group(2):
        concern = find_ticket(ctx.db, ctx.school.id, int(match.group(2)))
        return concern is not None and is_sender(concern, ctx.sender)
    return awaiting_rating(ctx.db, ctx.sender) is not None


def tapped(msg: Incoming, ctx: Context, concern_id: str, value: str) -> Reply:
    """A tap on a resolved ticket's card ("rate:<concern id>"): 满意, 不满意 (reopens), or 追问 (asks what)."""
    concern = ctx.db.get(Concern, int(concern_id)) if concern_id.isdigit() else None
    if concern is None or not is_sender(concern, ctx.sender) or value not in ("satisfied", "unsatisfied", "follow_up"):
        return Reply.of("这张卡片不是发给您的，或已失效。")
    if value == "follow_up":  # the question stays open: a follow-up is not a rating
        ctx.state.set("concern_follow_up", number=concern.number)
        return Reply.of(f"请直接回复要追问的内容，会转给 #{concern.number} 的处理人。")
    if concern.status != "resolved" or concern.rating is not None:
        settle_choice(ctx, rating_subject(concern), "已评价" if concern.rating else "处理中")
        return Reply.of(f"#{concern.number} 现在不需要评价（{STATUS_ZH.get(concern.status, concern.status)}）。")
    said = rate_ticket(ctx, concern, value == "satisfied", "")
    if value != "satisfied":
        said += f"\n如需补充原因，可发“追问#{concern.number} 内容”。"
    return Reply.of(said)


def got_follow_up(msg: Incoming, ctx: Context, pending: dict[str, Any]) -> Reply | None:
    """Take the follow-up asked for by a tap on 追问."""
    text = msg.text.strip()
    concern = find_ticket(ctx.db, ctx.school.id, int(pending["number"]))
    if not text or concern is None or not is_sender(concern, ctx.sender):
        return None
    ctx.state.clear()
    follow_up(ctx, concern, text)
    return Reply.of(f"已把您的补充转给 #{concern.number} 的处理人。")


def rate(msg: Incoming, ctx: Context) -> Reply:
    """Record 满意 / 不满意; 不满意 reopens the ticket."""
    match = RATING.match(_text(msg))
    assert match is not None
    concern = (find_ticket(ctx.db, ctx.school.id, int(match.group(2))) if match.group(2)
               else awaiting_rating(ctx.db, ctx.sender))
    assert concern is not None
    if concern.status != "resolved":
        return Reply.of(f"#{concern.number} 还在处理中，办结后再请您评价。")
    satisfied = "不" not in match.group(1)
    return Reply.of(rate_ticket(ctx, concern, satisfied, match.group(3).strip()))


# ---- staff: answers, group answers, reveal ---------------------------------------------------

def is_staff_reply(msg: Incoming, ctx: Context) -> bool:
    """"回复#153 …" or "#153 已处理 …" (the sender's own ticket is a follow-up instead)."""
    return bool(STAFF_REPLY.match(_text(msg))) and _own_ticket(msg, ctx, STAFF_REPLY) is None


def staff_answer(msg: Incoming, ctx: Context) -> Reply:
    """Relay a handler's answer to the ticket's sender; "已处理 …" resolves it."""
    match = STAFF_REPLY.match(_text(msg))
    if match is None:  # routed by the parser's reply_concern intent with another wording
        number = understand(msg, ctx).ticket
        text = re.sub(r"^.*?#?\s*\d+\s*[:：,，]?\s*", "", msg.text, count=1).strip()
    else:
        number, text = int(match.group(1)), match.group(2).strip()
    if number is None:
        return Reply.of("请写明编号，例如：回复#153 已联系后勤，周五前修好")
    concern = find_ticket(ctx.db, ctx.school.id, number)
    if concern is None:
        return Reply.of(f"没有找到 #{number}，请核对编号。")
    if not can_handle(ctx.db, ctx.sender, concern):
        return Reply.of(f"#{number} 不在您的处理范围内。如需协助，请联系负责部门（{concern.owner_office}）或管理员。")
    if not text:
        return Reply.of(f"请在编号后写上答复内容，例如：回复#{number} 已联系后勤，周五前修好")
    resolve = bool(RESOLVED.match(text))
    answer_ticket(ctx, concern, text, resolve)
    if resolve:
        return Reply.of(f"#{number} 已办结，说明已转给提问人，并请其评价。")
    return Reply.of(f"已答复 #{number}，答复已转给提问人。办结期限：{when(concern.resolve_due, ctx.settings.tz)}。")


def is_group_reply(msg: Incoming, ctx: Context) -> bool:
    """"回复共性#153 …" / "共性#153 已处理 …"."""
    return bool(GROUP_REPLY.match(_text(msg)))


def group_answer(msg: Incoming, ctx: Context) -> Reply:
    """Answer every ticket of the common problem that holds the ticket named."""
    match = GROUP_REPLY.match(_text(msg))
    assert match is not None
    number, text = int(match.group(1)), match.group(2).strip()
    concern = find_ticket(ctx.db, ctx.school.id, number)
    if concern is None or concern.group_id is None:
        return Reply.of(f"#{number} 不属于任何共性问题。单独答复请用“回复#{number} 内容”。")
    if not (ADMIN in ctx.roles or can_handle(ctx.db, ctx.sender, concern)):
        return Reply.of(f"#{number} 不在您的处理范围内。")
    if not text:
        return Reply.of(f"请写上答复内容，例如：回复共性#{number} 已统一安排维修")
    group = ctx.db.get(ConcernGroup, concern.group_id)
    assert group is not None
    answered = answer_group(ctx.db, ctx.outbox, group, ctx.sender, text, bool(RESOLVED.match(text)), ctx.now)
    numbers = " ".join(f"#{c.number}" for c in answered) or "（没有待处理的）"
    return Reply.of(f"已统一答复共性问题的 {len(answered)} 件反映：{numbers}。")


def is_reveal(msg: Incoming, ctx: Context) -> bool:
    """"查明身份#153 原因" (staff on the crisis case only: checked in `reveal`)."""
    return bool(REVEAL.match(_text(msg)))


def reveal(msg: Incoming, ctx: Context) -> Reply:
    """Tell someone on a crisis case who raised the anonymous ticket, for a stated reason that is stored and
    told to the counselor and on-duty list. The answer names the sender, so it is never stored."""
    match = REVEAL.match(_text(msg))
    assert match is not None
    number, reason = int(match.group(1)), match.group(2).strip()
    concern = find_ticket(ctx.db, ctx.school.id, number)
    if concern is None:
        return Reply.of(f"没有找到 #{number}。")
    if not concern.anonymous:
        return Reply.of(f"#{number} 不是匿名反映。")
    if not concern.crisis:
        return Reply.of(f"#{number} 不是危机情况：匿名提问人的身份只在有生命危险时才能查明。")
    if not Cases.load(ctx.db, ctx.settings, ctx.sender.id).may_reveal(concern):
        return Reply.of(f"只有负责处置 #{number} 的人员（值班人员、心理健康教育中心、辅导员）才能查明身份。")
    if len(reason) < MIN_REASON:
        return Reply.of(f"请写明原因，例如：查明身份#{number} 有自伤风险，需要立即联系本人\n原因会被记录，并告知辅导员和值班人员。")
    person = reveal_sender(ctx.db, ctx.outbox, concern, ctx.sender, reason[:MAX_REASON], ctx.now, ctx.settings,
                           address=ctx.channel)
    where = "，".join(x for x in (person.department, person.class_name) if x)
    return Reply(text=f"#{concern.number} 的提问人：{person.name}（{where}，账号 {person.userid}）。\n"
                      "此次查明及原因已记入审计日志并告知辅导员和值班人员，请仅用于保障其安全。", private=True)


def is_missed_mark(msg: Incoming, ctx: Context) -> bool:
    """"漏报#153" (staff on the case only: checked in `missed`)."""
    return bool(MISSED.match(_text(msg)))


def missed(msg: Incoming, ctx: Context) -> Reply:
    """Mark an ordinary ticket as a crisis the detector missed: its first message joins the labelled set (with
    consent, de-identified); nothing else happens, and the answer says so."""
    match = MISSED.match(_text(msg))
    assert match is not None
    number = int(match.group(1))
    concern = find_ticket(ctx.db, ctx.school.id, number)
    if concern is None:
        return Reply.of(f"没有找到 #{number}，请核对编号。")
    if not Cases.load(ctx.db, ctx.settings, ctx.sender.id).on_case(concern):
        return Reply.of(f"只有负责 #{number} 的人员（辅导员、处理人、值班人员、心理健康教育中心）才能标记漏报。")
    row, said = mark_missed(ctx.db, concern, ctx.sender, ctx.now, ctx.settings, ctx.school)
    record(ctx.db, school_id=ctx.school.id, actor=ctx.sender.userid, action="concern.mark_missed",
           target=f"concern#{number}", detail={"kept": row is not None}, at=ctx.now, address=ctx.channel)
    return Reply.of(said)


# ---- registration (handlers/__init__.py) ---------------------------------------------------

# Before the other capabilities' routes (explicit syntax wins over the parser's intents):
ROUTES_FIRST: list[Route] = [
    Route(reveal, roles=STAFF_ROLES, when=is_reveal),
    Route(missed, roles=STAFF_ROLES, when=is_missed_mark),
    Route(group_answer, roles=STAFF_ROLES, when=is_group_reply),
    Route(add_follow_up, when=is_follow_up),
    Route(staff_answer, roles=STAFF_ROLES, when=is_staff_reply),
    Route(rate, when=is_rating),
]
# After them (the parser's intents):
ROUTES_LAST: list[Route] = [
    Route(staff_answer, intents=("reply_concern",), roles=STAFF_ROLES),
    Route(raise_new, intents=("concern",)),
]
STEPS = {"concern_small_group": got_small_group_choice, "concern_follow_up": got_follow_up}
CARDS: dict[str, CardHandler] = {"rate": tapped}
