"""Crisis cases (issue 14) through the real WeCom callback, the emulator's WeCom API and the scheduler's
jobs: the alert is a card with 我来处理, the first to acknowledge owns the case and the others are told,
the student is told a named person is on it; an unacknowledged alert escalates step by step at the
configured minutes and stops at the first acknowledgement, each step once across two schedulers and a
restart; progress and closing are typed; the three kinds of sender read the words that fit them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.chat.context import Deps
from bot.concerns.cases import Cases
from bot.concerns.deadlines import set_deadlines
from bot.concerns.models import CrisisCase, CrisisStep
from bot.config import CrisisSettings
from bot.store.models import Concern, OutboundMessage, Person
from jobs.concern_deadlines import chase_concern_deadlines
from jobs.crisis_alerts import escalate_crisis_alerts
from jobs.scheduler import Scheduler, run_due_jobs
from tests.concerns.conftest import MENTAL_OFFICE_HEAD, outbox, text_of
from tests.rules.test_scheduler import paused_pair, run_together
from tests.wecom.conftest import emulated_wecom
from tests.wecom.conftest import phones as phones  # noqa: F401  (a fixture, used by name)
from tests.wecom.phones import Phones, buttons, shown, texts, updates

STUDENT, COUNSELOR, TEACHER = "zhanghaoran01", "wangli01", "zhangminghua01"
HEADS = {"shizhigang01", "longhaiyan01"}  # the school's 学工负责人 (the college has none of its own)
LEADER = "sunlixin01"  # 党委副书记, configured as the leader in charge of student affairs
ACK_MINUTES = 5


@pytest.fixture
def fake_api(cdeps: Deps) -> Iterator[Deps]:
    """The concern roster (counselors with classes), a 5-minute chain ending with 孙立新, the emulator's API."""
    cdeps.settings = replace(cdeps.settings, crisis=CrisisSettings(ack_minutes=ACK_MINUTES, leaders=(LEADER,)))
    with emulated_wecom(cdeps) as deps:
        yield deps


def advance(phones: Phones, minutes: float) -> dict[str, int]:
    """Move the clock on and run what the scheduler would run then (`contactbot jobs run`)."""
    phones.deps.clock.moment += timedelta(minutes=minutes)  # type: ignore[attr-defined]
    return run_due_jobs(phones.deps)


def case(phones: Phones) -> CrisisCase:
    with phones.deps.sessions() as db:
        found = db.scalar(select(CrisisCase).order_by(CrisisCase.id.desc()).limit(1))
        assert found is not None
        return found


def userid(phones: Phones, person_id: int | None) -> str | None:
    with phones.deps.sessions() as db:
        person = db.get(Person, person_id) if person_id else None
        return person.userid if person else None


def alert(phones: Phones, text: str = "真的不想活了 今晚就从楼顶跳下去", sender: str = STUDENT) -> str:
    said = phones.say(sender, text)
    phones.deliver()
    return said


def alert_cards(phones: Phones, who: str) -> list[dict[str, Any]]:
    return [c for c in phones.cards(who) if c["main_title"]["title"].startswith("【紧急·危机预警】")]


def received(phones: Phones, who: str) -> tuple[list[dict[str, Any]], str]:
    """The alert cards that reached someone since the last look, and all the text (a long alert's words
    go as a text message just before its card)."""
    messages = phones.inbox(who)
    cards = [m["template_card"] for m in messages if m["msgtype"] == "template_card"]
    return [c for c in cards if c["main_title"]["title"].startswith("【紧急·危机预警】")], "\n".join(texts(messages))


