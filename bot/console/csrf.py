"""CSRF protection: one random token per session, required in every POST to the console.

Example: every form renders `<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">`;
a POST without it, or with another session's token, is refused with 400.
"""

from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

FIELD = "csrf_token"
SESSION_KEY = "csrf"


def csrf_token() -> str:
    """Return this session's token, making one on first use."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def check_csrf() -> None:
    """Refuse (400) an unsafe request whose form token is missing or not this session's."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.form.get(FIELD) or request.headers.get("X-CSRF-Token", "")
    expected = session.get(SESSION_KEY)
    if not isinstance(expected, str) or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, description="页面已过期或请求来源无效，请刷新页面后重试。")


def rotate_csrf() -> None:
    """Give the session a new token (after logging in, so a token seen before login is useless)."""
    session[SESSION_KEY] = secrets.token_urlsafe(32)
