"""Leaders report contacts through the dispatcher: stored, confirmed, questioned, undone, edited (N1–N8, N16, N17, N20)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.chat.context import Deps
from bot.store.models import Contact, ContactRevision, InboundMessage, Person
from tests.sim import Simulator


def contacts(deps: Deps, userid: str, include_deleted: bool = False) -> list[Contact]:
    with deps.sessions() as db:
        q = select(Contact).join(Person, Person.id == Contact.person_id).where(Person.userid == userid)
        if not include_deleted:
            q = q.where(Contact.deleted_at.is_(None))
        return list(db.scalars(q.order_by(Contact.id)))


@pytest.fixture
def leader(roster_deps: Deps) -> Simulator:
    return Simulator(roster_deps, "zhaojianguo01").at("2026-11-25T20:00")  # a Wednesday evening


def test_dorm_visit_is_stored_and_confirmed_in_one_line(leader: Simulator) -> None:
    reply = leader.say("今天去3号楼215宿舍看望学生，聊了考研")
    assert "已记录" in reply and "11月25日" in reply and "宿舍" in reply and "撤销" in reply
    [c] = contacts(leader.deps, "zhaojianguo01")
    assert (c.kind, c.venue, c.occurred_on, c.backdated) == ("face_to_face", "dorm", date(2026, 11, 25), False)
    assert c.source_text == "今天去3号楼215宿舍看望学生，聊了考研" and c.channel == "console"
    assert "考研" in c.topics


def test_student_count_is_in_the_reply(leader: Simulator) -> None:
    reply = leader.say("昨天中午在二食堂和8名学生一起吃饭 聊了就业")
    assert "学生8人" in reply and "11月24日" in reply and "食堂" in reply


@pytest.mark.parametrize(
    ("text", "shown", "not_shown"),
    [
        # a counselor who came along: named as such, the visit stays the sender's own
        ("昨晚和王丽一起去12号楼宿舍看望学生，共计6人，聊了考研", ("11月24日", "宿舍", "同行：王丽", "学生6人"), ("对象",)),
        # a talk in everyday words, the name after the title, a date in Chinese numerals
        ("二十三号跟辅导员王建军聊了聊 他想考博", ("11月23日", "与辅导员/思政课教师面对面交流", "对象：王建军"), ()),
        # several teachers at one talk
        ("和王丽、王建军两位辅导员座谈 了解学生思想动态", ("对象：", "王丽", "王建军"), ("同行",)),
        # a total at the end of the message
        ("去计算机学院宿舍走访 跟同学们聊了聊期末复习 一共八个", ("宿舍", "学生8人"), ()),
        # a hedged count is no count: nothing is claimed that was not said
        ("去计算机学院宿舍走访 跟同学们聊了聊期末复习 大概二十个", ("宿舍",), ("学生20人",)),
    ],
)
def test_the_reply_shows_each_slot_understood(leader: Simulator, text: str, shown: tuple[str, ...],
                                              not_shown: tuple[str, ...]) -> None:
    reply = leader.say(text)
    assert "已记录" in reply
    assert all(part in reply for part in shown), reply
    assert not any(part in reply for part in not_shown), reply


def test_backdated_record_is_marked(leader: Simulator) -> None:
    reply = leader.say("11月20日去机械学院听了一节课 学生40人 聊了学习")
    assert "补记" in reply
    [c] = contacts(leader.deps, "zhaojianguo01")
    assert c.backdated and c.occurred_on == date(2026, 11, 20)


@pytest.mark.parametrize("text", ["11月1日去宿舍看望学生，聊了考研", "11月28日去宿舍看望学生，聊了考研"])
def test_too_old_or_future_is_refused_with_the_reason(leader: Simulator, text: str) -> None:
    reply = leader.say(text)
    assert ("超过14天" in reply) or ("还没有到" in reply)
    assert contacts(leader.deps, "zhaojianguo01") == []


def test_ambiguous_teacher_asks_with_numbered_choices(leader: Simulator) -> None:
    reply = leader.say("今天约谈王老师 聊了职称评聘")
    assert "哪位老师" in reply and "1. 王丽" in reply and "2. 王建军" in reply
    assert contacts(leader.deps, "zhaojianguo01") == []
    reply = leader.say("2")
    assert "已记录" in reply and "王建军" in reply
    [c] = contacts(leader.deps, "zhaojianguo01")
    assert c.kind == "mentee_talk" and [cp.person.userid for cp in c.counterparts] == ["wangjianjun01"]


def test_anything_else_starts_over_cleanly(leader: Simulator) -> None:
    assert "哪位老师" in leader.say("今天约谈王老师 聊了职称评聘")
    reply = leader.say("帮助")
    assert "记录联系" in reply
    assert "抱歉" in leader.say("1") or "已记录" not in leader.say("1")
    assert contacts(leader.deps, "zhaojianguo01") == []


def test_near_miss_name_is_asked_never_taken(leader: Simulator) -> None:
    reply = leader.say("今天和王莉老师面谈 了解她的工作情况")
    assert "您是指王丽老师吗" in reply
    assert contacts(leader.deps, "zhaojianguo01") == []
    reply = leader.say("1")
    assert "已记录" in reply and "王丽" in reply


def test_empty_record_asks_for_content(leader: Simulator) -> None:
    reply = leader.say("去宿舍了")
    assert "已记录" in reply and "聊了什么" in reply
    reply = leader.say("主要了解了期末复习和宿舍热水问题")
    assert "已补充" in reply
    [c] = contacts(leader.deps, "zhaojianguo01")
    assert c.topics == ["主要了解了期末复习和宿舍热水问题"]
    with leader.deps.sessions() as db:
        actions = db.scalars(select(ContactRevision.action).where(ContactRevision.contact_id == c.id)).all()
    assert list(actions) == ["create", "edit"]


def test_empty_record_answer_skip(leader: Simulator) -> None:
    leader.say("去宿舍了")
    assert "已保存" in leader.say("跳过")
    [c] = contacts(leader.deps, "zhaojianguo01")
    assert c.topics == []


def test_undo_takes_back_the_last_record_within_24h(leader: Simulator) -> None:
    leader.say("今天去3号楼215宿舍看望学生，聊了考研")
    reply = leader.say("撤销")
    assert "已撤销" in reply
    assert contacts(leader.deps, "zhaojianguo01") == []
    [c] = contacts(leader.deps, "zhaojianguo01", include_deleted=True)
    assert c.deleted_at is not None
    with leader.deps.sessions() as db:
        actions = db.scalars(select(ContactRevision.action).where(ContactRevision.contact_id == c.id)).all()
    assert list(actions) == ["create", "undo"]
    assert "没有找到" in leader.say("撤销")


def test_undo_window_closes_after_24h(leader: Simulator) -> None:
    leader.say("今天去3号楼215宿舍看望学生，聊了考研")
    leader.at("2026-11-26T21:00")
    assert "没有找到" in leader.say("撤销")
    assert len(contacts(leader.deps, "zhaojianguo01")) == 1


@pytest.mark.parametrize(
    ("edit", "field", "value"),
    [("改成昨天", "occurred_on", date(2026, 11, 24)), ("改成食堂", "venue", "canteen"), ("人数8", "students", 8)],
)
def test_edits_change_the_last_record_and_keep_history(leader: Simulator, edit: str, field: str,
                                                       value: object) -> None:
    leader.say("今天去3号楼215宿舍看望学生，聊了考研")
    reply = leader.say(edit)
    assert "已修改" in reply
    [c] = contacts(leader.deps, "zhaojianguo01")
    assert getattr(c, field) == value
    with leader.deps.sessions() as db:
        rev = db.scalars(select(ContactRevision).where(ContactRevision.action == "edit")).one()
    assert rev.before[field] != rev.after[field]


@pytest.mark.parametrize(("text", "half_days"), [("今天全天在学生社区一线值守", 2.0), ("上午半天在学院一线", 1.0)])
def test_frontline_time_is_recorded_in_half_days(roster_deps: Deps, text: str, half_days: float) -> None:
    head = Simulator(roster_deps, "shizhigang01").at("2026-11-25T20:00")
    assert "已记录" in head.say(text)
    [c] = contacts(roster_deps, "shizhigang01")
    assert c.kind == "frontline" and c.half_days == half_days


def test_students_cannot_log_contacts(roster_deps: Deps) -> None:
    student = Simulator(roster_deps, "lisiqi01").at("2026-11-25T20:00")
    student.say("今天去宿舍看望同学")
    assert contacts(roster_deps, "lisiqi01") == []


def test_unknown_gets_two_examples(leader: Simulator) -> None:
    reply = leader.say("👍")
    assert "抱歉" in reply and reply.count("·") >= 2


def test_unknown_sender_stores_nothing(roster_deps: Deps) -> None:
    reply = Simulator(roster_deps, "ghost01").say("今天去3号楼宿舍看望学生")
    assert "花名册" in reply
    with roster_deps.sessions() as db:
        assert db.scalars(select(Contact)).all() == []
        assert db.scalars(select(InboundMessage)).all() == []


@pytest.mark.parametrize("text", ["晚上在班级微信群里回答学生的问题", "今天去3号楼看了看学生", "下午开了个班会"])
def test_a_counselors_own_work_report_is_answered_not_stored(roster_deps: Deps, text: str) -> None:
    reply = Simulator(roster_deps, "wangli01").at("2026-11-25T20:00").say(text)
    assert "联系记录由学校领导登记" in reply and "没有看懂" not in reply
    assert contacts(roster_deps, "wangli01") == []
