"""Every message is checked (issue 12 §5), and the two tiers act as they should (§4).

Through the real dispatcher: a follow-up (追问#1), a staff answer with a ticket number, a counselor's
own words, a leader's contact report that mentions a student at risk, and the Official Account
channel each raise the crisis alert; a staff answer or a contact report is still recorded. A safety
crisis says 110/119/120; the alert and the audit log name the signals. The watch tier is a normal
ticket whose counselor is told the same day, and whose student reads the hotline.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from bot.chat.context import Deps
from bot.server.web import create_app
from bot.server.webhook import wait_idle
from bot.store.models import AuditLog, Contact, Person
from tests.concerns.conftest import MENTAL_OFFICE_HEAD, outbox, text_of, tickets
from tests.sim import Simulator
from tests.wecom.conftest import with_official
from tests.wecom.test_official import OPENID, message, send


def alerted(deps: Deps) -> set[str]:
    return {r.recipient for r in outbox(deps, "crisis_alert")}


def audits(deps: Deps, action: str) -> list[AuditLog]:
    with deps.sessions() as db:
        return list(db.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def test_a_follow_up_is_checked(sim: Simulator, cdeps: Deps) -> None:
    student = sim.as_("zhanghaoran01")
    assert "#1" in student.say("宿舍热水器坏了 报修一周没人来")
    said = student.say("追问#1 其实热水无所谓了 我已经不想活了")
    assert "12356" in said and alerted(cdeps) >= {MENTAL_OFFICE_HEAD}
    assert [t.crisis for t in tickets(cdeps)] == [False, True]


def test_a_follow_up_with_hyperbole_alerts_nobody(sim: Simulator, cdeps: Deps) -> None:
    student = sim.as_("zhanghaoran01")
    student.say("宿舍热水器坏了 报修一周没人来")
    assert "已把您的补充" in student.say("追问#1 冷死了 还是没有热水")
    assert outbox(cdeps, "crisis_alert") == []


def test_a_staff_answer_alerts_and_is_still_relayed(sim: Simulator, cdeps: Deps) -> None:
    sim.as_("zhanghaoran01").say("宿舍热水器坏了 报修一周没人来")  # wangli01 is copied in as his counselor
    said = sim.as_("wangli01").say("回复#1 热水器明天修。另外你室友刚说今晚想从阳台跳下去，我正往宿舍赶")
    assert "已紧急通知" in said and "已答复 #1" in said  # the alert notice above the usual answer
    assert alerted(cdeps) >= {MENTAL_OFFICE_HEAD}
    assert [r.recipient for r in outbox(cdeps, "concern_reply")] == ["zhanghaoran01"]
    assert [t.crisis for t in tickets(cdeps)] == [False, True]


def test_a_counselors_own_words_are_checked(sim: Simulator, cdeps: Deps) -> None:
    said = sim.as_("wangli01").say("带毕业班这一年太累了 我自己也撑不下去了 真的不想活了")
    assert "12356" in said and "如果是您自己感到撑不下去" in said
    assert alerted(cdeps) >= {MENTAL_OFFICE_HEAD}


def test_a_leaders_report_of_a_student_at_risk_alerts_and_is_recorded(sim: Simulator, cdeps: Deps) -> None:
    said = sim.as_("zhaojianguo01").say("今天去3号楼215宿舍看望学生 有个学生说最近不想活了 已让辅导员陪着他")
    assert "已紧急通知" in said and "宿舍" in said
    assert alerted(cdeps) >= {MENTAL_OFFICE_HEAD}
    with cdeps.sessions() as db:
        assert db.scalar(select(Contact.venue)) == "dorm"


def test_a_leaders_report_of_a_prevention_lecture_alerts_nobody(sim: Simulator, cdeps: Deps) -> None:
    sim.as_("zhaojianguo01").say("今天给新生讲了一堂预防自杀的心理健康讲座")
    assert outbox(cdeps, "crisis_alert") == []


@pytest.fixture
def oclient(cdeps: Deps) -> Iterator[tuple[Deps, FlaskClient]]:
    deps = with_official(cdeps)
    with deps.sessions.begin() as db:
        db.execute(update(Person).where(Person.userid == "zhanghaoran01").values(openid=OPENID))
    yield deps, create_app(deps=deps).test_client()
    assert wait_idle(10)


def test_the_official_account_is_checked(oclient: tuple[Deps, FlaskClient]) -> None:
    deps, client = oclient
    said = send(client, message(OPENID, "想紫砂 药已经囤好了", "8300000001"))
    assert "12356" in said
    assert alerted(deps) == {MENTAL_OFFICE_HEAD, "wangli01"}
    assert tickets(deps)[0].crisis and tickets(deps)[0].channel == "official"


def test_a_safety_crisis_names_the_emergency_numbers_and_the_signal(sim: Simulator, cdeps: Deps) -> None:
    said = sim.as_("zhanghaoran01").say("宿舍着火了 四楼还有人没出来")
    assert "119" in said and "110" in said and "120" in said
    assert tickets(cdeps)[0].category == "safety"
    alert = text_of(outbox(cdeps, "crisis_alert")[0])
    assert "安全紧急情况" in alert and "识别依据：突发急症或事故" in alert
    (row,) = audits(cdeps, "concern.crisis")
    assert row.target == "#1" and "emergency:self" in row.detail["signals"]
    assert "着火" not in str(row.detail)  # the audit log never carries the words
    assert row.actor == "system"  # nor who raised it: an anonymous sender stays sealed


def test_a_peer_report_names_who_in_the_alert(sim: Simulator, cdeps: Deps) -> None:
    sim.as_("zhanghaoran01").say("室友把安眠药都攒在抽屉里 今天跟我说今晚就全吃了")
    assert tickets(cdeps)[0].category == "mental"
    assert "计划或工具（他人转述）" in text_of(outbox(cdeps, "crisis_alert")[0])


def test_the_watch_tier_tells_the_counselor_today_and_shows_the_hotline(sim: Simulator, cdeps: Deps) -> None:
    said = sim.as_("zhanghaoran01").say("这学期什么都做不好 晚上总是偷偷哭 觉得没有人在乎我")
    assert "#1" in said and "12356" in said and "辅导员今天会联系你" in said
    assert outbox(cdeps, "crisis_alert") == [] and not tickets(cdeps)[0].crisis
    (note,) = outbox(cdeps, "concern_watch")
    assert note.recipient == "wangli01" and "需关注 #1" in text_of(note) and note.next_attempt_at == note.created_at
    (row,) = audits(cdeps, "concern.watch")
    assert row.detail["told"] == ["wangli01"] and row.detail["risk"] == "watch"


def test_an_ordinary_concern_is_neither_tier(sim: Simulator, cdeps: Deps) -> None:
    said = sim.as_("zhanghaoran01").say("食堂的饭越来越贵了 能不能出点平价菜")
    assert "12356" not in said
    assert outbox(cdeps, "concern_watch") == [] and outbox(cdeps, "crisis_alert") == []
