"""`contactbot report province|leader|department` (N19, N21) and `contactbot records export --with-evidence`
(N16): JSON with per school and per leader counts and obligations, .xlsx with Chinese headings and rates as
percentages, the span options, and one-line errors for mistakes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, select

from bot.cli.main import main
from bot.store.models import AuditLog

AT = "2026-11-25T12:00"


@pytest.fixture
def cli_records(cli_roster: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The example roster with a few of 赵建国's records sent through the bot, in the week of 11-23."""
    for text in ("今天去3号楼215宿舍看望学生，聊了考研", "昨天给计科2101讲了一堂形势与政策课",
                 "晚上通过微信群和毕业班同学交流求职情况", "11月20日约谈王丽 了解职称评聘"):
        assert main(["say", "--as", "zhaojianguo01", "--at", AT, text]) == 0
    capsys.readouterr()
    return cli_roster


def test_province_report_json_has_counts_and_obligations(cli_records: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "province", "--at", AT, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["report"] == "school" and data["period"]["key"] == "semester:2026-08-31"
    (school,) = data["schools"]
    assert school["name"] == "示例大学" and school["face_to_face"] == 2 and school["online"] == 1
    zhao = next(x for x in school["leaders"] if x["userid"] == "zhaojianguo01")
    assert (zhao["name"], zhao["face_to_face"], zhao["ideology_lecture"], zhao["mentee_talk"], zhao["online"]) == (
        "赵建国", 2, 1, 1, 1)
    assert all({"rule", "period", "required", "done", "met"} <= set(o) for o in zhao["obligations"])
    this_week = next(o for o in zhao["obligations"] if o["rule"] == "weekly_face_to_face" and o["period"] == "2026-W48")
    assert this_week["met"] and this_week["ended"] is False
    lecture = next(o for o in zhao["obligations"] if o["rule"] == "semester_ideology_lecture")
    assert lecture["met"] and lecture["period"] == "2026-2027学年秋季学期（默认）" and lecture["state"] == "met"
    # (Per-link obligations are tested with a fixed clock in tests/console: the roster here is imported today.)


def test_reports_are_audited(cli_records: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "province", "--at", AT]) == 0
    assert main(["report", "leader", "zhaojianguo01", "--at", AT]) == 0
    capsys.readouterr()
    engine = create_engine(f"sqlite:///{cli_records}")
    with engine.connect() as conn:
        actions = [(a, t) for a, t in conn.execute(select(AuditLog.action, AuditLog.target).where(
            AuditLog.action.like("export.%")))]
    engine.dispose()
    assert ("export.progress", "progress.json?term=semester:2026-08-31") in actions
    assert any(action == "export.person_record" for action, _ in actions)


def test_leader_report_json_for_a_year_and_a_range(cli_records: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "leader", "zhaojianguo01", "--at", AT, "--year", "2026"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["report"] == "leader" and record["period"]["label"] == "2026年度"
    assert record["face_to_face"] == 2 and len(record["entries"]) == 4
    assert record["confirmations"] == {"confirmed": 0, "disputed": 0, "unconfirmed": 1}
    assert {"week", "semester"} <= {o["period_kind"] for o in record["obligations"]}
    assert main(["report", "leader", "zhaojianguo01", "--at", AT, "--from", "2026-11-23", "--to", "2026-11-29"]) == 0
    week = json.loads(capsys.readouterr().out)
    assert week["period"]["label"] == "2026年11月23日至11月29日"
    assert [o["period"] for o in week["obligations"] if o["rule"] == "weekly_face_to_face"] == ["2026-W48"]


def test_xlsx_reports(cli_records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "进展.xlsx"
    assert main(["report", "province", "--at", AT, "--semester", "2026-2027学年秋季学期（默认）", "-o", str(out)]) == 0
    assert "已写入" in capsys.readouterr().err
    wb = load_workbook(out)
    assert wb.sheetnames == ["学校汇总", "领导干部明细", "未完成明细", "说明"]
    head = [c.value for c in wb["学校汇总"][1]]
    rate = wb["学校汇总"].cell(2, head.index("N1每周面对面接触学生达标率") + 1)
    assert isinstance(rate.value, float) and rate.number_format == "0.0%"
    record = tmp_path / "赵建国.xlsx"
    assert main(["report", "leader", "zhaojianguo01", "--at", AT, "-o", str(record)]) == 0
    assert load_workbook(record).sheetnames == ["汇总", "任务完成情况", "联系记录"]
    department = tmp_path / "部门.xlsx"
    assert main(["report", "department", "校领导", "--at", AT, "-o", str(department)]) == 0
    assert load_workbook(department)["学校汇总"].cell(2, 1).value == "示例大学 校领导"


@pytest.mark.parametrize(("args", "message"), [
    (["report", "province", "--format", "xlsx"], "xlsx 格式需要用 -o"),
    (["report", "province", "--semester", "2030春"], "没有名为“2030春”的学期"),
    (["report", "province", "--to", "2026-11-01"], "--to 需要与 --from 一起使用"),
    (["report", "province", "--from", "2026-11-30", "--to", "2026-11-01"], "--to 不能早于 --from"),
    (["report", "province", "--from", "11月1日"], "--from 不是合法日期"),
    (["report", "leader", "nosuch01"], "没有账号为“nosuch01”的人员"),
    (["report", "department", "没有这个部门"], "没有部门为“没有这个部门”的领导干部"),
    (["records", "export", "--with-evidence", "-o", "x.xlsx"], "--with-evidence 需要用 -o 指定 .zip"),
])
def test_mistakes_get_one_line(cli_roster: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                               message: str) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_records_export_with_evidence(cli_records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "材料.zip"
    assert main(["records", "export", "--with-evidence", "-o", str(out)]) == 0
    assert "已导出 4 条记录和 0 张佐证照片" in capsys.readouterr().err
    with zipfile.ZipFile(out) as bundle:
        assert bundle.namelist() == ["联系记录.xlsx"]  # the demo roster's records carry no photos yet


def test_province_digest(cli_records: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--province", "--week", "2026-W48"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# 全省高校基层联系周报（11月23日–29日）") and "示例大学" in out
