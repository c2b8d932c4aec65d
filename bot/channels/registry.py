"""Which channel object serves a callback or sends a message: one per platform app and school.

Callback channels are built once per process and kept in `deps.caches` (they hold only keys);
the outbox job builds its own for each run, sharing one HTTP session that it closes afterwards.
"""

from __future__ import annotations

import requests

from bot.channels.official import OfficialChannel, official_enabled
from bot.channels.wecom import WecomChannel, wecom_app
from bot.chat.context import Deps

CallbackChannel = WecomChannel | OfficialChannel


def callback_channel(deps: Deps, platform: str, school: str = "") -> CallbackChannel | None:
    """Return the channel that reads callbacks for a platform ("wecom"/"official") and school, or None."""
    school = "" if school == deps.settings.app.school else school
    cache = deps.caches.setdefault("callback-channels", {})
    slot = (platform, school)
    if slot not in cache:
        cache[slot] = build_channel(deps, platform, school, http=None)
    channel: CallbackChannel | None = cache[slot]
    return channel


def build_channel(deps: Deps, platform: str, school: str, http: requests.Session | None) -> CallbackChannel | None:
    """Build a channel for a platform and school code ("" is the default school); None if not configured."""
    school = "" if school == deps.settings.app.school else school
    if platform == "wecom":
        app = wecom_app(deps.settings, school)
        return WecomChannel(app, deps.settings, deps.redis, http) if app is not None else None
    if platform == "official" and school == "" and official_enabled(deps.settings):
        return OfficialChannel(deps.settings, deps.redis, http)
    return None
