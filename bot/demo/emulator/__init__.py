"""The local WeCom emulator: chat with the bot as anyone on the roster, with WeCom's real crypto.

`emulator_bp` serves the chat page (/emulator/), the browser's endpoints (/emulator/api/…) and the
WeCom server API the bot calls (/emulator/cgi-bin/…, set `[wecom] api_base_url` to
http://HOST/emulator). It must never be registered in production: `contactbot demo` and the tests
register it themselves; `create_app` does not.
"""

from bot.demo.emulator import api, chat, demo_clock  # noqa: F401  (their routes are registered on the blueprint)
from bot.demo.emulator.blueprint import emulator_bp

__all__ = ["emulator_bp"]
