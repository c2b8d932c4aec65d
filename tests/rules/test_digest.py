"""The weekly digest (N15, N19, N20): contents, markdown within WeCom's limit, the .xlsx, who gets what,
once per school and week with catch-up, a holiday Monday, and the calendar warning for 2027."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from bot.rules.digest_data import Digest, build_digest
from bot.rules.digest_render import digest_json, render_markdown, render_personal
from bot.rules.digest_xlsx import write_xlsx
from bot.schedule.periods import parse_week_key
from bot.store.db import school_by_code
from jobs.digest import digest_week_due, send_weekly_digest
from tests.rules.conftest import World, outbox_rows


def digest_of(world: World, week: str, iso: str) -> Digest:
    at = world.at(iso)
    with world.session() as db:
        school = school_by_code(db, "", world.deps.settings)
        assert school is not None
        return build_digest(db, world.deps.settings, school, parse_week_key(week), at)


def busy_week(world: World) -> None:
    """Week 2026-W47 (16–22 November): some met, some not, some marked, one away."""
    world.contact(world.leader, "2026-11-16", venue="dorm", students=8)
    world.contact(world.leader, "2026-11-18", venue="canteen", students=5, backdated=True)
    world.contact(world.leader, "2026-11-19", "online", venue="online")
    world.contact(world.chief, "2026-11-17", venue="classroom", students=40)
    world.contact(world.leader, "2026-11-10", "mentee_talk", counterparts=[world.counselor], confirmation="disputed")
    world.pause(world.leader2, "2026-11-16", "2026-11-21", reason="出差")


def test_contents(world: World) -> None:
    busy_week(world)
    d = digest_of(world, "2026-W47", "2026-11-23T08:30")
    assert d.title == "示例大学基层联系周报（11月16日–22日）"
    rows = {r.name: r for r in d.rows}
    assert set(rows) == {"赵建国", "钱振华", "孙立新", "石志刚"}
    assert rows["赵建国"].cells["week"] == "✔ 2/1" and rows["钱振华"].cells["week"] == "外出"
    assert rows["赵建国"].cells["quarter"] == "1/2人" and rows["孙立新"].cells["month"] == "1/2"
    assert rows["石志刚"].cells["frontline"] == "0/5个半天"
    behind = {r.name: r.gaps for r in d.behind}
    assert "本周深入学生一线的工作时间" not in str(behind) and "本周一线时间0/5个半天，还差5个半天" in behind["石志刚"]
    assert "本季度尚未与张明华面对面交流" in behind["赵建国"]
    assert dict(d.venues) == {"宿舍": 1, "食堂": 1, "线上": 1, "课堂": 1}
    assert (d.in_person, d.online) == (3, 1)
    assert [(f.name, f.flags) for f in d.flagged] == [("赵建国", ("补记",)), ("赵建国", ("对方有异议",))]
    assert d.pauses == ["钱振华：暂停提醒11月16日–20日，出差"]
    assert d.examples == ["赵建国（校领导）：本周与学生面对面2次，覆盖学生约13人",
                          "孙立新（计算机学院）：本周与学生面对面1次，覆盖学生约40人"]
    assert d.warnings == []
    assert d.concerns == [] or d.concerns[0].startswith("【学生反映】")  # once the concerns capability is installed
    md = render_markdown(d)
    for needle in ("# 示例大学基层联系周报", "线上占 25%", "**尚有欠缺**", "**联系方式**", "补记 1 条", "**暂停提醒**",
                   "**值得推广**", "[查看详情](http://127.0.0.1:5000/console)"):
        assert needle in md
    personal = render_personal(d, rows["赵建国"])
    assert "本周面对面 ✔ 2/1" in personal and "还需：" in personal and "需关注" in personal
    data = digest_json(d)
    assert data["week"] == "2026-W47" and len(data["rows"]) == 4 and data["online"] == 1


def test_markdown_stays_within_wecom_limit(world: World) -> None:
    busy_week(world)
    d = digest_of(world, "2026-W47", "2026-11-23T08:30")
    short = render_markdown(d, 420)
    assert len(short.encode("utf-8")) <= 420 and "详见附件" in short and short.endswith(")")


def test_xlsx_has_every_row(world: World, tmp_path: Path) -> None:
    busy_week(world)
    d = digest_of(world, "2026-W47", "2026-11-23T08:30")
    wb = load_workbook(write_xlsx(d, tmp_path / "w.xlsx"))
    assert wb.sheetnames[:4] == ["说明", "联系情况", "尚有欠缺", "联系方式"]
    table = list(wb["联系情况"].iter_rows(values_only=True))
    assert table[0][0] == "姓名" and len(table) == 5
    assert any(r[0] == "赵建国" and r[-4] == 2 for r in table)


def test_calendar_warning_for_the_coming_month(world: World) -> None:
    d = digest_of(world, "2026-W49", "2026-12-07T08:30")
    assert any("2027年1月" in w and "[[holidays]]" in w for w in d.warnings)
    assert "2027年1月" in render_markdown(d)


def test_non_teaching_week_is_said(world: World) -> None:
    d = digest_of(world, "2027-W06", "2027-02-15T08:30")
    assert d.warnings[0].startswith("2月8日–14日不计每周要求：假期")


def test_job_sends_once_to_admins_departments_and_leaders(world: World) -> None:
    busy_week(world)
    world.at("2026-11-23T08:29")
    assert send_weekly_digest(world.deps) == 0
    world.at("2026-11-23T08:30")
    assert send_weekly_digest(world.deps) == 5
    assert send_weekly_digest(world.deps) == 0
    sent = {to: payload for to, _, payload in outbox_rows(world.deps, "digest")}
    assert set(sent) == {"admin", "sun", "shi", "zhao", "qian"}
    assert Path(str(sent["admin"]["file"])).exists() and str(sent["admin"]["file"]).endswith("default/2026-W47.xlsx")
    assert "# 示例大学基层联系周报" in str(sent["admin"]["content"])
    assert "示例大学计算机学院基层联系周报" in str(sent["sun"]["content"]) and "file" not in sent["sun"]
    assert str(sent["zhao"]["content"]).startswith("**赵建国 · 11月16日–22日 联系情况**")
    assert all(len(str(p["content"]).encode()) <= 2000 for p in sent.values())


def test_job_catches_up_after_downtime_and_skips_a_holiday_monday(world: World) -> None:
    world.at("2026-11-25T14:00")  # down all Monday and Tuesday
    assert send_weekly_digest(world.deps) == 5
    assert send_weekly_digest(world.deps) == 0
    world.at("2026-10-05T09:00")  # National Day Monday
    assert digest_week_due(world.deps.settings, world.deps.clock()) is None
    world.at("2026-10-08T08:30")  # the week's first working day
    week = digest_week_due(world.deps.settings, world.deps.clock())
    assert week is not None and week.key == "2026-W40" and week.start == date(2026, 9, 28)
    world.at("2026-11-30T22:00")  # quiet hours
    assert send_weekly_digest(world.deps) == 0
