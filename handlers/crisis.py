"""Crisis cases in chat (issue 14): acknowledging an alert with one tap on 我来处理 or typed, progress and
closing, and what the person who wrote sends next, passed on to whoever acknowledged the case.

Examples: "接手#153" (or a tap on the alert card) -> "#153 由您负责……"; "已联系#153 已电话联系，人在宿舍";
"结案#153 已送医 室友陪同" (outcomes: 已联系本人 / 已到现场 / 已送医 / 家长已知情 / 误报);
the student of #153, after the alert: "我在5号楼楼顶" -> passed on at once to the teacher on the case.
"""

from __future__ import annotations

from bot.cards.clicks import CardHandler
from bot.cards.settle import TAPPED
from bot.chat.context import Context
from bot.chat.messages import TEXT, Incoming, Reply
from bot.chat.routing import Route
from bot.concerns.crisis import pass_on, passed_on_text
from bot.concerns.crisis_case import (
    ACK,
    CLOSE,
    CONTACTED,
    OUTCOMES,
    acknowledge,
    case_of,
    close_case,
    mark_contacted,
    may_act,
    open_case_of,
)
from bot.concerns.models import CrisisCase
from bot.concerns.tickets import find_ticket
from bot.store.models import Concern, Person
from bot.terms.roles import STAFF_ROLES, STUDENT

OUTCOME_LIST = " / ".join(OUTCOMES)


def _case(ctx: Context, number: int) -> tuple[Concern, CrisisCase] | str:
    """Find a crisis case the sender may act on by its ticket number, or say why not."""
    concern = find_ticket(ctx.db, ctx.school.id, number)
    case = case_of(ctx.db, concern) if concern else None
    if concern is None or case is None:
        return f"没有找到危机个案 #{number}，请核对编号。"
    if not may_act(ctx.db, case, concern, ctx.sender, ctx.settings):
        return f"#{number} 不在您的处置范围内。"
    if case.state == "closed":
        return f"#{number} 已结案（{case.outcome}）。"
    return concern, case


def _taken_by(number: int, other: Person, ctx: Context) -> str:
    return f"#{number} 已由{other.department or ''}{other.name}接手处理，请与其联系配合。"


def take_case(ctx: Context, number: int) -> Reply:
    """Acknowledge a case for the sender: the first one owns it."""
    found = _case(ctx, number)
    if isinstance(found, str):
        return Reply.of(found)
    concern, case = found
    other = acknowledge(ctx.db, ctx.outbox, case, concern, ctx.sender, ctx.now, ctx.settings,
                        tapped=str(ctx.extras.get(TAPPED, "")))
    if other is not None:
        if other.id == ctx.sender.id:
            return Reply.of(f"#{number} 已由您接手。联系上本人后请发“已联系#{number}”，处置完毕发“结案#{number} 结果”。")
        return Reply.of(_taken_by(number, other, ctx))
    return Reply.of(f"#{number} 由您负责，其他人已收到通知，提问人已被告知有老师在处理。请立即联系确认安全。\n"
                    f"联系上后请发“已联系#{number} 情况”；处置完毕发“结案#{number} 结果”（{OUTCOME_LIST}）。")


def is_ack(msg: Incoming, ctx: Context) -> bool:
    return bool(ACK.match(msg.text))


def ack(msg: Incoming, ctx: Context) -> Reply:
    """接手#153."""
    match = ACK.match(msg.text)
    assert match is not None
    return take_case(ctx, int(match.group(1)))


def tapped(msg: Incoming, ctx: Context, case_id: str, value: str) -> Reply:
    """A tap on 我来处理 on an alert card ("crisis:<case id>")."""
    case = ctx.db.get(CrisisCase, int(case_id)) if case_id.isdigit() else None
    concern = ctx.db.get(Concern, case.concern_id) if case is not None else None
    if case is None or concern is None or value != "ack" or concern.school_id != ctx.school.id:
        return Reply.of("这张卡片不是发给您的，或已失效。")
    return take_case(ctx, concern.number)


def is_contacted(msg: Incoming, ctx: Context) -> bool:
    return bool(CONTACTED.match(msg.text))


def contacted(msg: Incoming, ctx: Context) -> Reply:
    """已联系#153 [情况]."""
    match = CONTACTED.match(msg.text)
    assert match is not None
    number = int(match.group(1))
    found = _case(ctx, number)
    if isinstance(found, str):
        return Reply.of(found)
    concern, case = found
    other = mark_contacted(ctx.db, ctx.outbox, case, concern, ctx.sender, match.group(2).strip(), ctx.now,
                           ctx.settings)
    if other is not None and other.id != ctx.sender.id:
        return Reply.of(_taken_by(number, other, ctx))
    return Reply.of(f"已记录：#{number} 已联系。处置完毕请发“结案#{number} 结果”（{OUTCOME_LIST}）。")


def is_close(msg: Incoming, ctx: Context) -> bool:
    return bool(CLOSE.match(msg.text))


def close(msg: Incoming, ctx: Context) -> Reply:
    """结案#153 已送医 [说明]."""
    match = CLOSE.match(msg.text)
    assert match is not None
    number, rest = int(match.group(1)), match.group(2).strip()
    outcome = next((o for o in OUTCOMES if rest.startswith(o)), None)
    if outcome is None:
        return Reply.of(f"请写明结果，例如：结案#{number} 已送医\n可选：{OUTCOME_LIST}")
    found = _case(ctx, number)
    if isinstance(found, str):
        return Reply.of(found)
    concern, case = found
    note = rest[len(outcome):].strip(" ，,:：")
    other = close_case(ctx.db, ctx.outbox, case, concern, ctx.sender, outcome, note, ctx.now, ctx.settings)
    if other is not None and other.id != ctx.sender.id:
        return Reply.of(_taken_by(number, other, ctx))
    return Reply.of(f"#{number} 已结案：{outcome}。谢谢您的及时处置。")


def sender_case(ctx: Context) -> tuple[Concern, CrisisCase] | None:
    """The sender's open crisis case (looked up once per message: the route's test and its handler share it)."""
    if "open_case" not in ctx.extras:
        ctx.extras["open_case"] = open_case_of(ctx.db, ctx.sender, ctx.now)
    return ctx.extras["open_case"]  # type: ignore[no-any-return]


def has_open_case(msg: Incoming, ctx: Context) -> bool:
    """A student's text while their crisis case is open: it belongs to the case."""
    return msg.kind == TEXT and bool(msg.text.strip()) and STUDENT in ctx.roles and sender_case(ctx) is not None


def to_case(msg: Incoming, ctx: Context) -> Reply:
    """Pass what the student wrote to whoever is on their case, at once."""
    found = sender_case(ctx)
    assert found is not None
    concern, case = found
    pass_on(ctx, case, concern, msg.text.strip())
    return Reply.of(passed_on_text(ctx, case, concern))


ROUTES: list[Route] = [
    Route(ack, roles=STAFF_ROLES, when=is_ack),
    Route(contacted, roles=STAFF_ROLES, when=is_contacted),
    Route(close, roles=STAFF_ROLES, when=is_close),
]
# After the explicit syntax of every capability (追问#, 满意…), before the parser's intents.
ROUTES_CASE: list[Route] = [Route(to_case, when=has_open_case)]
CARDS: dict[str, CardHandler] = {"crisis": tapped}
