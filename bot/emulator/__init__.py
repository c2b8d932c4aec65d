"""The local WeCom emulator: chat with the bot as anyone on the roster, with WeCom's real crypto.

`emulator_bp` serves the chat page (/emulator/), the browser's endpoints (/emulator/api/…) and the
WeCom server API the bot calls (/emulator/cgi-bin/…, set `[wecom] api_base_url` to
http://HOST/emulator). It must never be registered in production: `contactbot demo` and the tests
register it themselves; `create_app` does not.
"""

from __future__ import annotations

from flask import Blueprint

emulator_bp = Blueprint("emulator", __name__, url_prefix="/emulator", template_folder="templates",
                        static_folder="static", static_url_path="/static")

from bot.emulator import api, chat, demo_clock  # noqa: E402,F401  (register the routes)