def test_the_alert_is_a_card_and_the_first_tap_owns_the_case(phones: Phones) -> None:
    assert "12356" in alert(phones)
    [card] = alert_cards(phones, COUNSELOR)
    [other] = alert_cards(phones, MENTAL_OFFICE_HEAD)
    assert buttons(card) == ["我来处理"] and card["main_title"]["title"] == "【紧急·危机预警】#1 请立即认领"
    assert shown(phones.tap(COUNSELOR, card, "我来处理")).startswith("王丽已接手 · 11月25日 12:")
    got = case(phones)
    assert (got.state, userid(phones, got.acknowledged_by)) == ("acknowledged", COUNSELOR)
    assert got.acknowledged_at is not None and got.acknowledged_at >= got.alerted_at
    phones.deliver()
    theirs = phones.inbox(MENTAL_OFFICE_HEAD)
    assert any("王丽已接手处理" in t for t in texts(theirs))  # the others are told who did …
    [redraw] = updates(theirs)  # … and their card is redrawn
    assert redraw["template_card"]["replace_text"].startswith("王丽已接手")
    [told] = [t for t in texts(phones.inbox(STUDENT)) if "【#1】" in t]
    assert "王丽老师已经在处理" in told
    # A late tap on the other card does nothing more; a typed 接手 is told who owns it.
    assert shown(phones.tap(MENTAL_OFFICE_HEAD, other, "我来处理")).startswith("王丽已接手")
    assert "已由计算机与信息工程学院王丽接手" in phones.say(MENTAL_OFFICE_HEAD, "接手#1")
    assert userid(phones, case(phones).acknowledged_by) == COUNSELOR


def test_typed_acknowledgement_progress_and_closing(phones: Phones) -> None:
    alert(phones)
    assert "不在您的处置范围内" in phones.say(TEACHER, "接手#1")
    assert "#1 由您负责" in phones.say(MENTAL_OFFICE_HEAD, "接手#1")
    assert "已记录：#1 已联系" in phones.say(MENTAL_OFFICE_HEAD, "已联系#1 电话联系上了，人在宿舍")
    assert "请写明结果" in phones.say(MENTAL_OFFICE_HEAD, "结案#1 好了")
    assert "#1 已结案：已送医" in phones.say(MENTAL_OFFICE_HEAD, "结案#1 已送医 室友陪同")
    got = case(phones)
    assert (got.state, got.outcome) == ("closed", "已送医")
    assert {userid(phones, p) for p in (got.acknowledged_by, got.contacted_by, got.closed_by)} == {MENTAL_OFFICE_HEAD}
    assert got.alerted_at <= got.acknowledged_at <= got.contacted_at <= got.closed_at  # type: ignore[operator]
    assert "已结案（已送医）" in phones.say(COUNSELOR, "已联系#1")


def test_a_case_note_with_crisis_words_opens_no_new_crisis(phones: Phones) -> None:
    alert(phones)
    said = phones.say(MENTAL_OFFICE_HEAD, "已联系＃1 本人说昨晚想跳楼，现在情绪稳定，室友陪着")
    assert said.startswith("已记录：#1 已联系")  # a note on the case, not a staff member's own crisis
    with phones.deps.sessions() as db:
        assert [c.number for c in db.scalars(select(Concern))] == [1]
    assert "#1 已结案：误报" in phones.say(MENTAL_OFFICE_HEAD, "结案#1 误报 她说“不想活了”是气话")


def test_an_unacknowledged_alert_escalates_step_by_step_and_stops_at_the_first_ack(phones: Phones) -> None:
    alert(phones)
    assert {r.recipient for r in outbox(phones.deps, "crisis_alert")} == {COUNSELOR, MENTAL_OFFICE_HEAD}
    assert advance(phones, ACK_MINUTES - 1)["crisis"] == 0
    assert advance(phones, 1)["crisis"] == 1  # 5 minutes: the 学工负责人
    assert {r.recipient for r in outbox(phones.deps, "crisis_escalation")} == HEADS
    [card], words = received(phones, "shizhigang01")
    assert "【升级·第2级】#1 已5分钟无人认领" in words and "今晚就从楼顶跳下去" in words
    assert advance(phones, 2)["crisis"] == 0
    phones.tap("shizhigang01", card, "我来处理")
    assert advance(phones, 3)["crisis"] == 0 and advance(phones, 30)["crisis"] == 0  # no leader: acknowledged
    assert outbox(phones.deps, "crisis_escalation", to=LEADER) == []
    # Another student's alert nobody acknowledges reaches the leader at 2 × 5 minutes, and no more.
    alert(phones, "我已经写好遗书了 今晚就走", "wuxinyi01")
    advance(phones, ACK_MINUTES)
    assert advance(phones, ACK_MINUTES)["crisis"] == 1
    assert [r.recipient for r in outbox(phones.deps, "crisis_escalation", to=LEADER)] == [LEADER]
    assert advance(phones, 60)["crisis"] == 0
    [leader_card], words = received(phones, LEADER)
    assert "【升级·第3级】#2 已10分钟无人认领" in words and buttons(leader_card) == ["我来处理"]


