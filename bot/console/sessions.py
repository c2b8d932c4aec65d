"""Console sessions kept on the server, in Redis: the cookie holds only a random id, so logging out, a
disabled account or a new password ends a session everywhere at once, and a cookie copied before logout
opens nothing after it. A session ends after `[console] session_idle_minutes` without a request and
`session_hours` after login whatever its use (等保 2.0: 会话超时).

Redis holds `bot:console-session:<sha256 of the id>` (so a copy of Redis gives no usable cookie) with a
TTL, and `bot:console-sessions-of:<who>` listing a person's or account's sessions so they can all be ended.

Example: `end_sessions(deps, "account:7")` after `contactbot admin disable --username wang`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from bot.chat.context import Deps

COOKIE = "contactbot_console"
ANONYMOUS_TTL = 30 * 60  # a login form's session (its CSRF token), before anyone logs in


class ServerSession(CallbackDict[str, Any], SessionMixin):
    """A session's values, loaded from Redis; `rotate()` gives it a new id (at login: no fixation)."""

    def __init__(self, values: dict[str, Any] | None = None, sid: str = "", new: bool = False) -> None:
        def touched(_: CallbackDict[str, Any]) -> None:
            self.modified = True

        super().__init__(values or {}, touched)
        self.sid, self.new, self.modified, self.old_sid = sid, new, False, ""

    def rotate(self) -> None:
        self.old_sid, self.sid, self.modified = self.sid, "", True


def _key(deps: Deps, sid: str) -> str:
    return deps.key("console-session", hashlib.sha256(sid.encode()).hexdigest())


def _owner_key(deps: Deps, who: str) -> str:
    return deps.key("console-sessions-of", who)


def session_owner(values: dict[str, Any]) -> str:
    """Return whose session it is ("account:7", "person:42"), or "" before login."""
    if values.get("kind") == "local" and values.get("account_id"):
        return f"account:{values['account_id']}"
    if values.get("kind") == "wecom" and values.get("person_id"):
        return f"person:{values['person_id']}"
    return ""


def end_sessions(deps: Deps, who: str) -> int:
    """End every session of an account or person ("account:7"); return how many were open."""
    owner = _owner_key(deps, who)
    keys = [str(k) for k in deps.redis.smembers(owner)]  # type: ignore[union-attr]
    if keys:
        deps.redis.delete(*keys)
    deps.redis.delete(owner)
    return len(keys)


class RedisSessionInterface(SessionInterface):
    """Flask's session, kept in Redis under a random id."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sid = request.cookies.get(COOKIE, "")
        if sid:
            raw = self.deps.redis.get(_key(self.deps, sid))
            if raw is not None:
                values = json.loads(raw)
                if not self._expired(values, self.deps.clock()):
                    return ServerSession(values, sid)
                self.deps.redis.delete(_key(self.deps, sid))
        return ServerSession(new=True)

    def _expired(self, values: dict[str, Any], now: datetime) -> bool:
        """Idle too long, or past the absolute limit since login (checked on our clock, not only Redis's TTL)."""
        c = self.deps.settings.console
        seen, since = values.get("_seen"), values.get("since")
        if seen and now - datetime.fromisoformat(seen) > timedelta(minutes=c.session_idle_minutes):
            return True
        return bool(since and now - datetime.fromisoformat(since) > timedelta(hours=c.session_hours))

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        deps = self.deps
        secure = deps.settings.app.public_url.startswith("https://")
        if session.old_sid:
            deps.redis.delete(_key(deps, session.old_sid))
        if not session:
            if session.sid:
                deps.redis.delete(_key(deps, session.sid))
                response.delete_cookie(COOKIE, httponly=True, secure=secure, samesite="Lax")
            return
        now = deps.clock()
        if not session.sid:
            session.sid = secrets.token_urlsafe(32)
        session["_seen"] = now.isoformat()  # every request counts as activity
        owner = session_owner(dict(session))
        ttl = deps.settings.console.session_idle_minutes * 60 if owner else ANONYMOUS_TTL
        key = _key(deps, session.sid)
        pipe = deps.redis.pipeline(transaction=False)
        pipe.set(key, json.dumps(dict(session)), ex=ttl + 60)  # our own clock decides; Redis only cleans up
        if owner:
            hours = deps.settings.console.session_hours * 3600
            pipe.sadd(_owner_key(deps, owner), key)
            pipe.expire(_owner_key(deps, owner), hours + 60)
        pipe.execute()
        response.set_cookie(COOKIE, session.sid, httponly=True, secure=secure, samesite="Lax")
        response.vary.add("Cookie")
