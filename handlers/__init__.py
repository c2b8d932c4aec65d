"""All routes, in priority order (the first match wins), the dialogue steps by name, and what a tap on
each kind of card does.

Registered explicitly here; no import-time decorator registries. Explicit syntax (#153, 确认,
改成昨天, menu words) comes before the parser's intents.
"""

from __future__ import annotations

from bot.cards.clicks import CardHandler, step_tapped
from bot.chat.context import Context
from bot.chat.messages import EVENT, Incoming, Reply
from bot.chat.routing import Route, Step
from bot.terms.roles import LEADER_ROLES, MENTEE_ROLES, STUDENT
from handlers import binding, concerns, confirm, contacts, crisis, events, pauses, progress
from handlers.help import show_help

HELP_WORDS = ("帮助", "help", "?", "？", "使用说明", "菜单")

ROUTES: list[Route] = [
    Route(events.welcome, kinds=(EVENT,), events=("enter_agent",)),
    Route(events.attach_evidence, kinds=("image", "location"), roles=LEADER_ROLES),
    Route(events.ask_for_text, kinds=("voice",)),
    Route(show_help, words=HELP_WORDS),
    Route(events.record_prompt, words=("记录",), roles=LEADER_ROLES),
    Route(progress.show_progress, words=("进度", "我的进度"), roles=LEADER_ROLES),
    Route(binding.issue_binding_code, roles=binding.ISSUERS, when=binding.is_code_request),
    *confirm.ROUTES,
    *pauses.ROUTES,
    *crisis.ROUTES,
    *concerns.ROUTES_FIRST,
    *crisis.ROUTES_CASE,
    Route(contacts.edit_last, roles=LEADER_ROLES, when=contacts.is_edit),
    Route(contacts.undo_last, intents=("undo",), roles=LEADER_ROLES),
    Route(contacts.log_contact, intents=("log_contact",), roles=LEADER_ROLES),
    Route(contacts.report_by_staff, intents=("log_contact",), roles=MENTEE_ROLES),
    Route(progress.show_progress, intents=("progress",), roles=LEADER_ROLES),
    Route(progress.show_digest, intents=("digest",)),
    Route(show_help, intents=("help",)),
    *concerns.ROUTES_LAST,
]

STEPS: dict[str, Step] = {
    "choose_counterpart": contacts.got_counterpart,
    "confirm_name": contacts.got_name_confirmation,
    "choose_mentee": contacts.got_mentee,
    "ask_topics": contacts.got_topics,
    **confirm.STEPS,
    **concerns.STEPS,
}

# Taps on template cards, by the kind of subject the card asks about ("confirm:12:34" → confirm.tapped).
# A dialogue question asked with `bot.cards.questions.ask` ("ask:<id>") runs its pending step.
CARDS: dict[str, CardHandler] = {
    "ask": step_tapped(STEPS),
    **confirm.CARDS,
    **concerns.CARDS,
    **crisis.CARDS,
    **pauses.CARDS,
}


def fallback(msg: Incoming, ctx: Context) -> Reply:
    """Answer anything unrecognised briefly, with two examples for the sender's roles, never silence."""
    if ctx.roles & LEADER_ROLES:
        examples = "· 今天去3号楼215宿舍看望学生，聊了考研\n· 我的进度"
    elif STUDENT in ctx.roles:
        examples = "· 宿舍热水器坏了，报修一周没人来\n· 想找暑期实习，学院有推荐的单位吗"
    else:
        examples = "· 希望学校多支持辅导员进修\n· 确认（确认领导记录的谈话）"
    return Reply.of(f"抱歉，我没有看懂这条消息。您可以这样说：\n{examples}\n发“帮助”查看全部用法。")
