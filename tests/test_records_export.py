"""Records export: one row per live record, in jsonl, csv and xlsx; text never becomes a formula."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from bot.chat.context import Deps
from bot.contacts.export import record_rows, write_records
from bot.store.db import school_by_code
from tests.sim import Simulator


def test_export_formats(roster_deps: Deps, tmp_path: Path) -> None:
    sim = Simulator(roster_deps, "zhaojianguo01").at("2026-11-25T20:00")
    sim.say("今天去3号楼215宿舍看望学生，聊了考研")
    sim.say("=HYPERLINK(\"http://x\") 昨天中午在二食堂和8名学生一起吃饭 聊了就业")
    sim.say("11月20日约谈王丽 了解职称评聘")
    sim.say("去宿舍了")
    sim.say("撤销")  # the fourth record is taken back and not exported
    with roster_deps.sessions() as db:
        school = school_by_code(db, "", roster_deps.settings)
        assert school is not None
        for fmt in ("jsonl", "csv", "xlsx"):
            assert write_records(record_rows(db, school, roster_deps.settings), fmt, tmp_path / f"r.{fmt}") == 3
        assert len(list(record_rows(db, school, roster_deps.settings, since=date(2026, 11, 21)))) == 2
    rows = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["date"] for r in rows] == ["2026-11-20", "2026-11-24", "2026-11-25"]
    talk = rows[0]
    assert talk["kind"] == "mentee_talk" and talk["counterparts"] == ["王丽"] and talk["backdated"] is True
    assert talk["confirmation"] == "pending"
    with open(tmp_path / "r.csv", encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 3
    ws = load_workbook(tmp_path / "r.xlsx").active
    assert ws is not None
    values = [row for row in ws.iter_rows(min_row=2, values_only=True)]
    assert len(values) == 3
    source = [v for v in values if "HYPERLINK" in str(v[-1])][0][-1]
    assert str(source).startswith("=HYPERLINK")
    assert ws.cell(row=3, column=19).data_type == "s"
