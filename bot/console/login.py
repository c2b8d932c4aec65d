"""Logging in with a local account (the demo, schools without WeCom, province staff), and out.

Passwords are hashed with werkzeug.security (scrypt); five failures within 15 minutes lock the
username for 15 minutes (a TTL'd Redis counter, so every worker sees it), and twenty from one
address lock that address for 15 minutes whatever usernames it tries (with `[app] proxy_hops` set,
as behind nginx, so that the address is the visitor's own); a wrong username costs as much time as
a wrong password, so names cannot be probed.
Example: POST /login with username=wang&password=…&csrf_token=… → 302 to /console/.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response

from bot.console.access import load_viewer, password_stamp, viewer_for_account
from bot.console.csrf import rotate_csrf
from bot.console.models import ConsoleAccount
from bot.context import Deps
from bot.models import AuditLog

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20  # one address trying many usernames (password spraying)
LOCK_SECONDS = 15 * 60
# Checked against when the username is unknown, so that both cases take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
WRONG = "用户名或密码错误。"
LOCKED = "登录失败次数过多，该账号已暂时锁定，请15分钟后再试。"
ADDRESS_LOCKED = "您所在网络的登录失败次数过多，请15分钟后再试。"


def failure_key(deps: Deps, username: str) -> str:
    return deps.key("console-login-fail", username)


def client_address_key(deps: Deps) -> str:
    """The failure counter of the visitor's address, or "" when the address is not the visitor's own.

    Only with `[app] proxy_hops` set is it (ProxyFix): otherwise, behind nginx, every visitor would
    share the proxy's address and twenty wrong passwords anywhere would lock the whole school out.
    """
    if deps.settings.app.proxy_hops <= 0:
        return ""
    return deps.key("console-login-fail-from", request.remote_addr or "unknown")


def is_locked(deps: Deps, key: str, limit: int) -> bool:
    """Tell whether a failure counter (a username's or an address's) has reached its limit."""
    count = deps.redis.get(key)
    return count is not None and int(count) >= limit


def count_failure(deps: Deps, key: str, limit: int) -> int:
    """Count one failed attempt; the window starts at the first failure and is extended when locking."""
    count = int(deps.redis.incr(key))
    if count == 1 or count >= limit:
        deps.redis.expire(key, LOCK_SECONDS)
    return count


def clear_failures(deps: Deps, username: str) -> None:
    deps.redis.delete(failure_key(deps, username))


def safe_next(target: str | None) -> str:
    """Return where to go after logging in: a path of this site only (no open redirect)."""
    if target and target.startswith("/console") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("console.overview")


def login_page() -> str | Response | tuple[str, int]:
    """Show the login form; check a submitted one."""
    deps: Deps = current_app.extensions["bot"]
    g.deps = deps
    next_url = request.values.get("next", "")
    if request.method == "GET":
        return render_template("console/login.html", error="", username="", next=next_url,
                               wecom=_wecom_ready(deps))
    username = request.form.get("username", "").strip().lower()
    password = request.form.get("password", "")
    with deps.sessions.begin() as db:
        error = _authenticate(db, deps, username, password)
        if error:
            return render_template("console/login.html", error=error, username=username, next=next_url,
                                   wecom=_wecom_ready(deps)), 401 if error == WRONG else 429
    return redirect(safe_next(next_url))


def _authenticate(db: Session, deps: Deps, username: str, password: str) -> str:
    """Log the account in (session + audit row) and return "", or return the error to show."""
    if not username:
        return WRONG
    from_key = client_address_key(deps)
    if from_key and is_locked(deps, from_key, MAX_ADDRESS_FAILURES):
        return ADDRESS_LOCKED
    if is_locked(deps, failure_key(deps, username), MAX_FAILURES):
        return LOCKED
    account = db.scalar(select(ConsoleAccount).where(func.lower(ConsoleAccount.username) == username))
    ok = check_password_hash(account.password_hash if account else _DUMMY_HASH, password)
    now = deps.clock()
    viewer = viewer_for_account(db, account) if account is not None and account.active and ok else None
    if viewer is None:
        if from_key:
            count_failure(deps, from_key, MAX_ADDRESS_FAILURES)  # a success never resets it
        if count_failure(deps, failure_key(deps, username), MAX_FAILURES) == MAX_FAILURES:
            db.add(AuditLog(school_id=account.school_id if account else None, actor=f"console:{username}"[:64],
                            action="console.lockout", target=username, detail={"failures": MAX_FAILURES}, at=now))
            return LOCKED
        return WRONG
    assert account is not None
    clear_failures(deps, username)
    start_session(kind="local", account_id=account.id, stamp=password_stamp(account), at=now)
    account.last_login_at = now
    db.add(AuditLog(school_id=account.school_id, actor=viewer.actor, action="console.login", target=username,
                    detail={"method": "password", "role": account.role}, at=now))
    return ""


def start_session(at: datetime, **values: object) -> None:
    """Begin a fresh session (nothing from before login survives) holding who logged in."""
    session.clear()
    session.permanent = True
    session.update(values)
    session["since"] = at.isoformat()
    rotate_csrf()


def logout() -> Response:
    """End the session (a POST with the CSRF token, so a link elsewhere cannot log anyone out)."""
    deps: Deps = current_app.extensions["bot"]
    who = session.get("account_id") or session.get("person_id")
    if who is not None:
        with deps.sessions.begin() as db:
            viewer = load_viewer(db)
            if viewer is not None:
                db.add(AuditLog(school_id=viewer.school_id, actor=viewer.actor, action="console.logout",
                                target=viewer.actor, detail={}, at=deps.clock()))
    session.clear()
    return redirect(url_for("console.login"))


def _wecom_ready(deps: Deps) -> bool:
    """Tell whether WeCom login can be offered (a corp id, app id and secret are configured)."""
    w = deps.settings.wecom
    return bool(w.corp_id and w.agent_id and w.secret)
