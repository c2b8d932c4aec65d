"""Confirmation (N20): a counselor or ideology teacher answers "确认", "不是这样" or "没有见面" to a record a
linked leader made of a talk or activity with them, by typing or by a tap on the card the request came as.
With several waiting, a typed answer asks which one.

Example: "不是这样" → "已记录您的异议…哪里与事实不符？" → "那天没有见面" (kept in the record's history);
a tap on the card's 确认 → "已确认赵建国11月24日的记录，谢谢！", the card showing "已确认 · 11月25日 09:00".
"""

from __future__ import annotations

import re
from typing import Any

from bot.cards.clicks import CardHandler
from bot.cards.questions import ask
from bot.cards.settle import settle_choice
from bot.chat.context import Context
from bot.chat.messages import Button, Incoming, Reply
from bot.chat.routing import Route, Step
from bot.rules.confirmations import add_dispute_note, answer, card_subject, has_pending, pending_for
from bot.schedule.periods import md
from bot.store.models import Contact, ContactCounterpart
from bot.terms.roles import MENTEE_ROLES

CONFIRM_WORDS = frozenset({"确认", "确认无误", "属实", "情况属实", "无误", "是这样", "是的属实", "确认属实"})
DISPUTE_WORDS = frozenset({"不是这样", "不属实", "不对", "有误", "不确认", "没有这回事", "情况不属实", "不是这样的"})
ABSENT_WORDS = frozenset({"没有见面", "没见面", "没有见过面", "没见过面", "没有见到", "没见到"})
ABSENT = "没有见面"
SETTLED = {True: "已确认", False: "有异议"}
SKIP_WORDS = frozenset({"跳过", "不用了", "算了", "没有"})
_PUNCT = re.compile(r"[\s，。！!,.、~～…]+")


def _word(text: str) -> str:
    """Normalise an answer: no spaces or punctuation."""
    return _PUNCT.sub("", text)


def is_confirmation_answer(msg: Incoming, ctx: Context) -> bool:
    """Tell whether the message is 确认/不是这样/没有见面 from someone with a confirmation waiting."""
    word = _word(msg.text)
    answers = word in CONFIRM_WORDS or word in DISPUTE_WORDS or word in ABSENT_WORDS
    return answers and has_pending(ctx.db, ctx.sender.id)


def _label(ctx: Context, cp: ContactCounterpart) -> str:
    """Name a record for its counterpart: "赵建国11月25日的记录"."""
    contact = ctx.db.get(Contact, cp.contact_id)
    assert contact is not None
    return f"{contact.person.name}{md(contact.occurred_on)}的记录"


def answer_confirmation(msg: Incoming, ctx: Context) -> Reply:
    """Confirm or dispute the waiting record; with several, ask which one."""
    word = _word(msg.text)
    agree = word in CONFIRM_WORDS
    note = ABSENT if word in ABSENT_WORDS else None
    waiting = pending_for(ctx.db, ctx.sender.id)
    if len(waiting) == 1:
        return _apply(ctx, waiting[0], agree, msg.text, note)
    labels = [_label(ctx, cp) for cp in waiting]
    lines = [f"{i}. {label}" for i, label in enumerate(labels, 1)]
    tail = "回复编号；全部属实可回复“全部”。" if agree else "回复编号。"
    verb = "确认" if agree else "有异议"
    question = f"有{len(waiting)}条记录等您确认，您要{verb}的是哪一条？"
    buttons = [Button(label.removesuffix("的记录"), str(i)) for i, label in enumerate(labels, 1)]
    return ask(ctx, "confirm_pick", question, buttons + ([Button("全部", "全部")] if agree else []),
               text=question + "\n" + "\n".join(lines) + "\n" + tail, agree=agree, note=note,
               ids=[[cp.contact_id, cp.person_id] for cp in waiting])


