"""A resolved concern's rating card (满意 / 不满意 / 追问) and the weekly reminder's card (记录一次 /
本周请假 / 下周再提醒), through the real callback and the emulator's WeCom API: taps, re-sent taps,
stale taps, the typed fallback, and the card redrawn when the choice is made elsewhere."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.chat.outbox import Outbox
from bot.concerns.tickets import reopen_concern
from bot.rules.models import Pause
from bot.store.db import school_by_code
from bot.store.models import Concern, Person
from jobs.reminders import send_due_reminders
from tests.conftest import Clock
from tests.wecom.phones import Phones, buttons, shown, texts, updates

STUDENT, OWNER, LEADER = "zhanghaoran01", "sunguoqiang01", "zhaojianguo01"


def resolved_ticket(phones: Phones) -> dict[str, Any]:
    """A student's concern, answered and resolved by its owner; return the rating card the student gets."""
    assert "编号 #1" in phones.say(STUDENT, "宿舍楼热水器坏了 报修没人管")
    assert "已办结" in phones.say(OWNER, "#1 已处理 已更换热水器")
    phones.deliver()
    messages = phones.inbox(STUDENT)
    assert any("【#1 已办结】" in t for t in texts(messages))
    [card] = [m["template_card"] for m in messages if m["msgtype"] == "template_card"]
    return card


def ticket(phones: Phones) -> Concern:
    with phones.deps.sessions() as db:
        concern = db.scalar(select(Concern))
        assert concern is not None
        return concern


def test_satisfied_is_one_tap(phones: Phones) -> None:
    card = resolved_ticket(phones)
    assert card["main_title"]["title"] == "#1 已办结，问题解决了吗？" and buttons(card) == ["满意", "不满意", "追问"]
    assert shown(phones.tap(STUDENT, card, "满意")) == "满意 · 11月25日 12:00"
    assert ticket(phones).rating == "satisfied"
    assert shown(phones.resend()) == "满意 · 11月25日 12:00"  # a re-sent tap gets the same answer, once
    phones.deliver()
    assert texts(phones.inbox(STUDENT)) == ["谢谢您的评价！#1 已办结。"]
    assert shown(phones.tap(STUDENT, card, "不满意")) == "满意 · 11月25日 12:00"  # stale: nothing reopens
    assert ticket(phones).status == "resolved"


def test_unsatisfied_reopens_and_tells_the_owner(phones: Phones) -> None:
    card = resolved_ticket(phones)
    assert shown(phones.tap(STUDENT, card, "不满意")) == "不满意 · 11月25日 12:00"
    assert ticket(phones).status == "reopened"
    phones.deliver()
    [said] = texts(phones.inbox(STUDENT))
    assert "已重新打开" in said and "追问#1" in said
    assert any("【#1 已重新打开】" in t for t in texts(phones.inbox(OWNER)))


def test_follow_up_asks_what_and_leaves_the_card_open(phones: Phones) -> None:
    card = resolved_ticket(phones)
    assert phones.tap(STUDENT, card, "追问") is None  # nothing decided: the card stays as it is
    phones.deliver()
    assert texts(phones.inbox(STUDENT)) == ["请直接回复要追问的内容，会转给 #1 的处理人。"]
    phones.inbox(OWNER)
    assert phones.say(STUDENT, "洗澡水还是时冷时热") == "已把您的补充转给 #1 的处理人。"
    phones.deliver()
    assert any("洗澡水还是时冷时热" in t for t in texts(phones.inbox(OWNER)))
    assert shown(phones.tap(STUDENT, card, "满意")) == "满意 · 11月25日 12:00"  # and can still rate


def test_typed_rating_redraws_the_card(phones: Phones) -> None:
    card = resolved_ticket(phones)
    assert "谢谢" in phones.say(STUDENT, "满意")
    phones.deliver()
    [update] = updates(phones.inbox(STUDENT))
    assert update["task_id"] == card["task_id"] and update["template_card"]["replace_text"] == "满意 · 11月25日 12:00"


def test_reopened_in_the_console_redraws_the_card(phones: Phones) -> None:
    card = resolved_ticket(phones)
    deps = phones.deps
    with deps.sessions.begin() as db:  # what the console's 重新打开 does
        school = school_by_code(db, "", deps.settings)
        concern = db.scalar(select(Concern))
        assert school is not None and concern is not None
        reopen_concern(db, Outbox(db, school, deps.clock()), concern, deps.clock(), deps.settings, "管理员重新打开")
    phones.deliver()
    [update] = updates(phones.inbox(STUDENT))
    assert update["task_id"] == card["task_id"] and update["template_card"]["replace_text"].startswith("已重新打开")
    phones.tap(STUDENT, card, "满意")
    assert ticket(phones).rating is None


def reminder_card(phones: Phones) -> dict[str, Any]:
    """Thursday 17:00 of a week without a face-to-face contact: 赵建国's reminder card."""
    assert isinstance(phones.deps.clock, Clock)
    phones.deps.clock.set("2026-11-26T17:00", phones.deps.settings)
    assert send_due_reminders(phones.deps) >= 1
    phones.deliver()
    [card] = phones.cards(LEADER)
    return card


def pauses(phones: Phones) -> list[tuple[str, str | None, str]]:
    with phones.deps.sessions() as db:
        leader = db.scalar(select(Person.id).where(Person.userid == LEADER))
        return [(p.kind, p.reason, p.until.isoformat()) for p in db.scalars(select(Pause).where(Pause.person_id == leader))]


def test_the_weekly_reminder_is_a_card(phones: Phones) -> None:
    card = reminder_card(phones)
    assert card["main_title"]["title"] == "赵建国您好，基层联系提醒"
    assert "还没有与学生面对面接触" in card["sub_title_text"]
    assert buttons(card) == ["记录一次", "本周请假", "下周再提醒"]


def test_next_week_is_one_tap(phones: Phones) -> None:
    card = reminder_card(phones)
    assert shown(phones.tap(LEADER, card, "下周再提醒")) == "下周再提醒 · 11月26日 17:00"
    assert pauses(phones) == [("snooze", None, "2026-11-30")]
    assert shown(phones.resend()) == "下周再提醒 · 11月26日 17:00" and len(pauses(phones)) == 1
    phones.deliver()
    [said] = texts(phones.inbox(LEADER))
    assert said.startswith("好的，11月30日（周一）再提醒您")


def test_leave_this_week_is_a_pause(phones: Phones) -> None:
    card = reminder_card(phones)
    assert shown(phones.tap(LEADER, card, "本周请假")) == "本周请假 · 11月26日 17:00"
    assert pauses(phones) == [("pause", "请假", "2026-11-30")]
    shown(phones.tap(LEADER, card, "下周再提醒"))  # stale: no second pause
    assert len(pauses(phones)) == 1


def test_record_once_says_how_and_keeps_the_card(phones: Phones) -> None:
    card = reminder_card(phones)
    assert phones.tap(LEADER, card, "记录一次") is None
    phones.deliver()
    [said] = texts(phones.inbox(LEADER))
    assert said.startswith("请直接发一句话描述这次联系")
    assert pauses(phones) == []


def test_typed_snooze_redraws_the_reminder_card(phones: Phones) -> None:
    card = reminder_card(phones)
    assert "再提醒您" in phones.say(LEADER, "下周再提醒")
    phones.deliver()
    [update] = updates(phones.inbox(LEADER))
    assert update["task_id"] == card["task_id"]
    assert update["template_card"]["replace_text"] == "已推迟提醒 · 11月26日 17:00"
