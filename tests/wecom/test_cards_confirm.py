"""Counterpart confirmation (N20) as a template card, through the real callback and the emulator's WeCom
API: a tap, a re-sent tap (one action), stale taps, the typed fallback, and the card redrawn everywhere."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from bot.cards.models import SentCard
from bot.cards.settle import settle_choice
from bot.chat.context import Context
from bot.chat.messages import Button, Choice, Incoming, Reply
from bot.people.person_data import erase_person
from bot.store.models import Contact, ContactCounterpart, ContactRevision, Person
from handlers import CARDS
from jobs.purge import purge_expired
from tests.wecom.phones import Phones, buttons, shown, texts, updates
from tests.wecom.test_outbox import queue

LEADER, COUNSELOR = "zhaojianguo01", "wangli01"


def record_talk(phones: Phones) -> dict[str, Any]:
    """赵建国 records a talk with 王丽; return the confirmation card that reaches 王丽."""
    assert "已记录" in phones.say(LEADER, "今天约谈王丽 了解她的职称评聘情况")
    phones.deliver()
    [card] = phones.cards(COUNSELOR)
    return card


def state(phones: Phones) -> tuple[str, int]:
    """The record's confirmation and how many confirm/dispute entries its history has."""
    with phones.deps.sessions() as db:
        contact = db.scalar(select(Contact).order_by(Contact.id.desc()).limit(1))
        assert contact is not None
        answers = db.scalar(select(func.count(ContactRevision.id)).where(
            ContactRevision.contact_id == contact.id, ContactRevision.action.in_(("confirmed", "disputed"))))
        return contact.confirmation, int(answers or 0)


def test_the_request_is_a_card_and_kept_with_its_response_code(phones: Phones) -> None:
    card = record_talk(phones)
    assert card["card_type"] == "button_interaction" and buttons(card) == ["确认", "不是这样", "没有见面"]
    assert card["main_title"]["title"] == "请确认：赵建国记录了与您的谈话"
    assert card["horizontal_content_list"] == [
        {"keyname": "记录人", "value": "赵建国"}, {"keyname": "日期", "value": "11月25日（周三）"},
        {"keyname": "事项", "value": "与辅导员/思政课教师面对面交流"}, {"keyname": "内容", "value": "职称评聘"}]
    with phones.deps.sessions() as db:
        sent = db.scalar(select(SentCard))
        assert sent is not None and sent.task_id == card["task_id"] and sent.task_id.startswith("ob")
        assert sent.recipient == COUNSELOR and sent.subject.startswith("confirm:") and sent.response_code
    assert all(b["key"].startswith(sent.subject + "|") for b in card["button_list"])


def test_a_tap_confirms_once_and_redraws_the_card(phones: Phones) -> None:
    card = record_talk(phones)
    assert shown(phones.tap(COUNSELOR, card, "确认")) == "已确认 · 11月25日 12:00"
    assert state(phones) == ("confirmed", 1)
    phones.deliver()
    assert texts(phones.inbox(COUNSELOR)) == ["已确认赵建国11月25日的记录，谢谢！"]
    # WeCom re-sends the same event: done once, and the re-sent one gets the first answer again …
    assert shown(phones.resend()) == "已确认 · 11月25日 12:00"
    phones.deps.redis.delete(*phones.deps.redis.keys("*inbound*"))
    assert shown(phones.resend()) == "已确认 · 11月25日 12:00"  # … even when Redis forgot the claim
    assert state(phones) == ("confirmed", 1)
    phones.deliver()
    assert texts(phones.inbox(COUNSELOR)) == []  # and the text that followed the first answer is not repeated


def test_a_second_tap_is_told_it_was_answered(phones: Phones) -> None:
    card = record_talk(phones)
    phones.tap(COUNSELOR, card, "确认")
    phones.deliver()
    phones.inbox(COUNSELOR)
    again = phones.tap(COUNSELOR, card, "不是这样")  # a new tap on the old card
    assert shown(again) == "已确认 · 11月25日 12:00"
    phones.deliver()
    assert texts(phones.inbox(COUNSELOR)) == ["这个问题已经处理过了（已确认 · 11月25日 12:00），无需再选。"]
    assert state(phones) == ("confirmed", 1)


def test_typing_still_works_and_redraws_the_card(phones: Phones) -> None:
    card = record_talk(phones)
    assert phones.say(COUNSELOR, "确认") == "已确认赵建国11月25日的记录，谢谢！"
    assert state(phones) == ("confirmed", 1)
    phones.deliver()
    [update] = updates(phones.inbox(COUNSELOR))
    assert update["task_id"] == card["task_id"]
    assert update["template_card"]["replace_text"] == "已确认 · 11月25日 12:00"
    assert phones.deliver() == 0  # one update, once


def test_dispute_by_tap_asks_why_and_tells_the_leader(phones: Phones) -> None:
    card = record_talk(phones)
    assert shown(phones.tap(COUNSELOR, card, "不是这样")) == "有异议 · 11月25日 12:00"
    phones.deliver()
    [asked] = texts(phones.inbox(COUNSELOR))
    assert "哪里与事实不符" in asked
    assert phones.say(COUNSELOR, "没有见面") == "已记下您的说明，谢谢。"
    assert state(phones) == ("disputed", 1)
    assert any("表示“不是这样”" in t for t in texts(phones.inbox(LEADER)))


