"""A tap on a card's button: the same step as the typed answer, once, answered with the card redrawn.

The event's TaskId names the card we sent (`SentCard`); its EventKey is "<subject>|<value>". A tap is
refused with a clear line, never an error or a second action, when the card is not the tapper's, was
answered already (by a tap, by typing, in the console, by someone else), or is older than the 72 hours
in which WeCom lets us redraw it. Otherwise the subject's kind ("confirm", "ask", "rate", "remind",
registered in `handlers.CARDS`) decides; whatever the step settles is redrawn on the tapper's card by
the passive reply. Each handler checks that what the card asks about is the tapper's own, so a card
whose sending was not kept still works (without the redraw).

A new kind of card (the crisis alert's 我来处理) is a Choice with subject "<kind>:<id>", a handler
`(tap, ctx, id, value) -> Reply` in `handlers.CARDS`, and `settle_choice` in the step that takes it.

Example: 王丽 taps 确认 on "ob12p0" → handlers.confirm.tapped(msg, ctx, "12:34", "yes") → "已确认…谢谢！",
and her card shows "已确认 · 12月5日 16:02".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.cards.models import SentCard
from bot.cards.questions import run_step
from bot.cards.settle import RESPONSE_CODE_HOURS, TAPPED, settle_choice
from bot.chat.context import Context
from bot.chat.messages import TEXT, CardUpdate, Choice, Incoming, Reply, split_key
from bot.chat.routing import Step

CardHandler = Callable[[Incoming, Context, str, str], Reply]  # (tap, ctx, subject's arguments, button value)

UNKNOWN = "这张卡片不是发给您的，或已失效。请直接回复文字。"
EXPIRED = "这张卡片已超过72小时，按钮不再有效。"
EXPIRED_OUTCOME = "已过期，请回复文字"
QUESTION_GONE = "这个问题已经过期了，无需再选。请重新发送您要办的事。"


def answer_tap(msg: Incoming, ctx: Context, handlers: Mapping[str, CardHandler]) -> Reply:
    """Answer a tap on one of our cards (see the module docstring)."""
    subject, value = split_key(msg.event_key)
    kind, _, args = subject.partition(":")
    handler = handlers.get(kind)
    # Locked: a double tap, or the same tap from two devices, waits here and then finds the card answered.
    card = ctx.db.scalar(select(SentCard).where(SentCard.task_id == msg.task_id).with_for_update())
    if handler is None or (card is not None and (card.recipient != msg.sender or card.school_id != ctx.school.id
                                                 or card.subject != subject)):
        return Reply.of(UNKNOWN)
    if card is None:  # delivered but not kept (WeCom's answer to the send was lost): no redraw, the step decides
        return handler(msg, ctx, args, value)
    choice = Choice.from_dict(card.card)
    if card.settled_at is not None:
        return redrawn(Reply.of(f"这个问题已经处理过了（{card.outcome}），无需再选。"), choice, card.outcome, msg)
    if ctx.now - card.sent_at > timedelta(hours=RESPONSE_CODE_HOURS):
        return redrawn(Reply.of(f"{EXPIRED}\n{choice.text}"), choice, EXPIRED_OUTCOME, msg)
    ctx.extras[TAPPED] = card.task_id
    reply = handler(msg, ctx, args, value)
    return redrawn(reply, choice, card.outcome, msg) if card.settled_at is not None else reply


def redrawn(reply: Reply, choice: Choice, outcome: str | None, msg: Incoming) -> Reply:
    """The reply with the tapped card redrawn with an outcome (through the tap's own response_code)."""
    return replace(reply, update=CardUpdate(choice.answered(outcome or ""), msg.response_code))


def step_tapped(steps: Mapping[str, Step]) -> CardHandler:
    """The handler of "ask:<id>" cards: run the pending dialogue step as if the value had been typed."""

    def tapped(msg: Incoming, ctx: Context, question: str, value: str) -> Reply:
        pending: dict[str, Any] | None = ctx.state.get()
        asked = (pending or {}).get("ask")
        reply = None
        if pending is not None and isinstance(asked, dict) and asked.get("id") == question:
            reply = run_step(Incoming(channel=msg.channel, sender=msg.sender, kind=TEXT, text=value,
                                      school=msg.school, received_at=msg.received_at), ctx, steps, pending)
        if reply is None:  # the dialogue moved on (expired, or another message started afresh)
            settle_choice(ctx, f"ask:{question}", "已过期")
            return Reply.of(QUESTION_GONE)
        return reply

    return tapped
