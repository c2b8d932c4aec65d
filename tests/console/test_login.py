"""Logging in and out: hashed passwords, CSRF on every POST, the lockout, safe cookies, no open redirect."""

from __future__ import annotations

from dataclasses import replace

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from bot.chat.context import Deps
from bot.console.login import MAX_ADDRESS_FAILURES, MAX_FAILURES
from bot.console.models import ConsoleAccount
from bot.server.web import create_app
from bot.store.models import AuditLog
from tests.console.conftest import PASSWORD, Seed, console_settings, csrf, login, post


def test_login_page_is_chinese_and_has_a_csrf_token(client: FlaskClient) -> None:
    page = client.get("/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "登录管理台" in html and 'name="username"' in html and 'name="password"' in html
    assert 'name="csrf_token"' in html
    assert "Content-Security-Policy" in page.headers and page.headers["X-Frame-Options"] == "DENY"


def test_password_login_then_logout(client: FlaskClient, console_deps: Deps) -> None:
    response = login(client, "admin1")
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/")
    assert "基层联系助手" in client.get("/console/").get_data(as_text=True)
    with console_deps.sessions() as db:
        actions = [a.action for a in db.scalars(select(AuditLog).where(AuditLog.actor == "console:admin1"))]
        account = db.scalar(select(ConsoleAccount).where(ConsoleAccount.username == "admin1"))
    assert actions == ["console.login"]
    assert account is not None and account.last_login_at is not None
    assert account.password_hash != PASSWORD and account.password_hash.startswith("pbkdf2:")
    assert post(client, "/logout").status_code == 302
    after = client.get("/console/")
    assert after.status_code == 302 and "/login" in after.headers["Location"]


def test_username_is_case_insensitive(client: FlaskClient) -> None:
    assert login(client, "ADMIN1").status_code == 302


def test_wrong_password_and_unknown_user_read_the_same(client: FlaskClient) -> None:
    wrong = login(client, "admin1", "nope-nope-nope")
    unknown = login(client, "nobody", "nope-nope-nope")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.get_data(as_text=True)
    assert "用户名或密码错误" in unknown.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client: FlaskClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "admin1", "password": PASSWORD})
    assert response.status_code == 400
    forged = client.post("/login", data={"username": "admin1", "password": PASSWORD, "csrf_token": "forged"})
    assert forged.status_code == 400
    assert login(client, "admin1").status_code == 302
    # Logged in, a POST without the token is still refused, and changes nothing.
    assert client.post("/logout").status_code == 400
    assert client.get("/console/").status_code == 200


def test_lockout_after_repeated_failures(client: FlaskClient, console_deps: Deps) -> None:
    for _ in range(MAX_FAILURES - 1):
        assert login(client, "admin1", "wrong-password").status_code == 401
    locked = login(client, "admin1", "wrong-password")
    assert locked.status_code == 429 and "锁定" in locked.get_data(as_text=True)
    # Even the right password is refused while locked.
    assert login(client, "admin1").status_code == 429
    with console_deps.sessions() as db:
        assert db.scalar(select(AuditLog.action).where(AuditLog.action == "console.lockout")) == "console.lockout"
    key = console_deps.key("console-login-fail", "admin1")
    assert 0 < console_deps.redis.ttl(key) <= 15 * 60
    console_deps.redis.delete(key)  # the lock expires
    assert login(client, "admin1").status_code == 302


def test_session_cookie_is_httponly_lax_and_secure_behind_https(console_deps: Deps, seed: Seed) -> None:
    plain = create_app(deps=console_deps).test_client()
    cookie = login(plain, "admin1").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = create_app(deps=console_settings(console_deps, public_url="https://bot.example.edu.cn")).test_client()
    cookie = login(https, "admin1").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_next_goes_back_but_never_off_site(client: FlaskClient) -> None:
    page = client.get("/console/records?kind=online")
    assert page.status_code == 302
    assert "next=/console/records" in page.headers["Location"]
    back = client.post("/login", data={"username": "admin1", "password": PASSWORD, "csrf_token": csrf(client),
                                       "next": "/console/records?kind=online"})
    assert back.headers["Location"].endswith("/console/records?kind=online")
    post(client, "/logout")
    for evil in ("//evil.example.com/", "https://evil.example.com/", "/\\evil.example.com"):
        away = client.post("/login", data={"username": "admin1", "password": PASSWORD, "csrf_token": csrf(client),
                                           "next": evil})
        assert away.headers["Location"].endswith("/console/"), evil
        post(client, "/logout")


def test_changed_password_or_disabled_account_ends_the_session(client: FlaskClient, console_deps: Deps) -> None:
    assert login(client, "admin1").status_code == 302
    with console_deps.sessions.begin() as db:
        account = db.scalar(select(ConsoleAccount).where(ConsoleAccount.username == "admin1"))
        assert account is not None
        account.password_hash = generate_password_hash("another-password", method="pbkdf2:sha256:1000")
    assert client.get("/console/").status_code == 302
    assert login(client, "admin1", "another-password").status_code == 302
    with console_deps.sessions.begin() as db:
        account = db.scalar(select(ConsoleAccount).where(ConsoleAccount.username == "admin1"))
        assert account is not None
        account.active = False
    assert client.get("/console/").status_code == 302
    assert login(client, "admin1", "another-password").status_code == 401


def test_leader_account_needs_its_roster_person(client: FlaskClient, console_deps: Deps) -> None:
    from tests.console.conftest import add_account

    add_account(console_deps, "ghost", "leader", "no-such-userid")
    assert login(client, "ghost").status_code == 401


def test_without_a_secret_key_the_console_still_works(console_deps: Deps, seed: Seed) -> None:
    deps = Deps(settings=replace(console_deps.settings, app=replace(console_deps.settings.app, secret_key="")),
                engine=console_deps.engine, sessions=console_deps.sessions, clock=console_deps.clock,
                _redis=console_deps.redis)
    client = create_app(deps=deps).test_client()
    assert login(client, "admin1").status_code == 302  # sessions live in Redis: no signing key needed
    assert client.get("/console/").status_code == 200


def test_one_address_trying_many_usernames_is_locked_out(console_deps: Deps, seed: Seed) -> None:
    app = create_app(deps=console_settings(console_deps, proxy_hops=1))  # behind nginx
    attacker = client_from(app, HTTP_X_FORWARDED_FOR="203.0.113.7")
    for n in range(MAX_ADDRESS_FAILURES):
        assert login(attacker, f"guess{n}", "wrong-password").status_code == 401  # no username reaches its limit
    refused = login(attacker, "admin1")  # even a right password, from that address
    assert refused.status_code == 429 and "网络" in refused.get_data(as_text=True)
    colleague = client_from(app, HTTP_X_FORWARDED_FOR="198.51.100.4")  # same proxy, another person
    assert login(colleague, "admin1").status_code == 302


def test_without_proxy_hops_the_proxys_address_locks_nobody_out(client: FlaskClient) -> None:
    for n in range(MAX_ADDRESS_FAILURES + 5):  # all visitors arrive from the proxy's one address
        assert login(client, f"guess{n}", "wrong-password").status_code == 401
    assert login(client, "admin1").status_code == 302


def client_from(app: Flask, **environ: str) -> FlaskClient:
    """A test client whose requests carry these WSGI environ values (a remote address, a proxy header)."""
    client = app.test_client()
    client.environ_base.update(environ)
    return client
