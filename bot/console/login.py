"""Logging in with a local account (the demo, schools without WeCom, province staff), and out.

Passwords are hashed with werkzeug.security (scrypt); five failures within 15 minutes lock the
username for 15 minutes (a TTL'd Redis counter, so every worker sees it), and twenty from one
address lock that address for 15 minutes whatever usernames it tries (with `[app] proxy_hops` set,
as behind nginx, so that the address is the visitor's own); a wrong username costs as much time as
a wrong password, so names cannot be probed. A role listed in `[console] totp_roles` gives a TOTP
code (pyotp) after the password; a code is accepted once. Sessions live in Redis (bot/console/sessions.py).
Example: POST /login with username=wang&password=…&csrf_token=… → 302 to /console/.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pyotp
from flask import current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response

from bot.chat.context import Deps
from bot.console.access import load_viewer, password_stamp, viewer_for_account
from bot.console.csrf import rotate_csrf
from bot.console.models import AUDITOR, ConsoleAccount
from bot.console.sessions import ServerSession
from bot.store.audit import record

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20  # one address trying many usernames (password spraying)
LOCK_SECONDS = 15 * 60
# Checked against when the username is unknown, so that both cases take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
WRONG = "用户名或密码错误。"
LOCKED = "登录失败次数过多，该账号已暂时锁定，请15分钟后再试。"
ADDRESS_LOCKED = "您所在网络的登录失败次数过多，请15分钟后再试。"
WRONG_CODE = "动态口令不正确或已使用过，请输入验证器中当前显示的6位数字。"
NO_TOTP = "该账号需要动态口令，但尚未设置。请学校管理员运行 contactbot admin reset-totp 后再登录。"
TOTP_STEP_MINUTES = 5  # how long the code form waits after the right password


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


def safe_next(target: str | None, role: str = "") -> str:
    """Return where to go after logging in: a path of this site only (no open redirect); an auditor's home
    is the audit log."""
    if target and target.startswith("/console") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("console.audit" if role == AUDITOR else "console.overview")


def login_page() -> str | Response | tuple[str, int]:
    """Show the login form; check a submitted one."""
    deps: Deps = current_app.extensions["bot"]
    g.deps = deps
    next_url = request.values.get("next", "")
    if request.method == "GET":
        return render_template("console/login.html", error="", username="", next=next_url,
                               wecom=_wecom_ready(deps))
    with deps.sessions.begin() as db:
        if "totp" in request.form:
            error, role = _second_factor(db, deps, request.form.get("totp", "").strip())
        else:
            username = request.form.get("username", "").strip().lower()
            error, role = _authenticate(db, deps, username, request.form.get("password", ""))
        if error == NEEDS_CODE:
            return render_template("console/login.html", error="", username="", next=next_url, totp=True,
                                   wecom=False)
        if error:
            totp = error == WRONG_CODE and "pending" in session
            return render_template("console/login.html", error=error, username=request.form.get("username", ""),
                                   next=next_url, totp=totp, wecom=_wecom_ready(deps) and not totp), \
                401 if error in (WRONG, WRONG_CODE, NO_TOTP) else 429
    return redirect(safe_next(next_url, role))


NEEDS_CODE = "needs-code"  # not an error: the password was right, the TOTP form comes next


def _authenticate(db: Session, deps: Deps, username: str, password: str) -> tuple[str, str]:
    """Check the password; log the account in (session + audit row) and return ("", role), ask for the
    TOTP code (NEEDS_CODE), or return the error to show."""
    if not username:
        return WRONG, ""
    from_key = client_address_key(deps)
    if from_key and is_locked(deps, from_key, MAX_ADDRESS_FAILURES):
        return ADDRESS_LOCKED, ""
    if is_locked(deps, failure_key(deps, username), MAX_FAILURES):
        return LOCKED, ""
    account = db.scalar(select(ConsoleAccount).where(func.lower(ConsoleAccount.username) == username))
    ok = check_password_hash(account.password_hash if account else _DUMMY_HASH, password)
    now = deps.clock()
    viewer = viewer_for_account(db, account) if account is not None and account.active and ok else None
    if viewer is None:
        if from_key:
            count_failure(deps, from_key, MAX_ADDRESS_FAILURES)  # a success never resets it
        if count_failure(deps, failure_key(deps, username), MAX_FAILURES) == MAX_FAILURES:
            record(db, school_id=account.school_id if account else None, actor=f"console:{username}",
                   action="console.lockout", target=username, detail={"failures": MAX_FAILURES}, at=now,
                   address=request.remote_addr or "")
            return LOCKED, ""
        return WRONG, ""
    assert account is not None
    if account.role in deps.settings.console.totp_roles:
        if not account.totp_secret:
            return NO_TOTP, ""
        session.clear()
        session["pending"] = {"account_id": account.id, "at": now.isoformat()}
        return NEEDS_CODE, ""
    clear_failures(deps, username)
    _log_in(db, deps, account, now, "password")
    return "", account.role


def _second_factor(db: Session, deps: Deps, code: str) -> tuple[str, str]:
    """Check the TOTP code of the account whose password was just given; log it in or return the error."""
    pending = session.get("pending") or {}
    now = deps.clock()
    account = db.get(ConsoleAccount, pending.get("account_id")) if pending else None
    started = datetime.fromisoformat(pending["at"]) if pending else now
    if account is None or not account.active or not account.totp_secret \
            or now - started > timedelta(minutes=TOTP_STEP_MINUTES):
        session.pop("pending", None)
        return WRONG, ""
    if is_locked(deps, failure_key(deps, account.username), MAX_FAILURES):
        return LOCKED, ""
    fresh = deps.redis.set(deps.key("console-totp-used", account.id, code), "1", nx=True, ex=120)
    if not (code.isdigit() and pyotp.TOTP(account.totp_secret).verify(code, for_time=now, valid_window=1) and fresh):
        if count_failure(deps, failure_key(deps, account.username), MAX_FAILURES) == MAX_FAILURES:
            session.pop("pending", None)
            return LOCKED, ""
        return WRONG_CODE, ""
    clear_failures(deps, account.username)
    _log_in(db, deps, account, now, "password+totp")
    return "", account.role


def _log_in(db: Session, deps: Deps, account: ConsoleAccount, now: datetime, method: str) -> None:
    """Start the account's session and write the login's audit row."""
    start_session(kind="local", account_id=account.id, stamp=password_stamp(account), at=now)
    account.last_login_at = now
    record(db, school_id=account.school_id, actor=f"console:{account.username}", action="console.login",
           target=account.username, detail={"method": method, "role": account.role}, at=now,
           address=request.remote_addr or "")


def start_session(at: datetime, **values: object) -> None:
    """Begin a fresh session under a new id (nothing from before login survives) holding who logged in."""
    session.clear()
    if isinstance(session, ServerSession):
        session.rotate()
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
                record(db, school_id=viewer.school_id, actor=viewer.actor, action="console.logout",
                       target=viewer.actor, at=deps.clock(), address=request.remote_addr or "")
    session.clear()
    return redirect(url_for("console.login"))


def _wecom_ready(deps: Deps) -> bool:
    """Tell whether WeCom login can be offered (a corp id, app id and secret are configured)."""
    w = deps.settings.wecom
    return bool(w.corp_id and w.agent_id and w.secret)
