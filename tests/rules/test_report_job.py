"""Job `report` (N21): the progress report goes out as a WeCom file through the outbox on `[report] day`
(the next working day when that is a weekend), to each school's recipients and to the province's, once a
month across restarts and with two schedulers; and the province's weekly digest names the schools with the
highest rates (N15)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from openpyxl import load_workbook
from sqlalchemy import select

from bot.chat.context import Deps
from bot.config import ReportSettings
from bot.schema import Base
from bot.store.models import Person, School
from jobs.digest import send_weekly_digest
from jobs.report import report_month_due, send_reports
from tests.rules.conftest import World, outbox_rows


def enable(world: World, tmp_path: Path, **changes: object) -> None:
    report = replace(ReportSettings(), enabled=True, day=5, directory=str(tmp_path / "reports"),
                     province_recipients=("hbut:lee", "admin"))
    world.deps.settings = replace(world.deps.settings, report=replace(report, **changes))  # type: ignore[arg-type]


def test_report_run_table_matches_the_model(deps: Deps) -> None:
    with deps.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert [d for d in diff if "report_run" in repr(d)] == []


def test_due_on_the_day_or_the_next_working_day(two: World, tmp_path: Path) -> None:
    settings = two.deps.settings
    assert report_month_due(settings, two.at("2026-12-07T09:00")) is None  # not enabled
    enable(two, tmp_path)
    settings = two.deps.settings
    assert report_month_due(settings, two.at("2026-11-05T08:59")) is None
    assert report_month_due(settings, two.at("2026-11-05T09:00")) == "2026-11"  # a Thursday
    assert report_month_due(settings, two.at("2026-12-05T10:00")) is None  # a Saturday: Monday the 7th instead
    assert report_month_due(settings, two.at("2026-12-07T09:00")) == "2026-12"
    assert report_month_due(settings, two.at("2026-12-21T14:00")) == "2026-12"  # catching up later in the month


def test_sent_once_a_month_to_each_school_and_the_province(two: World, tmp_path: Path) -> None:
    enable(two, tmp_path)
    two.at("2026-12-07T09:00")
    assert send_reports(two.deps) == 3  # school A's admin; the province's report to hbut's 李校长 and to A's admin
    assert send_reports(two.deps) == 0
    restarted = Deps(settings=two.deps.settings, engine=two.deps.engine, sessions=two.deps.sessions,
                     clock=two.deps.clock, _redis=two.deps.redis)
    assert send_reports(restarted) == 0  # the month is claimed in the database, not in memory
    sent = outbox_rows(two.deps, "report")
    assert sorted(to for to, _, _ in sent) == ["admin", "admin", "lee"]
    files = {Path(str(payload["file"])).parent.name: payload for _, _, payload in sent}
    assert set(files) == {"default", "province"}
    own, province = files["default"], files["province"]
    assert str(own["file"]).endswith("default/2026-12.xlsx") and str(own["file_name"]).endswith(".xlsx")
    assert "【工作进展报表】示例大学" in str(own["content"]) and "达标率" in str(own["content"])
    book = load_workbook(str(province["file"]))
    assert book.sheetnames == ["学校汇总", "领导干部明细", "说明"]  # each school's own report has the shortfalls
    names = [row[0] for row in book["学校汇总"].iter_rows(min_row=2, values_only=True)]
    assert names == ["示例大学", "河北第二大学", "合计（2所学校）"]
    two.at("2027-01-05T09:00")
    assert send_reports(two.deps) == 3  # next month


def test_covers_the_month_before(two: World, tmp_path: Path) -> None:
    enable(two, tmp_path, covers="month", province_recipients=())
    two.at("2026-12-07T09:00")
    assert send_reports(two.deps) == 1
    ((_, _, payload),) = outbox_rows(two.deps, "report")
    assert "2026年11月1日至11月30日" in str(payload["content"])


def test_province_digest_names_the_best_schools(two: World, tmp_path: Path) -> None:
    enable(two, tmp_path)
    with two.session() as db:
        school_b = db.scalar(select(School.id).where(School.code == "hbut"))
        lee, ma = (db.scalar(select(Person.id).where(Person.userid == u)) for u in ("lee", "ma"))
    assert school_b is not None and lee is not None and ma is not None
    in_b = World(school_b, 0, 0, 0, 0, 0, 0, 0, 0, two.deps)
    monday = date(2026, 8, 31)
    while monday < date(2026, 11, 16):  # 李校长 every week, 马院长 twice a month: hbut's rates are the higher
        in_b.contact(lee, (monday + timedelta(days=1)).isoformat())
        monday += timedelta(days=7)
    for day in ("2026-09-08", "2026-09-22", "2026-10-13", "2026-10-27"):
        in_b.contact(ma, day)
    two.at("2026-11-23T08:30")
    send_weekly_digest(two.deps)
    province = [(to, payload) for to, _, payload in outbox_rows(two.deps, "digest")
                if "全省高校基层联系周报" in str(payload.get("content", ""))]
    assert sorted(to for to, _ in province) == ["admin", "lee"]
    text = str(province[0][1]["content"])
    assert text.startswith("# 全省高校基层联系周报（11月16日–22日）")
    best = text.split("**值得推广**（本学期达标率最高）")[1].split("**各校情况**")[0]
    assert best.index("河北第二大学") < best.index("示例大学")  # its rate this semester is the higher
    assert "2 所学校本周与学生面对面 **9** 次" in text  # the week's own: 5 in one school, 4 in the other
    assert send_weekly_digest(two.deps) == 0
