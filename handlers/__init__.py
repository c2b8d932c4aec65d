"""All routes, in priority order (the first match wins), and the dialogue steps by name.

Registered explicitly here; no import-time decorator registries.
"""

from __future__ import annotations

from bot.context import Context
from bot.messages import Incoming, Reply
from bot.routing import Route, Step
from handlers.help import show_help

HELP_WORDS = ("帮助", "help", "?", "？", "使用说明", "菜单")

ROUTES: list[Route] = [
    Route(show_help, words=HELP_WORDS),
]

STEPS: dict[str, Step] = {}


def fallback(msg: Incoming, ctx: Context) -> Reply:
    """Answer anything unrecognised briefly, with two examples, never silence."""
    return Reply.of(
        "抱歉，我没有看懂这条消息。您可以这样说：\n"
        "· 今天去3号楼215宿舍看望学生，聊了考研\n"
        "· 我的进度\n"
        "发“帮助”查看全部用法。"
    )
