"""`contactbot jobs run --at` does what the scheduler would do at that moment (issue 14 §6): an
unacknowledged crisis escalates once its minutes have passed, once, and not after an acknowledgement;
`contactbot concerns export --format jsonl` carries the case's state, owner and timestamps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.main import main


def jobs_run(at: str, capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    assert main(["jobs", "run", "--at", at]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"已按 {at.replace('T', ' ')} 运行到期任务："
    return {job: int(count) for job, count in (line.split() for line in lines[1:])}


def test_jobs_run_escalates_at_the_minute_once_and_the_export_shows_the_case(
        cli_roster: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["say", "--as", "zhanghaoran01", "--at", "2026-11-25T23:50", "真的不想活了 今晚就从楼顶跳下去"]) == 0
    assert "12356" in capsys.readouterr().out
    ran = jobs_run("2026-11-25T23:59", capsys)
    assert ran["crisis"] == 0 and {"reminders", "digest", "concern-deadlines", "outbox", "purge"} <= set(ran)
    assert jobs_run("2026-11-26T00:00", capsys)["crisis"] == 1  # 10 minutes, at midnight: no quiet hours
    assert jobs_run("2026-11-26T00:05", capsys)["crisis"] == 0  # sent once
    assert main(["say", "--as", "shizhigang01", "--at", "2026-11-26T00:07", "接手#1"]) == 0
    assert "#1 由您负责" in capsys.readouterr().out
    assert jobs_run("2026-11-26T00:30", capsys)["crisis"] == 0  # acknowledged: the chain stopped
    assert main(["concerns", "export", "--format", "jsonl"]) == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["crisis"] and row["crisis_state"] == "acknowledged" and row["crisis_owner"] == "石志刚"
    assert row["crisis_kind"] == "self" and row["crisis_steps_sent"] == 2 and row["crisis_outcome"] is None
    assert row["crisis_alerted_at"] == "2026-11-25T23:50:00+08:00"
    assert row["crisis_acknowledged_at"] == "2026-11-26T00:07:00+08:00" and row["crisis_closed_at"] is None
    assert row["first_response_due"] is None and row["resolve_due"] is None  # no ordinary deadlines


def test_jobs_run_refuses_a_bad_moment(cli_roster: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "run", "--at", "明天"]) == 2
    assert "无法识别的时间" in capsys.readouterr().err
