"""The command line: upgrade, roster import/export, say, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main
from tests.conftest import PG_URL, ROSTER


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("db", "roster", "serve", "say"):
        assert command in out


def test_upgrade_import_export_say(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert main(["roster", "import", str(ROSTER), "--dry-run"]) == 0
    assert "试运行" in capsys.readouterr().out
    assert main(["roster", "export"]) == 0
    assert capsys.readouterr().out.strip() == "userid,name,roles,department,class,title,mentees"
    assert main(["roster", "import", str(ROSTER)]) == 0
    assert "新增 163" in capsys.readouterr().out
    assert main(["roster", "export"]) == 0
    assert capsys.readouterr().out.splitlines() == ROSTER.read_text(encoding="utf-8").splitlines()
    assert main(["say", "--as", "zhaojianguo01", "帮助"]) == 0
    out = capsys.readouterr().out
    assert "赵建国" in out and "记录联系" in out
    assert main(["say", "--as", "lisiqi01", "--at", "2026-11-25T21:00", "帮助"]) == 0
    assert "反映问题" in capsys.readouterr().out
    assert main(["say", "--as", "stranger", "你好"]) == 0
    assert "花名册" in capsys.readouterr().out


def test_bad_roster_changes_nothing(cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("userid,name,roles\nx1,甲,student\nx1,乙,wizard\n", encoding="utf-8")
    assert main(["roster", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "第3行 [userid]" in err and "第3行 [roles]" in err and "未导入" in err
    main(["roster", "export"])
    assert "x1" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["roster", "import", "/no/such/file.csv"], "文件不存在"),
        (["say", "--as", "x", "--at", "yesterday", "hi"], "无法识别的时间"),
        (["--config", "/no/such.toml", "db", "upgrade"], "配置文件不存在"),
    ],
)
def test_user_mistakes_are_one_line(cli_env: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                    needle: str) -> None:
    assert main(argv) != 0
    err = capsys.readouterr().err.strip()
    assert needle in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_say_before_upgrade_explains(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["say", "--as", "x", "帮助"]) == 2
    assert "db upgrade" in capsys.readouterr().err


@pytest.mark.integration
def test_upgrade_builds_postgresql(pg_database: str, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert PG_URL
    monkeypatch.setenv("CONTACTBOT_DATABASE_URL", pg_database)
    assert main(["db", "upgrade"]) == 0  # already at head: a second upgrade is a no-op
    assert "postgresql" in capsys.readouterr().out
