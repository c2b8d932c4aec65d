"""The week's crisis cases in the digest (issue 14): how many, median and longest time to acknowledge,
those still unacknowledged, and outcomes — never a name, a class or the words."""

from __future__ import annotations

from datetime import date

from bot.chat.context import Deps
from bot.concerns.summary import concerns_summary
from bot.store.db import school_by_code
from tests.sim import Simulator


def test_the_digest_counts_crisis_cases_without_names(sim: Simulator, cdeps: Deps) -> None:
    sim.as_("zhanghaoran01").at("2026-11-23T09:00").say("真的不想活了 今晚就从楼顶跳下去")
    sim.as_("wuxinyi01").at("2026-11-24T22:00").say("我室友说今晚要从楼顶跳下去")
    sim.as_("gaobowen01").at("2026-11-26T10:00").say("刀片已经准备好了 想割腕")
    sim.as_("dengzijian01").at("2026-11-30T10:00").say("真的不想活了")  # next week
    office = sim.as_("yinlihua01")
    assert "由您负责" in office.at("2026-11-23T09:04").say("接手#1")
    assert "已结案：已送医" in office.at("2026-11-23T10:00").say("结案#1 已送医")
    assert "由您负责" in office.at("2026-11-24T22:12").say("接手#2")
    assert "已结案：误报" in office.at("2026-11-25T09:00").say("结案#2 误报 是玩笑话")
    with cdeps.sessions() as db:
        school = school_by_code(db, "", cdeps.settings)
        assert school is not None
        summary = concerns_summary(db, school, date(2026, 11, 23), cdeps.settings.tz)
    week = summary.crisis
    assert (week.cases, week.unacknowledged, week.outcomes) == (3, 1, {"已送医": 1, "误报": 1})
    assert (week.median_minutes, week.max_minutes) == (8, 12)
    text = summary.render()
    assert "【危机个案】本周 3 件；认领用时中位 8 分钟，最长 12 分钟；周末仍无人认领 1 件；结案：已送医 1，误报 1。" in text
    for secret in ("张浩然", "吴欣怡", "高博文", "楼顶", "割腕", "尹丽华"):
        assert secret not in text
