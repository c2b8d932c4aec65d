"""The demo's first page (/): what the demo is and what to try, in Chinese, with links to the emulator."""

from __future__ import annotations

from flask import current_app, render_template

from bot.chat.context import Deps
from bot.console.accounts import DEMO_PASSWORD


def demo_index() -> str:
    """Explain the demo and link to the emulator."""
    deps: Deps = current_app.extensions["bot"]
    return render_template("emulator/demo_index.html", school=deps.settings.app.school_name,
                           wecom=deps.settings.wecom, demo_password=DEMO_PASSWORD)
