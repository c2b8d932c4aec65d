"""Exports, opened with openpyxl (and csv): the progress report for the province (a school summary and one
row per leader; over all schools for a province account), a leader's record, records and concerns —
each limited to the viewer's scope."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from werkzeug.test import TestResponse

from bot.contacts.export import FIELDS, HEADERS_ZH
from tests.console.conftest import DEPARTMENT, SECOND_SCHOOL, Seed, login_as

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
    response = client.get(f"/console/exports/progress.xlsx?term={TERM}")
    book = sheets(response)
    assert list(book) == ["学校汇总", "领导干部明细", "未完成明细", "说明"]
    summary, leaders = book["学校汇总"], book["领导干部明细"]
    assert len(summary) == 2  # one school
    school = rows_by(summary, "学校")["示例大学"]
    assert school["校领导"] == SCHOOL_LEADERS and school["中层正职"] == MIDDLE_CHIEFS and school["学工负责人"] == 2
    # Face-to-face as N1 counts it: zhao's dorm, canteen→class and lecture, qian's class, kong's club (not the
    # undone one, not the online one).
    assert school["面对面接触学生（含讲课、参与工作）"] == 5 and school["其中讲授思政课"] == 1
    assert school["线上联系（不计入面对面）"] == 1 and school["面对面占比"] == pytest.approx(5 / 6)
    # Rates are numbers formatted as percentages: N1 is 3 school-leader weeks met of 10 leaders × 12 ended weeks.
    assert school["N1每周面对面接触学生达标率"] == pytest.approx(3 / 120)
    assert school["N2每学期讲思政课达标率"] is None  # the semester has not ended: nothing is due yet
    assert school["学生反映问题"] == 6 and school["已办结"] == 1 and school["按期办结"] == 1 and school["共性问题"] == 1
    cells = percent_cells(response, "学校汇总")
    assert cells and all(fmt.endswith("%") for fmt in cells.values())
    assert len(leaders) == 1 + SCHOOL_LEADERS + MIDDLE_CHIEFS
    zhao = rows_by(leaders, "账号")["zhaojianguo01"]
    assert zhao["姓名"] == "赵建国" and zhao["面对面接触学生（含讲课、参与工作）"] == 3 and zhao["其中讲授思政课"] == 1
    assert zhao["与联系对象面对面交流"] == 1 and zhao["联系的辅导员/思政课教师"] == "王丽、王建军、张明华"
    # Weeks with an in-person contact among the teaching weeks that have ended (this week is in progress).
    assert zhao["N1每周面对面接触学生（已完成）"] == 2 and zhao["N1每周面对面接触学生（应完成）"] == 12
    assert zhao["补记"] == 1 and zhao["线上联系（不计入面对面）"] == 1 and zhao["有照片的记录"] == 1
    kong = rows_by(leaders, "账号")["konglingjun01"]
    assert kong["N1每周面对面接触学生（应完成）"] in ("", None)  # N1 binds school leaders only
    assert kong["N4中层正职每月联系学生（已完成）"] == 0 and kong["N4中层正职每月联系学生（应完成）"] == 2  # Sep, Oct
    shortfalls = [r for r in book["未完成明细"][1:] if r[1] == "konglingjun01"]
    assert [r[book["未完成明细"][0].index("期间")] for r in shortfalls] == ["2026年9月", "2026年10月"]


def percent_cells(response: TestResponse, sheet: str) -> dict[str, str]:
    """The number formats of a sheet's numeric cells that are formatted as percentages."""
    wb = load_workbook(io.BytesIO(response.get_data()))
    out = {c.coordinate: c.number_format for row in wb[sheet].iter_rows(min_row=2) for c in row
           if isinstance(c.value, float) and "%" in c.number_format}
    wb.close()
    return out


