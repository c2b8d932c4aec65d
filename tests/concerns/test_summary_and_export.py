"""The weekly digest's concerns section (open, overdue, common problems, by category) and
`contactbot concerns export --format jsonl|xlsx` (issue 6 §4, §8)."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.chat.context import Deps
from bot.cli.main import main
from bot.concerns.export import HEADERS_ZH, concern_rows, write_jsonl
from bot.concerns.summary import concerns_summary
from bot.store.db import school_by_code
from tests.concerns.conftest import tune
from tests.concerns.test_common_problems import HOT_WATER
from tests.conftest import ROSTER
from tests.sim import Simulator


def test_weekly_summary(sim: Simulator, cdeps: Deps) -> None:
    tune(cdeps, small_group_threshold=0)
    for userid, text in HOT_WATER:
        sim.as_(userid).say(text)
    sim.as_("huangjunjie01").say("想找个暑期实习 学院有推荐的单位吗")
    sim.as_("maojianxin01").at("2026-11-26T10:00").say("#4 已处理 已推荐三家单位")
    with cdeps.sessions() as db:
        school = school_by_code(db, "", cdeps.settings)
        assert school is not None
        week = concerns_summary(db, school, date(2026, 11, 25), cdeps.settings.tz)
        later = concerns_summary(db, school, date(2026, 12, 7), cdeps.settings.tz)
    assert (week.raised, week.resolved, week.open) == (4, 1, 3)
    assert week.by_category["life"] == 3 and week.by_category["career"] == 1
    assert [p.numbers for p in week.common_problems] == [(1, 2, 3)] and week.common_problems[0].people == 3
    text = week.render()
    assert "本周新增 4 件" in text and "共性问题" in text and "生活 3" in text
    assert later.raised == 0 and later.open == 3
    assert [o.number for o in later.overdue] == [1, 2, 3]  # never answered, 24 working hours long past
    assert "超期 #1" in later.render()


def test_export_rows(sim: Simulator, cdeps: Deps) -> None:
    tune(cdeps, small_group_threshold=0)
    sim.as_("zhanghaoran01").say("宿舍楼热水器坏了 报修没人管")
    sim.as_("lisiqi01").say("匿名 食堂的饭越来越贵了")
    sim.as_("sunguoqiang01").say("回复#1 已安排维修")
    with cdeps.sessions() as db:
        school = school_by_code(db, "", cdeps.settings)
        assert school is not None
        out = StringIO()
        assert write_jsonl(concern_rows(db, school, cdeps.settings), out) == 2
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["number"] == 1 and first["category"] == "life" and first["status"] == "answered"
    assert first["owner_office"] == "后勤管理处" and first["owner"] == "孙国强"
    assert first["sender_name"] == "张浩然" and first["sender_class"] == "计科2101"
    assert first["replies"][0]["by"] == "孙国强" and first["replies"][0]["text"] == "已安排维修"
    assert first["created_at"] == "2026-11-25T12:00:00+08:00" and first["resolve_due"] == "2026-12-02T12:00:00+08:00"
    assert second["anonymous"] and second["sender_userid"] is None and second["sender_name"] is None



def test_export_command(cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # each `say` has its own in-process Redis, so no dialogue spans two: no small-group question
    monkeypatch.setenv("CONTACTBOT_CONCERNS_SMALL_GROUP_THRESHOLD", "0")
    assert main(["db", "upgrade"]) == 0 and main(["roster", "import", str(ROSTER)]) == 0
    assert main(["say", "--as", "zhanghaoran01", "--at", "2026-11-25T12:00",
                 '=HYPERLINK("http://evil") 宿舍楼热水器坏了 报修没人管']) == 0
    assert main(["say", "--as", "hejiayi01", "--at", "2026-11-25T12:05", "别公开我的身份啊 实习的公司一直拖欠工资"]) == 0
    capsys.readouterr()
    assert main(["concerns", "export", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["number"], r["anonymous"], r["sender_userid"]) for r in rows] == [
        (1, False, "zhanghaoran01"), (2, True, None)]
    assert main(["concerns", "export", "--format", "xlsx"]) == 2  # xlsx needs -o
    assert main(["concerns", "export", "--format", "xlsx", "-o", "c.xlsx"]) == 0
    sheet = load_workbook(cli_env.parent / "c.xlsx").active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert tuple(values[0]) == HEADERS_ZH and len(values) == 3
    assert [c.data_type for c in sheet[2]][HEADERS_ZH.index("内容")] == "s"
    assert "何佳怡" not in json.dumps(values, ensure_ascii=False, default=str)
    text_cell = sheet.cell(row=2, column=HEADERS_ZH.index("内容") + 1)
    assert text_cell.value.startswith("=HYPERLINK") and text_cell.data_type == "s"  # text, not a formula
