"""Deadlines (issue 6 §4): 24 working hours to a first answer, 5 working days to resolution, holidays
excluded; the job chases the owner, then tells the office's head, then the leader in charge — each
step once, through the outbox.
The job tests reckon from the deadlines the tickets were given, in the school calendar's working time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from bot.chat.context import Deps
from bot.concerns.deadlines import add_working_days, add_working_hours
from bot.concerns.models import ConcernEscalation
from bot.config import HolidayEntry
from jobs.concern_deadlines import chase_concern_deadlines
from tests.concerns.conftest import outbox, text_of, ticket, tune
from tests.conftest import Clock
from tests.sim import Simulator

MINUTE = timedelta(minutes=1)


def local(iso: str) -> datetime:
    return datetime.fromisoformat(iso + "+08:00").astimezone(timezone.utc)


def set_clock(deps: Deps, moment: datetime) -> None:
    assert isinstance(deps.clock, Clock)
    deps.clock.moment = moment


def test_deadlines_follow_the_school_calendar(sim: Simulator, cdeps: Deps) -> None:
    """24 working hours of 08:30–17:30 days and 5 working days; a school holiday in config moves both."""
    sim.as_("zhanghaoran01").say("宿舍楼热水器坏了 报修没人管")  # Wed 11-25 12:00
    t = ticket(cdeps, 1)
    assert t.first_response_due == local("2026-11-30T09:00") and t.resolve_due == local("2026-12-02T12:00")
    cdeps.settings = replace(cdeps.settings, holidays=(HolidayEntry(start=date(2026, 11, 26), name="校庆"),))
    sim.as_("lisiqi01").say("食堂的饭越来越贵了")
    t = ticket(cdeps, 2)
    assert t.first_response_due == local("2026-12-01T09:00") and t.resolve_due == local("2026-12-03T12:00")


def test_overdue_ticket_is_chased_then_escalated_each_step_once(sim: Simulator, cdeps: Deps) -> None:
    tune(cdeps, leaders_in_charge=("后勤管理处=qianzhenhua01",))
    sim.as_("zhanghaoran01").say("宿舍楼热水器坏了 报修没人管")
    due = ticket(cdeps, 1).first_response_due
    assert due is not None
    s = cdeps.settings

    set_clock(cdeps, due - MINUTE)
    assert chase_concern_deadlines(cdeps) == 0
    set_clock(cdeps, due + MINUTE)
    assert chase_concern_deadlines(cdeps) == 1
    chase = outbox(cdeps, "concern_chase")
    assert {r.recipient for r in chase} == {"sunguoqiang01", "wangli01"}
    assert "催办" in text_of(chase[0]) and "首次答复" in text_of(chase[0])
    assert chase_concern_deadlines(cdeps) == 0  # a second run sends nothing again

    second = add_working_hours(due, 24, s)  # 24 working hours late: the office's head
    set_clock(cdeps, second - MINUTE)
    assert chase_concern_deadlines(cdeps) == 0
    set_clock(cdeps, second + MINUTE)
    assert chase_concern_deadlines(cdeps) == 1
    assert [r.recipient for r in outbox(cdeps, "concern_department_head")] == ["sunguoqiang01"]

    third = add_working_hours(due, 48, s)  # 48: the leader in charge
    set_clock(cdeps, third + MINUTE)
    assert chase_concern_deadlines(cdeps) == 1
    assert [r.recipient for r in outbox(cdeps, "concern_leader")] == ["qianzhenhua01"]
    set_clock(cdeps, third + timedelta(days=30))
    assert chase_concern_deadlines(cdeps) == 0
    with cdeps.sessions() as db:
        assert sorted(db.scalars(select(ConcernEscalation.step))) == ["chase", "department_head", "leader"]


def test_a_missed_run_catches_up(sim: Simulator, cdeps: Deps) -> None:
    sim.as_("zhanghaoran01").say("宿舍楼热水器坏了 报修没人管")
    sim.at("2026-12-18T09:00")
    assert chase_concern_deadlines(cdeps) == 3
    leaders = {r.recipient for r in outbox(cdeps, "concern_leader")}
    assert leaders == {"shizhigang01", "longhaiyan01"}  # no leader configured: the student-affairs heads


def test_answered_in_time_is_left_alone_and_resolution_has_its_own_chain(sim: Simulator, cdeps: Deps) -> None:
    sim.as_("zhanghaoran01").say("宿舍楼热水器坏了 报修没人管")
    sim.as_("sunguoqiang01").at("2026-11-25T15:00").say("回复#1 已安排维修")
    t = ticket(cdeps, 1)
    assert t.resolve_due is not None and t.first_response_due is not None
    set_clock(cdeps, t.resolve_due - MINUTE)
    assert chase_concern_deadlines(cdeps) == 0
    set_clock(cdeps, t.resolve_due + MINUTE)
    assert chase_concern_deadlines(cdeps) == 1
    assert "办结" in text_of(outbox(cdeps, "concern_chase")[0])
    sim.as_("sunguoqiang01").say("#1 已处理 已修好")
    set_clock(cdeps, t.resolve_due + timedelta(days=30))
    assert chase_concern_deadlines(cdeps) == 0 and ticket(cdeps, 1).status == "resolved"


def test_reopened_ticket_gets_a_new_deadline_and_chain(sim: Simulator, cdeps: Deps) -> None:
    student = sim.as_("zhanghaoran01")
    student.say("宿舍楼热水器坏了 报修没人管")
    sim.at("2026-12-18T12:00")
    assert chase_concern_deadlines(cdeps) == 3
    sim.as_("sunguoqiang01").say("#1 已处理 已修好")
    student.say("不满意 还是没热水")
    new_due = ticket(cdeps, 1).resolve_due
    assert new_due == add_working_days(local("2026-12-18T12:00"), 5, cdeps.settings)
    assert new_due is not None
    set_clock(cdeps, new_due + MINUTE)
    assert chase_concern_deadlines(cdeps) == 1
    assert len(outbox(cdeps, "concern_chase")) == 4  # two before, two now
