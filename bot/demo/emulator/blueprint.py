"""The emulator's blueprint, on which bot/demo/emulator/chat.py (the chat page) and bot/demo/emulator/api.py (the WeCom
server API) register their routes; `bot.demo.emulator` hands it out with both loaded.

Example: `app.register_blueprint(emulator_bp)` serves /emulator/ and /emulator/cgi-bin/….
"""

from __future__ import annotations

from flask import Blueprint

emulator_bp = Blueprint("emulator", __name__, url_prefix="/emulator", template_folder="templates",
                        static_folder="static", static_url_path="/static")
