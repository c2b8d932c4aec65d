"""Any committed change to people or links invalidates every process's name index (bot/store/roster_version.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.chat.context import Deps
from bot.store.models import Link, Person
from bot.store.roster_version import roster_version
from tests.sim import Simulator


def test_a_new_link_is_understood_without_a_restart(roster_deps: Deps) -> None:
    leader = Simulator(roster_deps, "zhaojianguo01").at("2026-11-25T20:00")
    assert "1. 王丽" in leader.say("今天约谈王老师 聊了职称评聘")  # two linked 王: asked
    leader.say("帮助")  # leave the question
    with roster_deps.sessions.begin() as db:  # an admin ends the link to 王建军 (as the console does)
        person = {p.userid: p for p in db.scalars(select(Person))}
        link = db.scalars(select(Link).where(Link.leader_id == person["zhaojianguo01"].id,
                                             Link.mentee_id == person["wangjianjun01"].id)).one()
        link.until = date(2026, 11, 25)
    reply = leader.say("今天约谈王老师 聊了职称评聘")
    assert "已记录" in reply and "王丽" in reply  # only one 王 is linked now: no question


def test_only_committed_changes_bump(roster_deps: Deps) -> None:
    with roster_deps.sessions() as db:
        school_id = db.scalars(select(Person.school_id)).first()
    assert school_id is not None
    before = roster_version(roster_deps, school_id)
    with roster_deps.sessions() as db:
        person = db.scalars(select(Person).where(Person.userid == "wangli01")).one()
        person.title = "高级辅导员"
        db.flush()
        db.rollback()
    assert roster_version(roster_deps, school_id) == before
    with roster_deps.sessions.begin() as db:
        db.scalars(select(Person).where(Person.userid == "wangli01")).one().title = "高级辅导员"
    assert roster_version(roster_deps, school_id) != before