def test_did_not_meet_is_one_tap(phones: Phones) -> None:
    card = record_talk(phones)
    assert shown(phones.tap(COUNSELOR, card, "没有见面")) == "没有见面 · 11月25日 12:00"
    phones.deliver()
    assert texts(phones.inbox(COUNSELOR)) == ["已记录您对赵建国11月25日的记录的异议（没有见面），会在周报中注明。"]
    with phones.deps.sessions() as db:
        entry = db.scalar(select(ContactRevision).where(ContactRevision.action == "disputed"))
        assert entry is not None and entry.after["note"] == "没有见面"
    assert any("表示“没有见面”" in t for t in texts(phones.inbox(LEADER)))


def test_an_undone_record_redraws_the_card_and_a_tap_changes_nothing(phones: Phones) -> None:
    card = record_talk(phones)
    assert "已撤销" in phones.say(LEADER, "撤销")
    phones.deliver()
    [update] = updates(phones.inbox(COUNSELOR))
    assert update["template_card"]["replace_text"] == "记录已撤销 · 11月25日 12:00"
    assert shown(phones.tap(COUNSELOR, card, "确认")) == "记录已撤销 · 11月25日 12:00"
    with phones.deps.sessions() as db:
        cp = db.scalar(select(ContactCounterpart))
        assert cp is not None and cp.answered_at is None


def test_a_card_older_than_72_hours_asks_for_the_typed_answer(phones: Phones) -> None:
    card = record_talk(phones)
    phones.deps.clock.moment += timedelta(hours=73)  # type: ignore[attr-defined]
    assert shown(phones.tap(COUNSELOR, card, "确认")) == "已过期，请回复文字"
    phones.deliver()
    [line] = texts(phones.inbox(COUNSELOR))
    assert line.startswith("这张卡片已超过72小时") and "请回复“确认”" in line
    assert state(phones) == ("pending", 0)
    assert phones.say(COUNSELOR, "确认").startswith("已确认")
    phones.deliver()
    assert updates(phones.inbox(COUNSELOR)) == []  # its response_code has expired: nothing is called


def test_someone_else_cannot_answer_by_tapping_a_copy(phones: Phones) -> None:
    card = record_talk(phones)
    phones.tap("wangjianjun01", card, "确认")
    phones.deliver()
    assert texts(phones.inbox("wangjianjun01")) == ["这张卡片不是发给您的，或已失效。请直接回复文字。"]
    assert state(phones) == ("pending", 0)


def test_a_card_whose_sending_was_not_kept_still_works(phones: Phones) -> None:
    card = record_talk(phones)
    with phones.deps.sessions.begin() as db:  # as if WeCom's answer to message/send had been lost
        db.execute(delete(SentCard))
    assert phones.tap(COUNSELOR, card, "确认") is None  # nothing kept to redraw
    assert state(phones) == ("confirmed", 1)
    phones.tap("wangjianjun01", card, "不是这样")  # and it is still only 王丽's to answer
    phones.deliver()
    assert texts(phones.inbox("wangjianjun01")) == ["这张卡片不是发给您的，或已失效。"]
    assert state(phones) == ("confirmed", 1)


def test_a_card_sent_to_several_is_redrawn_for_all_when_one_answers(phones: Phones,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The shape of the crisis alert's 我来处理 (issue 14): one subject, a card to each of several people,
    a handler registered by kind; the first tap settles it, and every other copy is redrawn."""

    def take(msg: Incoming, ctx: Context, case: str, value: str) -> Reply:
        settle_choice(ctx, f"drill:{case}", f"{ctx.sender.name}已接手")
        return Reply.of(f"好的，#{case} 由您处理。")

    monkeypatch.setitem(CARDS, "drill", take)
    drill = Choice(subject="drill:7", title="演练：请确认由谁处理", text="回复“接手#7”", buttons=(Button("我来处理", "take"),))
    for userid in ("wangli01", "wangjianjun01", "sunguoqiang01"):
        queue(phones.deps, userid, Reply(choice=drill))
    assert phones.deliver() == 3
    cards = {userid: phones.cards(userid)[0] for userid in ("wangli01", "wangjianjun01", "sunguoqiang01")}
    assert shown(phones.tap("wangli01", cards["wangli01"], "我来处理")) == "王丽已接手 · 11月25日 12:00"
    phones.deliver()
    for other in ("wangjianjun01", "sunguoqiang01"):
        [update] = updates(phones.inbox(other))
        assert update["task_id"] == cards[other]["task_id"]
        assert update["template_card"]["replace_text"] == "王丽已接手 · 11月25日 12:00"
    assert updates(phones.inbox("wangli01")) == []  # the tapper's own card was redrawn by the passive reply
    assert shown(phones.tap("wangjianjun01", cards["wangjianjun01"], "我来处理")) == "王丽已接手 · 11月25日 12:00"
    phones.deliver()
    assert texts(phones.inbox("wangjianjun01")) == ["这个问题已经处理过了（王丽已接手 · 11月25日 12:00），无需再选。"]


def test_sent_cards_go_with_their_outbox_rows(phones: Phones) -> None:
    """The card holds the same words as its outbox row: the retention purge and an erasure take both."""

    def kept() -> int:
        with phones.deps.sessions() as db:
            return int(db.scalar(select(func.count(SentCard.id))) or 0)

    record_talk(phones)
    assert kept() == 1
    with phones.deps.sessions.begin() as db:
        counselor = db.scalar(select(Person).where(Person.userid == COUNSELOR))
        assert counselor is not None
        erase_person(db, counselor, phones.deps.clock(), phones.deps.settings)
    assert kept() == 0
    assert "已记录" in phones.say(LEADER, "约谈王建军 聊了学生工作")
    phones.deliver()
    assert kept() == 1
    phones.deps.clock.moment += timedelta(days=phones.deps.settings.retention.outbox_days + 1)  # type: ignore[attr-defined]
    assert purge_expired(phones.deps) >= 2
    assert kept() == 0
