"""Dialogue questions as template cards through the real callback: which 王老师 (one button per teacher
and 都不是), the near-miss name, and the small-group anonymity warning — a tap, a re-sent tap, stale
taps, the typed fallback, and the card redrawn when the answer is typed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.cards.questions import ask
from bot.chat.context import Context, Deps
from bot.chat.messages import Button, Incoming
from bot.store.db import school_by_code
from bot.store.models import Contact, Person
from tests.wecom.phones import Phones, buttons, shown, texts, updates

LEADER = "zhaojianguo01"


def ask_which_teacher(phones: Phones) -> dict[str, Any]:
    """赵建国 records a talk with "王老师"; return the card asking which one."""
    assert phones.say(LEADER, "今天约谈王老师 聊了工作安排") == ""  # the question comes as a card, not passively
    phones.deliver()
    [card] = phones.cards(LEADER)
    return card


def contacts(phones: Phones) -> list[list[str]]:
    """Each live record's counterparts (names)."""
    with phones.deps.sessions() as db:
        rows = db.scalars(select(Contact).where(Contact.deleted_at.is_(None)).order_by(Contact.id))
        return [sorted(p.name for cp in c.counterparts for p in [db.get(Person, cp.person_id)] if p) for c in rows]


def test_which_teacher_is_one_tap(phones: Phones) -> None:
    card = ask_which_teacher(phones)
    assert card["main_title"]["title"] == "是和哪位老师？" and buttons(card) == ["王丽", "王建军", "都不是"]
    assert shown(phones.tap(LEADER, card, "王建军")) == "已选：王建军 · 11月25日 12:00"
    assert contacts(phones) == [["王建军"]]
    phones.deliver()
    [said] = texts(phones.inbox(LEADER))
    assert said.startswith("已记录：") and "王建军" in said
    assert shown(phones.resend()) == "已选：王建军 · 11月25日 12:00"  # a re-sent tap: the same answer …
    assert contacts(phones) == [["王建军"]]  # … and one record
    assert len(phones.cards("wangjianjun01")) == 1  # and one confirmation request for 王建军


def test_none_of_them_keeps_the_record_without_a_teacher(phones: Phones) -> None:
    card = ask_which_teacher(phones)
    assert shown(phones.tap(LEADER, card, "都不是")) == "已选：都不是 · 11月25日 12:00"
    assert contacts(phones) == [[]]
    phones.deliver()
    [said] = texts(phones.inbox(LEADER))
    assert said.startswith("已记录：") and "没有写明是与哪位" in said


def test_typed_number_still_works_and_redraws_the_card(phones: Phones) -> None:
    card = ask_which_teacher(phones)
    assert phones.say(LEADER, "1").startswith("已记录：")
    assert contacts(phones) == [["王丽"]]
    phones.deliver()
    [update] = updates(phones.inbox(LEADER))
    assert update["task_id"] == card["task_id"]
    assert update["template_card"]["replace_text"] == "已选：王丽 · 11月25日 12:00"
    assert shown(phones.tap(LEADER, card, "王建军")) == "已选：王丽 · 11月25日 12:00"  # stale: nothing changes
    assert contacts(phones) == [["王丽"]]


def test_moving_on_cancels_the_question_and_its_card(phones: Phones) -> None:
    card = ask_which_teacher(phones)
    assert "记录联系" in phones.say(LEADER, "帮助")
    phones.deliver()
    [update] = updates(phones.inbox(LEADER))
    assert update["template_card"]["replace_text"] == "已取消 · 11月25日 12:00"
    phones.tap(LEADER, card, "王丽")
    assert contacts(phones) == []


def test_a_question_that_expired_says_so(phones: Phones) -> None:
    card = ask_which_teacher(phones)
    phones.deps.clock.moment += timedelta(hours=2)  # type: ignore[attr-defined]
    phones.deps.redis.delete(*phones.deps.redis.keys("*:state:*"))  # the dialogue's TTL ran out
    assert shown(phones.tap(LEADER, card, "王丽")) == "已过期 · 11月25日 14:00"
    phones.deliver()
    assert texts(phones.inbox(LEADER)) == ["这个问题已经过期了，无需再选。请重新发送您要办的事。"]
    assert contacts(phones) == []


def test_a_near_miss_name_asks_with_the_candidate(phones: Phones) -> None:
    assert phones.say(LEADER, "今天约谈王莉 聊了工作安排") == ""
    phones.deliver()
    [card] = phones.cards(LEADER)
    assert card["main_title"]["title"] == "花名册里没有“王莉”" and buttons(card) == ["王丽老师", "都不是"]
    assert shown(phones.tap(LEADER, card, "王丽老师")) == "已选：王丽老师 · 11月25日 12:00"
    assert contacts(phones) == [["王丽"]]


def test_the_small_group_warning_is_a_card(phones: Phones) -> None:
    student = "zhanghaoran01"
    settings = phones.deps.settings
    phones.deps.settings = replace(settings, concerns=replace(settings.concerns, small_group_threshold=1000))
    assert phones.say(student, "匿名反映：宿舍楼热水器坏了一周，报修没人管") == ""
    phones.deliver()
    [card] = phones.cards(student)
    assert buttons(card) == ["仍然匿名提交", "改为实名提交", "取消"] and "推测出是您" in card["sub_title_text"]
    assert shown(phones.tap(student, card, "取消")) == "已选：取消 · 11月25日 12:00"
    phones.deliver()
    assert texts(phones.inbox(student)) == ["好的，已取消，这条反映没有发出。"]


def test_more_answers_than_six_buttons_are_asked_typed(roster_deps: Deps) -> None:
    with roster_deps.sessions.begin() as db:
        school = school_by_code(db, "", roster_deps.settings)
        sender = db.scalar(select(Person).where(Person.userid == LEADER))
        assert school is not None and sender is not None
        ctx = Context.build(Incoming(channel="wecom", sender=LEADER), db=db, deps=roster_deps, school=school,
                            sender=sender, now=roster_deps.clock())
        options = [Button(f"王{i}", str(i)) for i in range(1, 6)]
        six = ask(ctx, "choose_counterpart", "是和哪位老师？", [*options, Button("都不是", "都不是")], text="typed")
        assert six.choice is not None and len(six.choice.buttons) == 6
        seven = ask(ctx, "choose_counterpart", "是和哪位老师？", [*options, Button("王6", "6"), Button("都不是", "都不是")],
                    text="是和哪位老师？\n1. 王1 …")
        assert seven.choice is None and seven.text == "是和哪位老师？\n1. 王1 …"
        pending = ctx.state.get()
        assert pending is not None and pending["step"] == "choose_counterpart" and "ask" not in pending
