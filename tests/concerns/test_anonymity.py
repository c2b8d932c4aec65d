"""Anonymity (issue 6 §2): staff, digests, exports, alerts and common-problem flags never show who
raised an anonymous concern, while answers still reach the student; a small group is warned first;
revealing is a logged admin act."""

from __future__ import annotations

import json
from io import StringIO

from sqlalchemy import select

from bot.chat.context import Deps
from bot.concerns.export import concern_rows, write_jsonl
from bot.concerns.summary import concerns_summary
from bot.store.db import school_by_code
from bot.store.models import AuditLog, Concern, InboundMessage, OutboundMessage
from jobs.concern_deadlines import chase_concern_deadlines
from tests.concerns.conftest import ADMINS, outbox, person, text_of, ticket, tickets, tune
from tests.sim import Simulator

STUDENT = "zhanghaoran01"  # 张浩然, 计科2101, 计算机与信息工程学院


def identifying(deps: Deps, userid: str) -> list[str]:
    """The strings that would give the sender away: name, userid, class."""
    p = person(deps, userid)
    return [p.name, p.userid, p.class_name]


def assert_hidden(text: str, secrets: list[str], where: str) -> None:
    for secret in secrets:
        assert secret not in text, f"{secret!r} leaked in {where}: {text}"


def test_every_staff_facing_output_hides_an_anonymous_sender(sim: Simulator, cdeps: Deps) -> None:
    tune(cdeps, small_group_threshold=0)  # no warning in this test: the dialogue is tested below
    secrets = identifying(cdeps, STUDENT)
    student = sim.as_(STUDENT)
    staff_replies: list[str] = []

    # 1. an anonymous concern that also becomes part of a common problem with two other students
    receipt = student.say("匿名反映 3号楼热水器坏了 报修一周没人来")
    assert "#1" in receipt and "匿名" in receipt
    sim.as_("gaobowen01").say("3号楼的热水又坏了，洗不了澡")  # other classes: theirs may show
    sim.as_("wangzihan01").say("三号楼没有热水好几天了，什么时候修")
    assert ticket(cdeps, 1).anonymous and ticket(cdeps, 1).group_id is not None

    # 2. staff answer, the student follows up and is answered again; the group is answered once
    staff_replies.append(sim.as_("sunguoqiang01").at("2026-11-25T16:00").say("回复#1 已派维修工"))
    student.say("追问#1 维修工没来")
    staff_replies.append(sim.as_("wangli01").say("回复#1 我去催一下"))
    staff_replies.append(sim.as_("qinyaqin01").say("回复共性#1 已统一更换3号楼热水器"))
    answers = [text_of(r) for r in outbox(cdeps, "concern_reply", to=STUDENT)]
    assert any("已派维修工" in a for a in answers) and any("统一更换" in a for a in answers)  # answers reach them

    # 3. an anonymous crisis message from the same student
    staff_replies.append(student.say("别告诉别人是我 我真的不想活了"))  # the support answer, to the student
    crisis = tickets(cdeps)[-1]
    assert crisis.crisis and crisis.anonymous
    staff_replies.pop()  # the support answer goes to the student themself, not to staff

    # 4. the deadline job chases and escalates the crisis ticket (never answered) a week later
    sim.at("2026-12-04T12:00")
    assert chase_concern_deadlines(cdeps) >= 1

    # every message queued for anyone but the student
    staff_rows = [r for r in outbox(cdeps) if r.recipient != STUDENT]
    purposes = {r.purpose for r in staff_rows}
    assert {"concern_new", "concern_followup", "common_problem", "crisis_alert", "concern_chase"} <= purposes
    for row in staff_rows:
        assert_hidden(text_of(row), secrets, f"outbox {row.purpose} to {row.recipient}")
    for reply in staff_replies:
        assert_hidden(reply, secrets, "a reply to staff")
    alert = text_of(outbox(cdeps, "crisis_alert")[0])
    assert "匿名" in alert and "查明身份#" in alert

    with cdeps.sessions() as db:
        school = school_by_code(db, "", cdeps.settings)
        assert school is not None
        out = StringIO()
        write_jsonl(concern_rows(db, school, cdeps.settings), out)
        summary = concerns_summary(db, school, sim.deps.today()).render()
        earlier = concerns_summary(db, school, ticket(cdeps, 1).created_at.astimezone(cdeps.settings.tz).date())
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    anonymous_rows = [r for r in rows if r["anonymous"]]
    assert len(anonymous_rows) == 2
    for row in anonymous_rows:
        assert row["sender_userid"] is None and row["sender_name"] is None and row["sender_class"] is None
        assert_hidden(json.dumps(row, ensure_ascii=False), secrets, f"export of #{row['number']}")
    assert_hidden(summary, secrets, "digest summary")
    assert_hidden(earlier.render(), secrets, "digest summary of the week raised")
    assert earlier.common_problems and earlier.raised == 4


