"""The command line: links suggest/apply/standing, reminders preview (--json), digest (markdown, JSON,
xlsx) and scheduler help — one-line errors for user mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli.main import main


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("links", "reminders", "digest", "scheduler"):
        assert command in out


def test_reminders_preview_json(cli_roster: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reminders", "preview", "--at", "2026-11-26T17:00", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert items and all({"to", "rule", "text"} <= set(item) for item in items)
    by_user = {i["to"]: i for i in items}
    assert "weekly_face_to_face" in by_user["zhaojianguo01"]["rule"]  # merged: a list of rule ids
    assert by_user["zhaojianguo01"]["text"].startswith("赵建国您好")
    assert main(["reminders", "preview", "--at", "2026-11-26T22:00"]) == 0
    assert "没有需要发送的提醒" in capsys.readouterr().out
    assert main(["reminders", "preview", "--at", "2026-11-26T17:00"]) == 0
    assert "→ zhaojianguo01（赵建国）" in capsys.readouterr().out


def test_digest_outputs(cli_roster: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--week", "2026-W47"]) == 0
    assert capsys.readouterr().out.startswith("# 示例大学基层联系周报（11月16日–22日）")
    assert main(["digest", "--week", "2026-W47", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["week"] == "2026-W47" and len(data["rows"]) == 40
    assert any("未配置学期" in w for w in data["warnings"])
    out = tmp_path / "d.xlsx"
    assert main(["digest", "--week", "2026-W47", "--xlsx", str(out)]) == 0
    assert load_workbook(out)["联系情况"].max_row == 41
    assert main(["digest", "--week", "last"]) == 2
    assert "无法识别的周" in capsys.readouterr().err


def test_links_suggest_apply_standing(cli_roster: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["links", "suggest", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["leaders"] == 40 and plan["mentees"] == 60
    assert main(["links", "suggest"]) == 0
    assert "比例 1.50" in capsys.readouterr().out
    assert main(["links", "apply"]) == 0
    assert "已应用联系安排" in capsys.readouterr().out
    assert main(["links", "suggest", "--json"]) == 0
    assert all(not p["add"] and not p["end"] for p in json.loads(capsys.readouterr().out)["plans"])
    assert main(["links", "standing", "zhaojianguo01", "--class", "计科2101"]) == 0
    assert "赵建国固定联系：计科2101" in capsys.readouterr().out
    assert main(["links", "standing", "wangli01", "--club", "篮球社"]) == 2
    assert "不是本校的校领导" in capsys.readouterr().err
    assert main(["links", "standing", "--from-roster"]) == 0
