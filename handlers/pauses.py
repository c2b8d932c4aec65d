"""Pauses: "出差到12月3日，暂停提醒" pauses reminders for a real absence (N11, shown in the digest);
"下周再提醒", "这周别提醒了", "元旦后再提醒" snooze them; "恢复提醒" ends either. The parser (intent
"snooze") gives the day reminders resume and the reason. The weekly reminder's card offers the same
in one tap: 记录一次 (how to record), 本周请假 (a pause until Monday), 下周再提醒 (a snooze until Monday).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.cards.clicks import CardHandler
from bot.cards.settle import settle_choice
from bot.chat.context import Context
from bot.chat.messages import Incoming, Reply
from bot.chat.routing import Route
from bot.chat.understanding import understand
from bot.rules.pauses import PauseRequest, add_pause, end_pauses, resume_day
from bot.rules.reminders import reminder_subject
from bot.schedule.periods import md
from bot.schedule.school_calendar import calendar_for
from bot.terms.clock_times import WEEKDAY_ZH
from bot.terms.roles import LEADER_ROLES
from handlers.events import record_prompt

RESUME_WORDS = ("恢复提醒", "取消暂停", "继续提醒", "恢复提醒吧", "可以提醒了")
LEAVE_REASON = "请假"  # an absence: the week it empties is excused (N11)
ASK_DATE = "请告诉我到哪天，例如：“出差到12月3日，暂停提醒”或“下周再提醒”。"


def _parsed(msg: Incoming, ctx: Context) -> Any:
    """Return the parser's reading of the message (cached on ctx by bot.chat.understanding)."""
    cached = ctx.extras.get("parsed")
    if cached is not None:
        return cached
    return understand(msg, ctx)


def record_pause(msg: Incoming, ctx: Context) -> Reply:
    """Pause (with a reason) or snooze the sender's reminders until the day the message names."""
    parsed = _parsed(msg, ctx)
    today = ctx.today
    cal = calendar_for(ctx.settings)
    resume = resume_day(msg.text, getattr(parsed, "snooze_until", None), today, cal)
    if resume is None:
        return Reply.of("好的，暂停到什么时候？" + ASK_DATE)
    if resume <= today:
        return Reply.of(f"{md(resume)}已经过去了。" + ASK_DATE)
    limit = ctx.settings.rules.pause_max_days
    if (resume - today).days > limit:
        return Reply.of(f"提醒最长只能暂停{limit}天。如需更长时间，请联系学校管理员。")
    request = PauseRequest(resume, getattr(parsed, "reason", None))
    return apply_pause(ctx, request, msg.text, "已暂停提醒" if request.kind == "pause" else "已推迟提醒")


def apply_pause(ctx: Context, request: PauseRequest, text: str, label: str) -> Reply:
    """Record a pause or snooze from today, settle the reminder cards still open, and say until when."""
    add_pause(ctx.db, ctx.sender, request, ctx.today, ctx.now, text)
    settle_choice(ctx, reminder_subject(ctx.sender.id), label)
    resume = request.resume
    last = resume - timedelta(days=1)
    back = f"{md(resume)}（{WEEKDAY_ZH[resume.weekday()]}）"
    if request.kind == "pause":
        return Reply.of(
            f"好的，{md(last)}前不再提醒您（{request.reason}），{back}起自动恢复。\n"
            "外出期间会在周报和您的进度中注明；提前回来可发“恢复提醒”。"
        )
    if request.reason:
        return Reply.of(f"好的，{back}再提醒您（{request.reason}）。联系要求不变，完成后直接发消息记录即可。")
    return Reply.of(f"好的，{back}再提醒您。联系要求不变，完成后直接发消息记录即可；想提前恢复可发“恢复提醒”。")


def tapped(msg: Incoming, ctx: Context, person_id: str, value: str) -> Reply:
    """A tap on a reminder card ("remind:<person id>"): 记录一次, 本周请假 or 下周再提醒."""
    if person_id != str(ctx.sender.id) or value not in ("record", "leave", "snooze"):
        return Reply.of("这张卡片不是发给您的，或已失效。")
    if value == "record":  # how to record: not an answer to the reminder, so its card stays open
        return record_prompt(msg, ctx)
    next_week = ctx.today + timedelta(days=7 - ctx.today.weekday())
    if value == "leave":
        return apply_pause(ctx, PauseRequest(next_week, LEAVE_REASON), "本周请假", "本周请假")
    return apply_pause(ctx, PauseRequest(next_week, None), "下周再提醒", "下周再提醒")


def resume_reminders(msg: Incoming, ctx: Context) -> Reply:
    """End the sender's pause or snooze today."""
    if end_pauses(ctx.db, ctx.sender, ctx.today, ctx.now):
        return Reply.of("好的，已恢复提醒。")
    return Reply.of("您目前没有暂停提醒。")


ROUTES = [
    Route(resume_reminders, words=RESUME_WORDS, roles=LEADER_ROLES),
    Route(record_pause, intents=("snooze",), roles=LEADER_ROLES),
]
CARDS: dict[str, CardHandler] = {"remind": tapped}