def test_named_concerns_do_show_the_sender(sim: Simulator, cdeps: Deps) -> None:
    sim.as_(STUDENT).say("宿舍楼热水器坏了 报修没人管")
    assert "张浩然（计科2101）" in text_of(outbox(cdeps, "concern_new")[0])


def test_small_group_is_warned_before_sending(sim: Simulator, cdeps: Deps) -> None:
    """计科2101 has 4 students (threshold 5): the student chooses, and nothing is sent before that."""
    student = sim.as_(STUDENT)
    said = student.say("匿名反映 宿舍楼有人养猫 半夜一直叫 影响休息")
    assert "班级只有4人" in said and "1. 仍然匿名提交" in said
    assert tickets(cdeps) == [] and outbox(cdeps) == []
    said = student.say("1")
    assert "#1" in said and ticket(cdeps, 1).anonymous

    student.say("不要透露我的名字 食堂的饭越来越贵了")
    assert "已取消" in student.say("3")
    assert len(tickets(cdeps)) == 1

    student.say("别说是我 图书馆的电脑太旧了 查资料特别慢")
    said = student.say("2")
    assert "#2" in said and not ticket(cdeps, 2).anonymous


def test_anonymous_counselor_is_warned_about_a_tiny_group(sim: Simulator, cdeps: Deps) -> None:
    said = sim.as_("wangli01").say("匿名 希望学校多支持辅导员进修")
    assert "只有" in said and "联系同一位领导的老师" in said


def test_reveal_needs_a_crisis_someone_on_the_case_and_a_reason(sim: Simulator, cdeps: Deps) -> None:
    tune(cdeps, small_group_threshold=0)
    student = sim.as_(STUDENT)
    said = student.say("匿名反映 宿舍楼有人养猫 半夜一直叫")
    assert "只有在您的生命安全面临危险时" in said  # the one sentence: when identity can be revealed
    refused = sim.as_(ADMINS[0]).say("查明身份#1 想知道是谁")
    assert "张浩然" not in refused and "不是危机情况" in refused
    crisis = student.say("匿名 我真的撑不下去了 不想活了")
    assert "生命安全面临危险" in crisis
    number = ticket_number_of_crisis(cdeps)
    assert "张浩然" not in sim.as_("sunguoqiang01").say(f"查明身份#{number} 有危险")  # not on the case
    asks = sim.as_(ADMINS[0]).say(f"查明身份#{number}")
    assert "请写明原因" in asks and "张浩然" not in asks
    said = sim.as_(ADMINS[0]).say(f"查明身份#{number} 有自杀风险，需要马上联系本人")
    assert "张浩然" in said and "审计日志" in said
    with cdeps.sessions.begin() as db:
        logs = db.scalars(select(AuditLog).where(AuditLog.action == "concern.reveal_sender")).all()
        assert [(log.actor, log.target) for log in logs] == [(ADMINS[0], f"concern#{number}")]
        assert logs[0].detail["reason"] == "有自杀风险，需要马上联系本人"
        assert "zhanghaoran01" not in json.dumps(logs[0].detail)
        # The answer named the student: it is never stored as the chat reply.
        replies = " ".join(r or "" for r in db.scalars(select(InboundMessage.reply)))
        assert "张浩然" not in replies
        told = {m.recipient for m in db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "concern_reveal"))}
        assert told >= {"wangli01", ADMINS[1], ADMINS[2]} and ADMINS[0] not in told


def ticket_number_of_crisis(deps: Deps) -> int:
    with deps.sessions() as db:
        number = db.scalar(select(Concern.number).where(Concern.crisis.is_(True)))
    assert number is not None
    return int(number)
