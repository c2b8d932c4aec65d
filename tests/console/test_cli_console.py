"""`contactbot admin create/list/unlock`: accounts with the password from stdin, checked against the roster."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli.main import main
from bot.console.models import ConsoleAccount
from bot.store.db import make_engine, make_sessions


def create(monkeypatch: pytest.MonkeyPatch, password: str, *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["admin", "create", *args])


def accounts(db: Path) -> dict[str, ConsoleAccount]:
    engine = make_engine(f"sqlite:///{db}")
    try:
        with make_sessions(engine)() as session:
            return {a.username: a for a in session.scalars(select(ConsoleAccount))}
    finally:
        engine.dispose()


def test_create_every_role(cli_roster: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert create(monkeypatch, "long-enough-1", "--username", "Wang", "--role", "admin") == 0
    assert create(monkeypatch, "long-enough-2", "--username", "kong", "--role", "department_head",
                  "--userid", "konglingjun01") == 0
    assert create(monkeypatch, "long-enough-3", "--username", "zhao", "--role", "leader",
                  "--userid", "zhaojianguo01") == 0
    assert create(monkeypatch, "long-enough-4", "--username", "prov", "--role", "province") == 0
    made = accounts(cli_roster)
    assert set(made) == {"wang", "kong", "zhao", "prov"}
    assert made["kong"].department == "计算机与信息工程学院"
    assert made["zhao"].display_name == "赵建国" and made["prov"].school_id is None
    assert made["wang"].password_hash.startswith("scrypt:") and "long-enough-1" not in made["wang"].password_hash
    capsys.readouterr()
    assert main(["admin", "list"]) == 0
    out = capsys.readouterr().out
    assert "wang\t学校管理员" in out and "prov\t省级账号\t全部学校" in out
    assert main(["admin", "unlock", "--username", "wang"]) == 0


@pytest.mark.parametrize("args, message", [
    (["--username", "x", "--role", "leader"], "--userid"),
    (["--username", "x", "--role", "leader", "--userid", "lisiqi01"], "不是校领导"),
    (["--username", "x", "--role", "admin", "--userid", "nobody"], "没有账号"),
    (["--username", "x", "--role", "department_head"], "--department"),
    (["--username", "x", "--role", "province", "--school", "default"], "省级账号"),
    (["--username", "x", "--role", "admin", "--school", "nowhere"], "不存在"),
    (["--username", "a b", "--role", "admin"], "空格"),
])
def test_refusals(cli_roster: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                  args: list[str], message: str) -> None:
    assert create(monkeypatch, "long-enough-1", *args) == 2
    assert message in capsys.readouterr().err
    assert accounts(cli_roster) == {}


def test_short_password_and_duplicate(cli_roster: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert create(monkeypatch, "short", "--username", "wang", "--role", "admin") == 2
    assert "至少12位" in capsys.readouterr().err
    # Long enough but guessable: repeated, common, or made of the school's and the account's own names.
    for weak in ("aaaaaaaaaaaa", "password1234", "default2026default", "wang2026wang2026", "示例大学示例大学2026"):
        assert create(monkeypatch, weak, "--username", "wang", "--role", "admin") == 2, weak
        assert "太容易被猜到" in capsys.readouterr().err
    assert accounts(cli_roster) == {}
    assert create(monkeypatch, "long-enough-1", "--username", "wang", "--role", "admin") == 0
    assert create(monkeypatch, "long-enough-1", "--username", "WANG", "--role", "admin") == 2
    assert "已存在" in capsys.readouterr().err
