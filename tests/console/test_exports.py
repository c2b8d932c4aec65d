"""Exports, opened with openpyxl (and csv): the progress report for the province (a school summary and one
row per leader; over all schools for a province account), a leader's record, records and concerns —
each limited to the viewer's scope."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask.testing import FlaskClient
from openpyxl import load_workbook
from werkzeug.test import TestResponse

from bot.console.reports import LEADER_HEADERS, SCHOOL_HEADERS
from bot.records_export import FIELDS, HEADERS_ZH
from tests.console.conftest import SECOND_SCHOOL, Seed, login_as

SCHOOL_LEADERS, MIDDLE_CHIEFS = 10, 30  # in tests/data/roster.csv (2 chiefs are also student-affairs heads)
TERM = "semester:2026-08-31"


def sheets(response: TestResponse) -> dict[str, list[list[Any]]]:
    """Open a downloaded workbook: sheet name -> rows (header first)."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    out = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    wb.close()
    return out


def rows_by(table: list[list[Any]], header: str) -> dict[Any, dict[str, Any]]:
    """Index a sheet's rows by one column, as dicts keyed by the header."""
    head = table[0]
    padded = [row + [None] * (len(head) - len(row)) for row in table[1:]]  # read-only mode drops empty tails
    return {row[head.index(header)]: dict(zip(head, row, strict=True)) for row in padded}


def test_school_progress_report(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "admin")
    book = sheets(client.get(f"/console/exports/progress.xlsx?term={TERM}"))
    assert list(book) == ["学校汇总", "领导干部明细", "说明"]
    summary, leaders = book["学校汇总"], book["领导干部明细"]
    assert tuple(summary[0]) == SCHOOL_HEADERS and tuple(leaders[0]) == LEADER_HEADERS
    assert len(summary) == 2  # one school
    school = rows_by(summary, "学校")["示例大学"]
    assert school["学校"] == "示例大学" and school["校领导"] == SCHOOL_LEADERS and school["中层正职"] == MIDDLE_CHIEFS
    assert school["学工负责人"] == 2 and school["线上联系"] == 1
    assert school["面对面接触"] == 4  # zhao ×2 (dorm, canteen→class), qian, kong; the undone one does not count
    assert school["学生反映问题"] == 6 and school["已办结"] == 1 and school["共性问题"] == 1
    assert len(leaders) == 1 + SCHOOL_LEADERS + MIDDLE_CHIEFS
    zhao = rows_by(leaders, "账号")["zhaojianguo01"]
    assert zhao["姓名"] == "赵建国" and zhao["面对面接触"] == 2 and zhao["讲授思政课/形势与政策课"] == 1
    assert zhao["联系的辅导员/思政课教师"] == 3 and zhao["已面对面交流"] == 1 and "王丽" not in zhao["尚未交流"]
    assert zhao["补记"] == 1 and zhao["线上联系（不计入面对面）"] == 1 and zhao["有面对面接触的周数"] == 3
    assert zhao["截至目前应接触周数"] == 13  # the weeks from 08-31 to this week
    kong = rows_by(leaders, "账号")["konglingjun01"]
    assert kong["有面对面接触的周数"] in ("", None)  # N1 binds school leaders only


def test_province_report_covers_every_school(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "province")
    book = sheets(client.get(f"/console/exports/progress.xlsx?term={TERM}"))
    summary = rows_by(book["学校汇总"], "学校")
    assert set(summary) == {"示例大学", SECOND_SCHOOL, "合计（2所学校）"}
    assert summary["合计（2所学校）"]["校领导"] == SCHOOL_LEADERS + 1
    assert summary[SECOND_SCHOOL]["面对面接触"] == 1
    leaders = book["领导干部明细"]
    assert len(leaders) == 1 + SCHOOL_LEADERS + MIDDLE_CHIEFS + 1
    assert rows_by(leaders, "账号")["lee01"]["学校"] == SECOND_SCHOOL
    one = sheets(client.get(f"/console/exports/progress.xlsx?term={TERM}&school=second"))
    assert len(one["学校汇总"]) == 2 and len(one["领导干部明细"]) == 2


def test_department_report_has_only_the_department(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "department_head")
    book = sheets(client.get("/console/exports/progress.xlsx"))
    names = {row[2] for row in book["领导干部明细"][1:]}
    assert names == {"孔令军", "薛红"}


