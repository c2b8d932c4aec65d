"""Dialogue questions asked with a card: "是和哪位老师？" with one button per teacher.

`ask` stores the dialogue step as usual, with a fresh question id; the card's subject is "ask:<id>" and
each button's value is the answer one would type ("1", "都不是"). Whether the answer is typed or
tapped, `run_step` runs the same step function, and settles the card with the answer chosen; a
message that does not answer the step cancels the question and its card.

Example: ask(ctx, "choose_counterpart", "是和哪位老师？", [Button("王丽", "1"), …], text="…回复序号即可。")
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from bot.cards.settle import settle_choice
from bot.channels.template_card import MAX_BUTTONS
from bot.chat.context import Context
from bot.chat.messages import Button, Choice, Incoming, Reply
from bot.chat.routing import Step

CANCELLED = "已取消"
ANSWERED = "已回复"


def ask(ctx: Context, step: str, title: str, buttons: Sequence[Button], text: str, description: str = "",
        **data: Any) -> Reply:
    """Store a dialogue step and return its question as a Choice (typed where there are no cards).

    WeCom shows at most 6 buttons: a question with more answers than that is asked typed only.
    """
    if len(buttons) > MAX_BUTTONS:
        ctx.state.set(step, **data)
        return Reply.of(text)
    question = secrets.token_hex(6)
    ctx.state.set(step, **data, ask={"id": question, "labels": {b.value: b.text for b in buttons}})
    return Reply(choice=Choice(subject=f"ask:{question}", title=title, buttons=tuple(buttons), text=text,
                               description=description))


def run_step(msg: Incoming, ctx: Context, steps: Mapping[str, Step], pending: dict[str, Any]) -> Reply | None:
    """Run the pending step on a message; settle its card with the answer, or cancel it if not answered."""
    step = steps.get(str(pending.get("step")))
    reply = step(msg, ctx, pending) if step is not None else None
    question = pending.get("ask")
    if isinstance(question, dict):
        chosen = question.get("labels", {}).get(msg.text.strip())
        label = (f"已选：{chosen}" if chosen else ANSWERED) if reply is not None else CANCELLED
        settle_choice(ctx, f"ask:{question.get('id')}", label)
    return reply