def _apply(ctx: Context, cp: ContactCounterpart, agree: bool, text: str, note: str | None = None) -> Reply:
    what = _label(ctx, cp)
    contact = answer(ctx.db, cp, ctx.sender, agree, ctx.now, text, note)
    settle_choice(ctx, card_subject(cp), note or SETTLED[agree])
    if agree:
        return Reply.of(f"已确认{what}，谢谢！")
    said = note or "不是这样"
    ctx.outbox.send(contact.person.userid, Reply.of(
        f"{ctx.sender.name}对您{md(contact.occurred_on)}的记录表示“{said}”。如记录有误，可发“改成…”修改或“撤销”。"
    ), purpose="confirmation", dedupe_key=f"dispute:{contact.id}:{ctx.sender.id}")
    if note is not None:  # the reason came with the answer, kept in the dispute's history entry
        return Reply.of(f"已记录您对{what}的异议（{note}），会在周报中注明。")
    ctx.state.set("dispute_note", contact_id=contact.id)
    return Reply.of(f"已记录您对{what}的异议，会在周报中注明。\n哪里与事实不符？请直接回复说明，或回复“跳过”。")


def got_confirm_pick(msg: Incoming, ctx: Context, pending: dict[str, Any]) -> Reply | None:
    """Take the number (or 全部) answering "您要确认的是哪一条？"."""
    word = _word(msg.text)
    keys: list[list[int]] = pending["ids"]
    chosen = [ctx.db.get(ContactCounterpart, (c, p)) for c, p in keys]
    open_ones = [cp for cp in chosen if cp is not None and cp.answered_at is None]
    if word == "全部" and pending["agree"]:
        ctx.state.clear()
        for cp in open_ones:
            answer(ctx.db, cp, ctx.sender, True, ctx.now, msg.text)
            settle_choice(ctx, card_subject(cp), SETTLED[True])
        return Reply.of(f"已确认{len(open_ones)}条记录，谢谢！")
    if not word.isdigit() or not 1 <= int(word) <= len(keys):
        return None
    picked = chosen[int(word) - 1]
    ctx.state.clear()
    if picked is None or picked.answered_at is not None:
        return Reply.of("这条记录已经答复过了。")
    return _apply(ctx, picked, bool(pending["agree"]), msg.text, pending.get("note"))


def got_dispute_note(msg: Incoming, ctx: Context, pending: dict[str, Any]) -> Reply | None:
    """Keep the counselor/teacher's explanation of a dispute."""
    word = _word(msg.text)
    if not word or word in CONFIRM_WORDS or word in DISPUTE_WORDS or word in ("帮助", "help"):
        return None
    ctx.state.clear()
    if word in SKIP_WORDS:
        return Reply.of("好的。")
    add_dispute_note(ctx.db, int(pending["contact_id"]), ctx.sender, msg.text.strip(), ctx.now)
    return Reply.of("已记下您的说明，谢谢。")


def tapped(msg: Incoming, ctx: Context, args: str, value: str) -> Reply:
    """A tap on a confirmation card ("confirm:<contact>:<person>"): 确认 (yes), 不是这样 (no), 没有见面 (absent)."""
    contact_id, _, person_id = args.partition(":")
    ids = (contact_id, person_id)
    cp = ctx.db.get(ContactCounterpart, tuple(map(int, ids))) if all(i.isdigit() for i in ids) else None
    if cp is None or cp.person_id != ctx.sender.id or value not in ("yes", "no", "absent"):
        return Reply.of("这张卡片不是发给您的，或已失效。")
    contact = ctx.db.get(Contact, cp.contact_id)
    if contact is None or contact.deleted_at is not None:
        settle_choice(ctx, card_subject(cp), "记录已撤销")
        return Reply.of(f"{_label(ctx, cp)}已被记录人撤销，无需再确认。")
    if cp.answered_at is not None:
        settle_choice(ctx, card_subject(cp), "已答复")
        return Reply.of("这条记录已经答复过了。")
    return _apply(ctx, cp, value == "yes", {"yes": "确认", "no": "不是这样", "absent": ABSENT}[value],
                  ABSENT if value == "absent" else None)


ROUTES = [Route(answer_confirmation, roles=MENTEE_ROLES, when=is_confirmation_answer)]
STEPS: dict[str, Step] = {"confirm_pick": got_confirm_pick, "dispute_note": got_dispute_note}
CARDS: dict[str, CardHandler] = {"confirm": tapped}
