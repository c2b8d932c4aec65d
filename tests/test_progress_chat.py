"""Progress, digest, confirmation and pauses through the dispatcher, as people use them in chat."""

from __future__ import annotations

from sqlalchemy import select

from bot.chat.context import Deps
from bot.rules.models import Pause
from bot.store.models import Contact, OutboundMessage
from tests.sim import Simulator


def test_progress_names_unmet_mentees_and_counts_the_week(roster_deps: Deps) -> None:
    leader = Simulator(roster_deps, "zhaojianguo01").at("2026-11-25T20:00")
    before = leader.say("我的进度")
    assert "本周" in before and "本季度" in before and "本学期" in before and "王丽" in before
    leader.say("今天去3号楼215宿舍看望学生，聊了考研")
    leader.say("今天约谈王丽 了解她的职称评聘情况")
    after = leader.say("本季度完成情况")
    assert "尚未交流：王建军、张明华" in after or ("王建军" in after and "尚未交流：王丽" not in after)
    assert after != before


def test_menu_progress_word_works(roster_deps: Deps) -> None:
    assert "本月" in Simulator(roster_deps, "xuehong01").at("2026-11-25T20:00").say("进度")  # a chief: monthly (N4)


def test_admin_gets_the_digest_others_do_not(roster_deps: Deps) -> None:
    Simulator(roster_deps, "zhaojianguo01").at("2026-11-25T20:00").say("今天去3号楼215宿舍看望学生，聊了考研")
    admin = Simulator(roster_deps, "qinyaqin01").at("2026-11-25T21:00")
    digest = admin.say("周报")
    assert "周报" in digest and "赵建国" in digest
    assert "仅向管理员" in Simulator(roster_deps, "zhaojianguo01").at("2026-11-25T21:00").say("周报")


def test_counselor_confirms_a_recorded_talk(roster_deps: Deps) -> None:
    leader = Simulator(roster_deps, "zhaojianguo01").at("2026-11-25T20:00")
    leader.say("今天约谈王丽 了解她的职称评聘情况")
    with roster_deps.sessions() as db:
        asked = db.scalars(select(OutboundMessage).where(OutboundMessage.recipient == "wangli01")).all()
    assert len(asked) == 1 and "请确认" in asked[0].payload["choice"]["text"]
    reply = leader.as_("wangli01").say("确认")
    assert "确认" in reply
    with roster_deps.sessions() as db:
        contact = db.scalars(select(Contact)).one()
        assert contact.confirmation == "confirmed"


def test_pause_is_recorded_with_its_reason(roster_deps: Deps) -> None:
    leader = Simulator(roster_deps, "zhaojianguo01").at("2026-11-25T20:00")
    reply = leader.say("出差到12月3日，暂停提醒")
    assert "12月" in reply
    with roster_deps.sessions() as db:
        pause = db.scalars(select(Pause)).one()
    assert pause.reason and "出差" in pause.reason