def test_leader_record_xlsx_and_year(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "leader")
    book = sheets(client.get(f"/console/people/{seed.zhao}/record.xlsx?term={TERM}"))
    summary = dict((row[0], row[1]) for row in book["汇总"][1:])
    assert summary["姓名"] == "赵建国" and summary["有面对面接触的教学周"] == "3/13周"
    assert summary["已面对面交流"] == "王丽"
    records = book["联系记录"]
    assert len(records) == 1 + 5  # dorm, talk, online, lecture, canteen→class (not the undone one)
    dates = [row[0] for row in records[1:]]
    assert dates == sorted(dates) and "2026-11-24" in dates
    year = sheets(client.get(f"/console/people/{seed.zhao}/record.xlsx?term=year:2026"))
    assert len(year["联系记录"]) == 1 + 5
    empty = sheets(client.get(f"/console/people/{seed.zhao}/record.xlsx?term=year:2025"))
    assert len(empty["联系记录"]) == 1


def test_records_export_reuses_the_records_columns_and_filters(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "admin")
    book = sheets(client.get("/console/exports/records.xlsx"))
    table = book["联系记录"]
    assert tuple(table[0]) == HEADERS_ZH
    assert len(table) == 1 + 7  # zhao 5, qian 1, kong 1: not the undone one, nor the other school's
    dorm = sheets(client.get("/console/exports/records.xlsx?venue=dorm"))["联系记录"]
    assert len(dorm) == 2 and dorm[1][HEADERS_ZH.index("地点")] == "3号楼215"
    text = client.get("/console/exports/records.csv?kind=online").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == FIELDS and len(rows) == 2 and rows[1][FIELDS.index("userid")] == "zhaojianguo01"


def test_province_records_export_names_each_rows_school(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "province")
    table = sheets(client.get("/console/exports/records.xlsx"))["联系记录"]
    school_of = {row[HEADERS_ZH.index("账号")]: row[HEADERS_ZH.index("学校")] for row in table[1:]}
    assert school_of["lee01"] == SECOND_SCHOOL and school_of["zhaojianguo01"] == "示例大学"


def test_leader_exports_only_their_own_records(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "leader")
    table = sheets(client.get("/console/exports/records.xlsx"))["联系记录"]
    assert {row[HEADERS_ZH.index("账号")] for row in table[1:]} == {"zhaojianguo01"}
    assert client.get("/console/exports/progress.xlsx").status_code == 403


def test_concerns_export_hides_anonymous_senders(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "admin")
    table = sheets(client.get("/console/exports/concerns.xlsx?status=all"))["问题反映"]
    by_number = rows_by(table, "编号")
    assert set(by_number) == {1, 2, 3, 4, 5, 6}
    assert by_number[1]["提问人姓名"] in (None, "") and by_number[1]["提问人账号"] in (None, "")
    assert by_number[2]["提问人姓名"] in (None, "")  # no care of concerns by default: test_field_matrix.py
    flat = str(table)
    assert "李思琪" not in flat and "lisiqi01" not in flat and "刘雨欣" not in flat
    text = client.get("/console/exports/concerns.csv?status=active").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 5 and "李思琪" not in text


def test_leader_concerns_export_is_their_own(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "leader")
    table = sheets(client.get("/console/exports/concerns.xlsx?status=all"))["问题反映"]
    assert [row[1] for row in table[1:]] == [5]


def test_spreadsheet_cells_never_run_formulas() -> None:
    from bot.console.sheets import Sheet, csv_bytes, workbook_bytes

    rows = [["=HYPERLINK(\"http://evil\")", "+1", "正常\x01", 3, 2.5, True, None]]
    book = load_workbook(io.BytesIO(workbook_bytes([Sheet("s", ("a", "b", "c", "d", "e", "f", "g"), rows)])))
    ws = book.worksheets[0]
    assert ws["A2"].data_type == "s" and ws["A2"].value == "=HYPERLINK(\"http://evil\")"  # text, not a formula
    assert [c.value for c in ws[2]] == ["=HYPERLINK(\"http://evil\")", "+1", "正常", 3, 2.5, "是", None]
    assert ws["A1"].font.b and ws.freeze_panes == "A2"
    parsed = list(csv.reader(io.StringIO(csv_bytes(("a", "b", "c"), rows).decode("utf-8-sig"))))
    assert parsed[1][:3] == ["'=HYPERLINK(\"http://evil\")", "'+1", "正常\x01"]


def test_big_report_writes_fast() -> None:
    import time

    from bot.console.sheets import Sheet, workbook_bytes

    rows = [[f"第{i % 100}大学", f"u{i}", f"人员{i}", 35, 2.5, "人员3、人员4"] * 3 for i in range(30_000)]
    start = time.perf_counter()
    data = workbook_bytes([Sheet("明细", [str(i) for i in range(18)], rows)])
    assert time.perf_counter() - start < 5  # 540,000 cells; openpyxl without lxml needs ~15 s
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert sum(1 for _ in book["明细"].iter_rows(values_only=True)) == 30_001