def test_progress_report_json_says_the_same(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "admin")
    response = client.get(f"/console/exports/progress.json?term={TERM}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = json.loads(response.get_data())
    assert data["period"] == {"key": TERM, "label": "2026-2027学年秋季学期（默认）", "start": "2026-08-31",
                              "end": "2027-01-17"}
    (school,) = data["schools"]
    assert school["face_to_face"] == 5 and school["online"] == 1 and school["ideology_lecture"] == 1
    zhao = next(x for x in school["leaders"] if x["userid"] == "zhaojianguo01")
    assert zhao["face_to_face"] == 3 and zhao["mentee_talk"] == 1
    weeks = [o for o in zhao["obligations"] if o["rule"] == "weekly_face_to_face"]
    assert [o["period"] for o in weeks if o["met"]] == ["2026-W42", "2026-W46", "2026-W48"]
    this_week = weeks[-1]
    assert this_week["period"] == "2026-W48" and this_week["ended"] is False  # met, but not yet due
    talks = {o["counterpart"]["name"]: o for o in zhao["obligations"] if o["rule"] == "quarterly_mentee_talk"}
    assert talks["王丽"]["met"] and talks["王丽"]["period"] == "2026-Q4" and talks["张明华"]["state"] == "in_progress"
    assert zhao["rates"]["weekly_face_to_face"] == {"met": 2, "due": 12, "excused": 0, "in_progress": 0,
                                                    "met_early": 1, "rate": round(2 / 12, 4)}


def test_province_report_covers_every_school(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "province")
    book = sheets(client.get(f"/console/exports/progress.xlsx?term={TERM}"))
    assert list(book) == ["学校汇总", "领导干部明细", "说明"]  # each school's own report has the shortfalls
    summary = rows_by(book["学校汇总"], "学校")
    assert set(summary) == {"示例大学", SECOND_SCHOOL, "合计（2所学校）"}
    assert summary["合计（2所学校）"]["校领导"] == SCHOOL_LEADERS + 1
    assert summary[SECOND_SCHOOL]["面对面接触学生（含讲课、参与工作）"] == 1
    assert summary["合计（2所学校）"]["面对面接触学生（含讲课、参与工作）"] == 6
    leaders = book["领导干部明细"]
    assert len(leaders) == 1 + SCHOOL_LEADERS + MIDDLE_CHIEFS + 1
    assert rows_by(leaders, "账号")["lee01"]["学校"] == SECOND_SCHOOL
    one = sheets(client.get(f"/console/exports/progress.xlsx?term={TERM}&school=second"))
    assert len(one["学校汇总"]) == 2 and len(one["领导干部明细"]) == 2 and "未完成明细" in one


def test_department_summary(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "department_head")
    book = sheets(client.get("/console/exports/progress.xlsx"))
    names = {row[2] for row in book["领导干部明细"][1:]}
    assert names == {"孔令军", "薛红"}
    assert book["学校汇总"][1][0] == f"示例大学 {DEPARTMENT}"
    login_as(client, "admin")  # an admin picks a department for 述职评议
    admin = sheets(client.get(f"/console/exports/progress.xlsx?department={DEPARTMENT}"))
    assert {row[2] for row in admin["领导干部明细"][1:]} == names


def test_leader_record_xlsx_json_and_year(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "leader")
    book = sheets(client.get(f"/console/people/{seed.zhao}/record.xlsx?term={TERM}"))
    assert list(book) == ["汇总", "任务完成情况", "联系记录"]
    summary = dict((row[0], row[1]) for row in book["汇总"][1:])
    assert summary["姓名"] == "赵建国" and summary["N1 与学生面对面接触"] == "2/12周（16.7%），本期已完成1"
    assert summary["佐证材料"] == "有照片的记录1条，有位置的记录1条"
    assert summary["对方确认（谈话与参与工作）"] == "已确认1条，有异议0条，未确认0条"
    tasks = book["任务完成情况"]
    talk = next(r for r in tasks[1:] if r[3] == "王丽" and r[0].startswith("N7"))
    assert talk[1] == "2026年第四季度" and talk[2] == "2026-10-01 至 2026-12-31" and talk[6] == "已完成"
    records = book["联系记录"]
    assert len(records) == 1 + 5  # dorm, talk, online, lecture, canteen→class (not the undone one)
    dates = [row[1] for row in records[1:]]
    assert dates == sorted(dates) and "2026-11-24" in dates
    data = json.loads(client.get(f"/console/people/{seed.zhao}/record.json?term=year:2026").get_data())
    assert data["userid"] == "zhaojianguo01" and data["face_to_face"] == 3 and len(data["entries"]) == 5
    assert data["evidence"] == {"with_photo": 1, "with_location": 1}
    assert {o["rule"] for o in data["obligations"]} >= {"weekly_face_to_face", "quarterly_mentee_talk"}
    empty = sheets(client.get(f"/console/people/{seed.zhao}/record.xlsx?term=year:2025"))
    assert len(empty["联系记录"]) == 1
    page = client.get(f"/console/people/{seed.zhao}/record?term={TERM}").get_data(as_text=True)
    assert "各项要求完成情况" in page and "2/12周（16.7%）" in page and "进行中" in page  # N7 with 张明华


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
    from bot.sheets import Sheet, csv_bytes, workbook_bytes

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

    from bot.sheets import Sheet, workbook_bytes

    rows = [[f"第{i % 100}大学", f"u{i}", f"人员{i}", 35, 2.5, "人员3、人员4"] * 3 for i in range(30_000)]
    start = time.perf_counter()
    data = workbook_bytes([Sheet("明细", [str(i) for i in range(18)], rows)])
    assert time.perf_counter() - start < 5  # 540,000 cells; openpyxl without lxml needs ~15 s
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert sum(1 for _ in book["明细"].iter_rows(values_only=True)) == 30_001
