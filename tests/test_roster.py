"""Roster import/export: the example roster, re-imports, deactivation, and whole-file refusal."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.chat.context import Deps
from bot.people.roster import apply_roster, export_roster, read_roster, validate
from bot.store.db import school_by_code
from bot.store.models import Link, Person
from tests.conftest import ROSTER

NOW = datetime(2026, 11, 25, 4, 0, tzinfo=timezone.utc)
HEADER = "userid,name,roles,department,class,title,mentees\n"


def load(deps: Deps, path: Path, today: date = date(2026, 11, 25)) -> str:
    rows, problems = read_roster(path)
    assert not problems and not validate(rows)
    with deps.sessions.begin() as db:
        school = school_by_code(db, "", deps.settings)
        assert school is not None
        return apply_roster(db, school, rows, today, NOW).describe()


def write(tmp_path: Path, text: str, name: str = "r.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def test_example_roster_loads_163_people_with_links(roster_deps: Deps) -> None:
    with roster_deps.sessions() as db:
        assert db.scalar(select(func.count(Person.id))) == 163
        per_leader = db.execute(select(Link.leader_id, func.count()).group_by(Link.leader_id)).all()
        assert len(per_leader) == 40 and all(1 <= n <= 3 for _, n in per_leader)
        school = school_by_code(db, "", roster_deps.settings)
        assert school is not None
        exported = export_roster(db, school)
    assert exported.splitlines() == ROSTER.read_text(encoding="utf-8").splitlines()


def test_reimport_updates_in_place_and_deactivates_missing(roster_deps: Deps, tmp_path: Path) -> None:
    lines = ROSTER.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith(("chengjia01,", "lintao01,"))]
    kept = [line.replace("wangjie01,汪洁,middle_chief,数学与统计学院,,党委书记,lintao01;fuqiang01",
                         "wangjie01,汪洁,middle_chief,数学与统计学院,,党委书记兼院长,fuqiang01") for line in kept]
    summary = load(roster_deps, write(tmp_path, "\n".join(kept) + "\n"), today=date(2026, 12, 1))
    assert "停用 2" in summary and "更新 1" in summary and "结束 1" in summary
    with roster_deps.sessions() as db:
        gone = db.scalar(select(Person).where(Person.userid == "chengjia01"))
        assert gone is not None and gone.active is False  # deactivated, never deleted
        wang = db.scalar(select(Person).where(Person.userid == "wangjie01"))
        assert wang is not None and wang.title == "党委书记兼院长"
        ended = db.scalar(select(Link).where(Link.until.is_not(None)))
        assert ended is not None and ended.until == date(2026, 12, 1)  # history kept
    summary = load(roster_deps, ROSTER, today=date(2026, 12, 2))
    assert "恢复 2" in summary and "新增 0" in summary


def test_chinese_headers_bom_and_chinese_roles(deps: Deps, tmp_path: Path) -> None:
    text = ("账号,姓名,角色,部门,班级,职务,联系对象\n"
            "lead01,李明,校领导,校领导,,副校长,couns01\n"
            "couns01,张红,辅导员,计算机学院,计科2101；计科2102,辅导员,\n"
            "stu01,王五,学生,计算机学院,计科2101,,\n")
    assert "新增 3" in load(deps, write(tmp_path, text, bom=True))
    with deps.sessions() as db:
        couns = db.scalar(select(Person).where(Person.userid == "couns01"))
        assert couns is not None and couns.classes == ("计科2101", "计科2102")
        assert couns.roles == {"counselor"}


def test_xlsx_roster(deps: Deps, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["userid", "name", "roles", "department", "class", "title", "mentees"])
    ws.append([20210001, "李明", "school_leader;admin", "校领导", None, "副校长", "t01"])
    ws.append(["t01", "周老师", "ideology_teacher", "马克思主义学院", None, "讲师", None])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    assert "新增 2" in load(deps, path)
    with deps.sessions() as db:
        lead = db.scalar(select(Person).where(Person.userid == "20210001"))
        assert lead is not None and lead.roles == {"school_leader", "admin"}


BAD = HEADER + (
    ",无账号,student,,,,\n"  # line 2: no userid
    "a01,,student,,,,\n"  # line 3: no name
    "a01,重复,student,,,,\n"  # line 4: duplicate userid
    "b01,王,wizard,,,,\n"  # line 5: unknown role
    "l01,领导,school_leader,,,,nobody;s01\n"  # line 6: mentee not in roster, mentee not counselor
    "l02,领导二,middle_chief,,,,c1;c2;c3;c4\n"  # line 7: more than 3
    "s01,学生,student,,,,c1\n"  # line 8: mentees on a non-leader
    "c1,甲,counselor,,,,\n" "c2,乙,counselor,,,,\n" "c3,丙,ideology_teacher,,,,\n" "c4,丁,counselor,,,,\n"
)


def test_invalid_roster_lists_every_problem_with_line_and_column(tmp_path: Path) -> None:
    rows, problems = read_roster(write(tmp_path, BAD))
    problems += validate(rows)
    found = {(p.line, p.column) for p in problems}
    assert {(2, "userid"), (3, "name"), (4, "userid"), (5, "roles"), (6, "mentees"), (7, "mentees"),
            (8, "mentees")} <= found
    text = "\n".join(str(p) for p in problems)
    assert "第6行 [mentees]: 联系对象“nobody”不在花名册中" in text
    assert "“s01”不是辅导员或思政课教师" in text and "最多3人" in text


def test_unknown_header_is_a_problem(tmp_path: Path) -> None:
    _, problems = read_roster(write(tmp_path, "userid,name,rolez\nx,y,student\n"))
    assert any(p.line == 1 and p.column == "rolez" for p in problems)
    assert any(p.column == "roles" and "缺少" in p.message for p in problems)


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_export_round_trip_is_importable(roster_deps: Deps, tmp_path: Path, ext: str) -> None:
    with roster_deps.sessions() as db:
        school = school_by_code(db, "", roster_deps.settings)
        assert school is not None
        text = export_roster(db, school)
    if ext == "csv":
        path = write(tmp_path, text)
    else:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        for row in csv.reader(io.StringIO(text)):
            ws.append(row)
        path = tmp_path / "r.xlsx"
        wb.save(path)
    assert "未变 163" in load(roster_deps, path)