@pytest.fixture
def two(phones: Phones) -> Iterator[list[Scheduler]]:
    yield from paused_pair(phones.deps)


def test_two_schedulers_send_each_step_once(phones: Phones, two: list[Scheduler]) -> None:
    alert(phones)
    phones.deps.clock.moment += timedelta(minutes=ACK_MINUTES)  # type: ignore[attr-defined]
    assert sorted(run_together(two, "crisis")) == [0, 1]  # the lease holder sends step 2, the standby nothing
    phones.deps.clock.moment += timedelta(minutes=ACK_MINUTES)  # type: ignore[attr-defined]
    # Both believe they hold the lease (a handover): the database decides, step 3 goes once.
    assert [escalate_crisis_alerts(phones.deps) for _ in two] == [1, 0]
    phones.deliver()
    rows = outbox(phones.deps, "crisis_escalation")
    assert sorted(r.recipient for r in rows) == sorted([*HEADS, LEADER])
    assert all(r.status == "sent" for r in rows)
    for who in (*HEADS, LEADER):
        assert len(alert_cards(phones, who)) == 1  # delivered once each


def test_a_restart_in_the_middle_loses_no_step(phones: Phones, monkeypatch: pytest.MonkeyPatch) -> None:
    alert(phones)
    assert advance(phones, ACK_MINUTES)["crisis"] == 1

    def killed(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the scheduler dies while queueing step 3: its transaction never commits")

    phones.deps.clock.moment += timedelta(minutes=ACK_MINUTES)  # type: ignore[attr-defined]
    with monkeypatch.context() as m:
        m.setattr("bot.chat.outbox.Outbox.send", killed)
        with pytest.raises(RuntimeError):
            run_due_jobs(phones.deps)
    with phones.deps.sessions() as db:
        assert sorted(db.scalars(select(CrisisStep.step))) == [0, 1]  # the killed step left nothing behind
    phones.deps.clock.moment += timedelta(seconds=30)  # type: ignore[attr-defined]
    assert run_due_jobs(phones.deps)["crisis"] == 1  # the restarted scheduler sends it …
    assert run_due_jobs(phones.deps)["crisis"] == 0  # … once
    assert sorted(r.recipient for r in outbox(phones.deps, "crisis_escalation")) == sorted([*HEADS, LEADER])


SELF = ["我不想活了 活着太累了", "今晚我就从宿舍楼顶跳下去", "刀片已经准备好了 想割腕", "安眠药我攒了一瓶 打算今晚全吃了"]
PEER = ["我室友说今晚要从楼顶跳下去", "舍友刚才说不想活了，一直在哭，我该怎么办", "我同学在朋友圈发了遗书 电话打不通",
        "同寝室的小王把安眠药都攒在抽屉里，说今晚全吃了"]
EMERGENCY = ["宿舍着火了 有人被困", "有人倒在地上没有呼吸了", "3号楼有人持刀伤人", "隔壁寝室的女生说她割腕了 流了好多血"]


@pytest.mark.parametrize("text", SELF)
def test_the_sender_at_risk_gets_support_and_12356(phones: Phones, text: str) -> None:
    said = alert(phones, text)
    assert "你现在不是一个人" in said and "12356" in said
    assert "在哪里" in said and "TA" not in said and "119" not in said
    assert case(phones).kind == "self"


@pytest.mark.parametrize("text", PEER)
def test_a_peer_gets_what_to_do_now_and_is_asked_where(phones: Phones, text: str) -> None:
    said = alert(phones, text)
    assert "陪在 TA 身边" in said and "宿舍管理员" in said and "110 / 120" in said
    assert "TA 现在在哪里" in said and "你现在不是一个人" not in said
    assert case(phones).kind == "other"


@pytest.mark.parametrize("text", EMERGENCY)
def test_an_emergency_gets_119_110_120_first(phones: Phones, text: str) -> None:
    said = alert(phones, text)
    assert said.startswith("请立即拨打：火警 119 · 报警 110 · 急救 120")
    assert "在哪里" in said and case(phones).kind == "emergency"


def test_what_the_student_writes_next_goes_to_whoever_acknowledged(phones: Phones) -> None:
    alert(phones, "我室友说今晚要从楼顶跳下去")
    said = phones.say(STUDENT, "在5号楼 楼顶天台")  # before anyone acknowledged: everyone paged
    assert "已转给学校值班老师（#1）" in said
    assert {r.recipient for r in outbox(phones.deps, "crisis_followup")} == {COUNSELOR, MENTAL_OFFICE_HEAD}
    phones.say(MENTAL_OFFICE_HEAD, "接手#1")
    said = phones.say(STUDENT, "他现在坐在天台边上 我在旁边陪着")
    assert "已转给正在处理的尹丽华老师（#1）" in said
    last = outbox(phones.deps, "crisis_followup")[-1]
    assert last.recipient == MENTAL_OFFICE_HEAD and "坐在天台边上" in text_of(last)
    with phones.deps.sessions() as db:
        concern = db.scalar(select(Concern))
        assert concern is not None and len(concern.messages) >= 3  # the same case holds it all


def test_an_anonymous_sender_stays_anonymous(phones: Phones) -> None:
    alert(phones, "匿名 真的不想活了 今晚就从楼顶跳下去")
    [card], words = received(phones, MENTAL_OFFICE_HEAD)
    everything = str(card) + words
    assert "张浩然" not in everything and STUDENT not in everything and "匿名" in everything
    phones.tap(MENTAL_OFFICE_HEAD, card, "我来处理")
    phones.deliver()
    [told] = [t for t in texts(phones.inbox(STUDENT)) if "【#1】" in t]
    assert "老师已经在处理" in told


def test_a_crisis_ticket_from_before_crisis_cases_is_still_chased(phones: Phones) -> None:
    alert(phones)
    with phones.deps.sessions.begin() as db:  # as a ticket raised before migration 0012: deadlines, no case
        concern = db.scalar(select(Concern))
        assert concern is not None
        set_deadlines(concern, concern.created_at, phones.deps.settings)
        for row in db.scalars(select(CrisisStep)):
            db.delete(row)
        db.flush()
        for case_row in db.scalars(select(CrisisCase)):
            db.delete(case_row)
    phones.deps.clock.moment += timedelta(days=10)  # type: ignore[attr-defined]
    assert chase_concern_deadlines(phones.deps) >= 1


def test_a_crisis_case_has_no_ordinary_deadlines_and_its_owner_is_on_the_case(phones: Phones) -> None:
    alert(phones)
    phones.say("shizhigang01", "接手#1")  # not paged yet, but on the case? no: refused
    phones.deps.clock.moment += timedelta(days=10)  # type: ignore[attr-defined]
    assert chase_concern_deadlines(phones.deps) == 0
    with phones.deps.sessions() as db:
        concern = db.scalar(select(Concern))
        assert concern is not None and concern.first_response_due is None and concern.resolve_due is None
        assert db.scalar(select(OutboundMessage).where(OutboundMessage.purpose.like("concern_%"))) is None
        head = db.scalar(select(Person).where(Person.userid == "shizhigang01"))
        assert head is not None and not Cases.load(db, phones.deps.settings, head.id).on_case(concern)
    advance(phones, ACK_MINUTES)  # now paged: he may take it, and is then on the case
    assert "#1 由您负责" in phones.say("shizhigang01", "接手#1")
    with phones.deps.sessions() as db:
        concern = db.scalar(select(Concern))
        assert concern is not None and Cases.load(db, phones.deps.settings, head.id).on_case(concern)
