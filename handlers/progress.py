"""Progress and the digest in chat: "我的进度" shows the sender's obligations this week, quarter and
semester; an admin's "周报" shows the school's summary for this week so far.

Example: "本季度完成情况" → 本周面对面接触学生 1/1 ✓ … 本季度尚未约谈：王丽
"""

from __future__ import annotations

from bot.chat.context import Context
from bot.chat.messages import Incoming, Reply
from bot.rules.digest_data import build_digest
from bot.rules.digest_render import render_markdown
from bot.rules.progress import compliance_for, render_progress
from bot.schedule.periods import week_of
from bot.terms.roles import ADMIN


def show_progress(msg: Incoming, ctx: Context) -> Reply:
    """Summarise what the sender has met and what is still due."""
    progress = compliance_for(ctx.db, ctx.sender, ctx.now, ctx.settings)
    if not progress.rules:
        return Reply.of("您目前没有需要完成的联系任务。")
    return Reply.of(render_progress(progress))


def show_digest(msg: Incoming, ctx: Context) -> Reply:
    """Give an admin this week's school summary (the full one goes out on Monday with a spreadsheet)."""
    if ADMIN not in ctx.roles:
        return Reply.of("汇总仅向管理员提供。发“我的进度”可以查看您自己的完成情况。")
    digest = build_digest(ctx.db, ctx.settings, ctx.school, week_of(ctx.today), ctx.now)
    markdown = render_markdown(digest, ctx.settings.digest.markdown_limit)
    return Reply(text=markdown, markdown=markdown)
