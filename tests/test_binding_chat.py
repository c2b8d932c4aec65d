"""A counselor or admin issues an Official Account binding code in chat; others may not."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.channels.binding import BindCode
from bot.chat.context import Deps
from tests.sim import Simulator


def test_admin_issues_a_code_by_name(roster_deps: Deps) -> None:
    reply = Simulator(roster_deps, "qinyaqin01").say("绑定码 李思琪")
    m = re.search(r"绑定码：(\d{6})", reply)
    assert m and "绑定 " + m.group(1) in reply
    with roster_deps.sessions() as db:
        assert db.scalars(select(BindCode.code)).all() == [m.group(1)]


def test_counselor_outside_their_department_is_refused(roster_deps: Deps) -> None:
    reply = Simulator(roster_deps, "chenjing01").say("绑定码 lisiqi01")  # 机械 counselor, 计算机 student
    assert "无权" in reply
    with roster_deps.sessions() as db:
        assert db.scalars(select(BindCode)).all() == []


def test_counselor_of_the_department_may(roster_deps: Deps) -> None:
    assert "绑定码：" in Simulator(roster_deps, "wangli01").say("绑定码 lisiqi01")


def test_unknown_name_and_missing_name(roster_deps: Deps) -> None:
    sim = Simulator(roster_deps, "qinyaqin01")
    assert "没有“张三丰”" in sim.say("绑定码 张三丰")
    assert "请写明" in sim.say("绑定码")


def test_students_cannot_issue_codes(roster_deps: Deps) -> None:
    reply = Simulator(roster_deps, "lisiqi01").say("绑定码 张浩然")
    assert "绑定码：" not in reply
