"""Console accounts as a school's 等保 review tries them: a session cookie is dead after logout, after 30
minutes idle and 8 hours after login; a TOTP code is asked of the roles `[console] totp_roles` lists;
`contactbot admin disable / enable / reset-password` end sessions; HSTS and Secure cookies behind https.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.chat.context import Deps
from bot.cli.main import main
from bot.config import ConsoleSettings, load_settings
from bot.console.models import ConsoleAccount
from bot.server.web import create_app
from tests.conftest import Clock
from tests.console.conftest import Seed, csrf, login, login_as, post


def cookie(client: FlaskClient) -> str:
    found = client.get_cookie("contactbot_console")
    assert found is not None
    return found.value


def test_a_cookie_copied_before_logout_is_dead_after_it(app: Flask, client: FlaskClient, seed: Seed) -> None:
    login_as(client, "admin")
    copied = cookie(client)
    thief = app.test_client()
    thief.set_cookie("contactbot_console", copied)
    assert thief.get("/console/records").status_code == 200  # the copy works while the session lives
    post(client, "/logout")
    assert thief.get("/console/records").status_code == 302  # to /login
    assert thief.get(f"/console/records/{seed.contact_zhao}/evidence/{seed.photo_zhao}").status_code == 302


def test_the_cookie_holds_only_an_id_and_changes_at_login(client: FlaskClient, console_deps: Deps,
                                                            seed: Seed) -> None:
    csrf(client)
    before = cookie(client)
    login_as(client, "admin")
    after = cookie(client)
    assert after != before and "admin" not in after and len(after) >= 40  # no fixation; nothing readable
    keys = list(console_deps.redis.scan_iter(f"{console_deps.settings.redis.prefix}:console-session:*"))
    assert keys and after not in " ".join(keys)  # stored by its hash


def test_idle_and_absolute_timeouts(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    clock = console_deps.clock
    assert isinstance(clock, Clock)
    start = clock.moment
    login_as(client, "admin")
    clock.moment = start + timedelta(minutes=29)
    assert client.get("/console/").status_code == 200
    clock.moment = start + timedelta(minutes=29 + 31)
    assert client.get("/console/").status_code == 302  # 31 minutes idle
    login_as(client, "admin")
    for minutes in range(25, 8 * 60, 25):  # busy all day: still ends 8 hours after login
        clock.moment = start + timedelta(minutes=60 + minutes)
        assert client.get("/console/").status_code == 200, minutes
    clock.moment = start + timedelta(minutes=60 + 8 * 60 + 1)
    assert client.get("/console/").status_code == 302


def totp_app(deps: Deps, roles: tuple[str, ...]) -> Flask:
    settings = replace(deps.settings, console=ConsoleSettings(totp_roles=roles))
    return create_app(deps=Deps(settings=settings, engine=deps.engine, sessions=deps.sessions, clock=deps.clock,
                                _redis=deps.redis))


def test_totp_for_the_roles_that_need_it(console_deps: Deps, seed: Seed) -> None:
    client = totp_app(console_deps, ("admin", "province", "auditor")).test_client()
    assert login(client, "admin1").status_code == 401  # no secret yet: the admin must issue one
    secret = pyotp.random_base32()
    with console_deps.sessions.begin() as db:
        account = db.scalar(select(ConsoleAccount).where(ConsoleAccount.username == "admin1"))
        assert account is not None
        account.totp_secret = secret
    asked = login(client, "admin1")
    assert asked.status_code == 200 and 'name="totp"' in asked.get_data(as_text=True)
    assert client.get("/console/").status_code == 302  # the password alone opens nothing
    wrong = client.post("/login", data={"totp": "000000", "csrf_token": csrf(client)})
    assert wrong.status_code == 401
    code = pyotp.TOTP(secret).at(console_deps.clock())
    assert client.post("/login", data={"totp": code, "csrf_token": csrf(client)}).status_code == 302
    assert client.get("/console/").status_code == 200
    post(client, "/logout")
    login(client, "admin1")
    replayed = client.post("/login", data={"totp": code, "csrf_token": csrf(client)})
    assert replayed.status_code == 401  # a code is accepted once
    assert login(client, "leader1").status_code == 302  # a leader: no second factor configured


def test_https_gets_hsts_and_secure_cookies(console_deps: Deps, seed: Seed) -> None:
    from tests.console.conftest import console_settings

    client = create_app(deps=console_settings(console_deps, public_url="https://bot.example.edu.cn")).test_client()
    response = client.get("/login")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    plain = create_app(deps=console_deps).test_client().get("/login")
    assert "Strict-Transport-Security" not in plain.headers


def test_admin_disable_enable_and_reset_password(cli_roster: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Shijiazhuang-plum-4471\n"))
    assert main(["admin", "create", "--username", "wang", "--role", "admin"]) == 0
    deps = Deps.build(load_settings())
    client = create_app(deps=deps).test_client()
    assert login(client, "wang", "Shijiazhuang-plum-4471").status_code == 302
    assert main(["admin", "disable", "--username", "wang"]) == 0
    assert client.get("/console/").status_code == 302  # the open session ended
    assert login(client, "wang", "Shijiazhuang-plum-4471").status_code == 401
    assert main(["admin", "enable", "--username", "wang"]) == 0
    assert login(client, "wang", "Shijiazhuang-plum-4471").status_code == 302
    monkeypatch.setattr("sys.stdin", io.StringIO("aaaaaaaaaaaaaa\n"))
    assert main(["admin", "reset-password", "--username", "wang"]) == 2  # weak: refused
    monkeypatch.setattr("sys.stdin", io.StringIO("Baoding-donkey-burger-88\n"))
    assert main(["admin", "reset-password", "--username", "wang"]) == 0
    assert client.get("/console/").status_code == 302
    assert login(client, "wang", "Shijiazhuang-plum-4471").status_code == 401
    assert login(client, "wang", "Baoding-donkey-burger-88").status_code == 302
    deps.close()
    assert "已停用" in capsys.readouterr().out


def test_admin_create_prints_the_otpauth_uri(cli_roster: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CONTACTBOT_CONSOLE_TOTP_ROLES", "admin,auditor,province")
    monkeypatch.setattr("sys.stdin", io.StringIO("Shijiazhuang-plum-4471\n"))
    assert main(["admin", "create", "--username", "prov", "--role", "province"]) == 0
    out = capsys.readouterr().out
    assert "otpauth://totp/" in out and "secret=" in out
    assert main(["admin", "reset-totp", "--username", "prov"]) == 0
    again = capsys.readouterr().out
    assert "secret=" in again and again.split("secret=")[1][:16] != out.split("secret=")[1][:16]

