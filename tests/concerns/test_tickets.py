"""Tickets (issue 6 §1, §3): numbers, routing by the config table and the roster, deadlines told to
the sender, staff answers in chat, follow-ups, ratings and reopening — all through the dispatcher."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timezone

from sqlalchemy import delete, select

from bot.chat.context import Deps
from bot.concerns.deadlines import add_working_hours
from bot.concerns.models import ConcernCounter
from bot.concerns.numbering import next_number
from bot.concerns.render import when
from bot.store.db import make_sessions
from bot.store.models import School
from tests.concerns.conftest import history, outbox, person, text_of, ticket, tickets
from tests.sim import Simulator

WED_NOON_NEXT_WEEK = datetime(2026, 12, 2, 4, 0, tzinfo=timezone.utc)  # 12:00 in Shanghai


def test_student_concern_becomes_a_routed_ticket_with_deadlines(sim: Simulator, cdeps: Deps) -> None:
    said = sim.as_("zhanghaoran01").say("宿舍楼热水器坏了 报修没人管")
    assert "#1" in said and "后勤管理处" in said and "辅导员" in said
    t = ticket(cdeps, 1)
    tz = cdeps.settings.tz
    assert when(t.first_response_due, tz) in said and when(t.resolve_due, tz) in said
    assert t.category == "life" and t.status == "open" and not t.anonymous and not t.crisis
    assert t.owner_office == "后勤管理处" and t.owner_id == person(cdeps, "sunguoqiang01").id
    assert t.counselor_id == person(cdeps, "wangli01").id  # 计科2101 is on 王丽's class list
    # 24 working hours to a first answer, 5 working days (the same time, next Wednesday) to resolution
    assert t.first_response_due == add_working_hours(t.created_at, 24, cdeps.settings)
    assert t.resolve_due == WED_NOON_NEXT_WEEK
    owner_note = text_of(outbox(cdeps, "concern_new", to="sunguoqiang01")[0])
    assert "#1" in owner_note and "张浩然" in owner_note and "热水器" in owner_note and "回复#1" in owner_note
    assert "抄送" in text_of(outbox(cdeps, "concern_new", to="wangli01")[0])
    assert history(cdeps, 1) == [("sender", "宿舍楼热水器坏了 报修没人管")]


def test_routing_table_comes_from_config(sim: Simulator, cdeps: Deps) -> None:
    sim.as_("huangjunjie01").say("想找个暑期实习 学院有推荐的单位吗")
    sim.as_("gaobowen01").say("考研数学有没有学校组织的辅导班")
    assert [(t.category, t.owner_office) for t in tickets(cdeps)] == [("career", "招生就业处"), ("study", "教务处")]
    assert outbox(cdeps, "concern_new")[0].recipient != outbox(cdeps, "concern_new")[-1].recipient


def test_counselor_concern_goes_to_the_linked_leader(sim: Simulator, cdeps: Deps) -> None:
    """N9: a counselor's or teacher's own concern reaches the leader linked to them."""
    said = sim.as_("wangli01").say("希望学校多支持辅导员进修，职称评聘的名额太少了")
    assert "#1" in said and "赵建国" in said
    t = ticket(cdeps, 1)
    assert t.owner_id == person(cdeps, "zhaojianguo01").id and t.counselor_id is None
    assert len(outbox(cdeps, "concern_new", to="zhaojianguo01")) == 1


def test_numbers_increase_per_school(sim: Simulator, cdeps: Deps) -> None:
    for userid, text in (("zhanghaoran01", "选修课能不能多开几个名额 总是抢不到"), ("yezilin01", "食堂的饭越来越贵了"),
                         ("lutianyu01", "校园网晚上太卡 打视频都卡")):
        sim.as_(userid).say(text)
    assert [t.number for t in tickets(cdeps)] == [1, 2, 3]


def test_numbers_are_unique_under_concurrency(cdeps: Deps) -> None:
    """Eight writers taking numbers at once, each in its own committed transaction, never collide."""
    sessions = make_sessions(cdeps.engine)  # real commits, outside the test's rolled-back transaction
    code = f"conc-{uuid.uuid4().hex[:8]}"
    with sessions.begin() as db:
        db.add(School(code=code, name="并发测试学校"))
    taken: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(15):
                with sessions.begin() as db:
                    school = db.scalar(select(School).where(School.code == code))
                    assert school is not None
                    number = next_number(db, school)
                with lock:
                    taken.append(number)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors, errors
        assert sorted(taken) == list(range(1, 121))
    finally:
        with sessions.begin() as db:
            school = db.scalar(select(School).where(School.code == code))
            assert school is not None
            db.execute(delete(ConcernCounter).where(ConcernCounter.school_id == school.id))
            db.delete(school)


def test_reply_follow_up_resolve_rate_and_reopen(sim: Simulator, cdeps: Deps) -> None:
    student, owner = sim.as_("zhanghaoran01"), sim.as_("sunguoqiang01")
    student.say("宿舍楼热水器坏了 报修没人管")

    said = owner.at("2026-11-25T15:00").say("回复#1 已联系后勤，周五前修好")
    assert "已答复 #1" in said and "张浩然" not in said
    relayed = text_of(outbox(cdeps, "concern_reply", to="zhanghaoran01")[-1])
    assert "已联系后勤，周五前修好" in relayed and "追问#1" in relayed
    t = ticket(cdeps, 1)
    assert t.status == "answered" and t.first_response_at is not None

    assert "已把您的补充" in student.say("追问#1 今天还是没有热水")
    followups = outbox(cdeps, "concern_followup")
    assert {r.recipient for r in followups} == {"sunguoqiang01", "wangli01"}
    assert "今天还是没有热水" in text_of(followups[0])

    said = sim.as_("wangli01").say("#1 已处理 已更换热水器")  # the counselor copied in may answer too
    assert "已办结" in said
    assert "满意" in text_of(outbox(cdeps, "concern_reply", to="zhanghaoran01")[-1])
    assert ticket(cdeps, 1).status == "resolved"

    said = student.at("2026-11-26T09:00").say("不满意 水还是凉的")
    assert "重新打开" in said
    t = ticket(cdeps, 1)
    assert t.status == "reopened" and t.rating == "unsatisfied" and t.resolved_at is None
    assert {r.recipient for r in outbox(cdeps, "concern_reopened")} == {"sunguoqiang01", "wangli01"}

    owner.say("#1 已处理 更换了加热管，已测试出热水")
    assert "谢谢" in student.say("满意")
    t = ticket(cdeps, 1)
    assert t.status == "resolved" and t.rating == "satisfied"
    assert [role for role, _ in history(cdeps, 1)] == [
        "sender", "staff", "sender", "staff", "sender", "system", "staff", "sender"]


def test_only_handlers_may_answer(sim: Simulator, cdeps: Deps) -> None:
    sim.as_("zhanghaoran01").say("宿舍楼热水器坏了 报修没人管")
    said = sim.as_("chenjing01").say("回复#1 我来看看")  # a counselor of other classes
    assert "不在您的处理范围" in said
    assert outbox(cdeps, "concern_reply") == []
    assert "没有找到 #99" in sim.as_("sunguoqiang01").say("回复#99 好的")


def test_someone_elses_ticket_is_not_a_follow_up(sim: Simulator, cdeps: Deps) -> None:
    sim.as_("zhanghaoran01").say("宿舍楼热水器坏了 报修没人管")
    assert "没有找到您反映的 #1" in sim.as_("lisiqi01").say("追问#1 我们宿舍也是")


def test_answers_the_parser_recognises_without_the_hash(sim: Simulator, cdeps: Deps) -> None:
    sim.as_("zhanghaoran01").say("宿舍楼热水器坏了 报修没人管")
    owner = sim.as_("sunguoqiang01")
    assert "已答复 #1" in owner.say("回复1 已安排维修")
    assert "已办结" in owner.say("工单1：已处理 已修好")
    assert [t for _, t in history(cdeps, 1)][1:] == ["已安排维修", "已处理 已修好"]
    assert "追问" not in owner.say("＃1 已处理 再次确认")  # a full-width ＃ works too
