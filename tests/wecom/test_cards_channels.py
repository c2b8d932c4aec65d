"""Choices on each channel: the WeCom template card (JSON and passive XML) within WeCom's rules, the typed
question on the Official Account and the console, template_card_event read into an Incoming, a card's
payload kept in the outbox, and `outbox list --json` showing the card as WeCom gets it."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import update

from bot.channels.base import Delivery, message_parts, passive_xml
from bot.channels.template_card import card_json
from bot.channels.wecom import WecomChannel, wecom_app
from bot.channels.xml import XMLRefused, read_tree
from bot.chat.context import Deps
from bot.chat.messages import Button, CardUpdate, Choice, Incoming, Reply
from bot.chat.outbox import Outbox, reply_payload
from bot.cli.main import main
from bot.config import load_settings
from bot.demo.emulator.api import pushed
from bot.demo.emulator.card_rules import card_problem
from bot.store.db import school_by_code
from bot.store.models import OutboundMessage, Person
from jobs.outbox import flush_outbox, stored_reply
from tests.wecom.conftest import AES_KEY, CORP_ID, SECRET, TOKEN, with_official
from tests.wecom.crypto import Protocol
from tests.wecom.phones import tap_event
from tests.wecom.test_outbox import queue, rows

CHOICE = Choice(subject="confirm:12:34", title="请确认：赵建国记录了与您的谈话", text="【请确认】……如属实请回复“确认”。",
                description="11月24日（周二） · 与辅导员/思政课教师面对面交流", fields=(("记录人", "赵建国"),),
                buttons=(Button("确认", "yes"), Button("不是这样", "no", style=2)))


def test_a_choice_is_a_button_interaction_card_within_the_rules() -> None:
    card = card_json(CHOICE, "ob7p0")
    assert card_problem(card, update=False) is None
    assert card["task_id"] == "ob7p0" and card["main_title"] == {"title": "请确认：赵建国记录了与您的谈话"}
    assert card["horizontal_content_list"] == [{"keyname": "记录人", "value": "赵建国"}]
    assert [(b["text"], b["key"], b["style"]) for b in card["button_list"]] == [
        ("确认", "confirm:12:34|yes", 1), ("不是这样", "confirm:12:34|no", 2)]
    answered = card_json(CHOICE.answered("已确认 · 12月5日 16:02"))
    assert answered["replace_text"] == "已确认 · 12月5日 16:02" and "task_id" not in answered
    assert card_problem(answered, update=True) is None and card_problem(answered, update=False) is not None


def test_long_texts_are_cut_to_what_the_phone_shows_and_a_long_description_goes_before() -> None:
    long = Choice(subject="ask:x", title="题" * 50, text="t", buttons=(Button("一个很长很长的按钮文字", "1"),),
                  fields=(("很长的标签名", "值" * 40),), description="说" * 200)
    parts = message_parts(Reply(choice=long), cards=True)
    assert [p.text for p in parts[:-1]] == ["说" * 200] and parts[-1].choice is not None
    card = card_json(parts[-1].choice, "ob1p1")
    assert card_problem(card, update=False) is None and "sub_title_text" not in card
    assert card["main_title"]["title"].endswith("…") and len(card["button_list"][0]["text"]) == 10


def test_other_channels_get_the_typed_question_after_the_text() -> None:
    reply = Reply(text="【#1 已办结】后勤：已修好", choice=CHOICE)
    assert [p.text for p in message_parts(reply)] == ["【#1 已办结】后勤：已修好\n【请确认】……如属实请回复“确认”。"]
    assert reply.plain() == "【#1 已办结】后勤：已修好\n【请确认】……如属实请回复“确认”。"
    assert message_parts(Reply(update=CardUpdate(CHOICE.answered("已确认")))) == []  # nothing to redraw there
    wecom = message_parts(reply, cards=True)
    assert [(p.text, p.choice is not None) for p in wecom] == [("【#1 已办结】后勤：已修好", False), ("", True)]


def test_the_passive_reply_redraws_the_tapped_card() -> None:
    delivery = Delivery(Incoming(channel="wecom", sender="wangli01"), reply_to="wangli01", reply_from=CORP_ID)
    xml = passive_xml(delivery, Reply(update=CardUpdate(CHOICE.answered("已确认 · 11月25日 12:00"), "rc")), 1764000000)
    root = ElementTree.fromstring(xml)  # the tests' own parser
    assert root.findtext("MsgType") == "update_template_card" and root.findtext("ToUserName") == "wangli01"
    assert root.findtext("TemplateCard/CardType") == "button_interaction"
    assert root.findtext("TemplateCard/MainTitle/Title") == "请确认：赵建国记录了与您的谈话"
    assert [b.findtext("Key") for b in root.findall("TemplateCard/ButtonList")] == ["confirm:12:34|yes",
                                                                                      "confirm:12:34|no"]
    assert root.findtext("TemplateCard/HorizontalContentList/KeyName") == "记录人"
    assert root.findtext("TemplateCard/ReplaceText") == "已确认 · 11月25日 12:00"
    with pytest.raises(ValueError):
        passive_xml(delivery, Reply(choice=CHOICE), 1764000000)  # a new card never goes passively


def test_a_tap_is_read_into_an_incoming(wecom_deps: Deps, proto: Protocol) -> None:
    app = wecom_app(wecom_deps.settings, "")
    assert app is not None
    channel = WecomChannel(app, wecom_deps.settings, wecom_deps.redis)
    xml = tap_event(CORP_ID, "wangli01", "ob7p0", "confirm:12:34|yes", "rc-1", 1764000000).replace(
        "</xml>", "<SelectedItems><SelectedItem><QuestionKey><![CDATA[q1]]></QuestionKey><OptionIds>"
                  "<OptionId><![CDATA[a]]></OptionId><OptionId><![CDATA[b]]></OptionId></OptionIds>"
                  "</SelectedItem></SelectedItems></xml>")
    args, body = proto.request(xml)
    now = datetime(2026, 11, 25, 4, tzinfo=timezone.utc)
    msg = channel.parse(args, body, now).msg
    assert (msg.kind, msg.event, msg.event_key, msg.task_id, msg.response_code, msg.card_type) == (
        "event", "template_card_event", "confirm:12:34|yes", "ob7p0", "rc-1", "button_interaction")
    assert msg.selected == (("q1", ("a", "b")),)
    other = channel.parse(*proto.request(xml.replace("|yes", "|no")), now).msg
    assert other.msg_id != msg.msg_id  # two taps in one second are two events
    assert channel.parse(*proto.request(xml), now).msg.msg_id == msg.msg_id  # a re-send is the same one


def test_a_choice_survives_the_outbox_row() -> None:
    reply = Reply(text="前言", choice=CHOICE, extra=("后记",))
    msgtype, payload = reply_payload(reply)
    assert msgtype == "choice" and stored_reply(msgtype, json.loads(json.dumps(payload))) == reply
    update = Reply(update=CardUpdate(CHOICE.answered("已确认"), "rc-9"))
    msgtype, payload = reply_payload(update)
    assert msgtype == "card_update" and stored_reply(msgtype, json.loads(json.dumps(payload))) == update


def test_the_official_account_gets_the_typed_question(fake_api: Deps) -> None:
    deps = with_official(fake_api, api_base_url=fake_api.settings.wecom.api_base_url)
    with deps.sessions.begin() as db:
        db.execute(update(Person).where(Person.userid == "lisiqi01").values(openid="oFollower1"))
        school = school_by_code(db, "", deps.settings)
        assert school is not None
        Outbox(db, school, deps.clock(), default_channel="official").send(
            "lisiqi01", Reply(text="【#3 已办结】后勤：已修好", choice=CHOICE))
    assert flush_outbox(deps) == 1
    [message] = pushed(deps, "openid:oFollower1")
    assert message["text"]["content"] == "【#3 已办结】后勤：已修好\n【请确认】……如属实请回复“确认”。"


def test_a_template_card_retried_after_its_answer_was_lost_is_not_sent_twice(fake_api: Deps) -> None:
    queue(fake_api, "wangli01", Reply(choice=CHOICE))
    assert flush_outbox(fake_api) == 1
    with fake_api.sessions.begin() as db:  # as if WeCom's answer had been lost: the row goes again
        db.execute(update(OutboundMessage).values(status="pending", attempts=1, next_attempt_at=fake_api.clock()))
    assert flush_outbox(fake_api) == 1  # 42014 "taskid has existed": the first attempt got through
    assert len(pushed(fake_api, "wangli01")) == 1 and rows(fake_api)[0].status == "sent"


def test_outbox_list_shows_the_card_as_wecom_gets_it(cli_roster: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {"CORP_ID": CORP_ID, "AGENT_ID": "1000002", "SECRET": SECRET, "TOKEN": TOKEN,
                       "ENCODING_AES_KEY": AES_KEY}.items():
        monkeypatch.setenv(f"CONTACTBOT_WECOM_{key}", value)
    deps = Deps.build(load_settings())
    try:
        queue(deps, "wangli01", Reply(choice=CHOICE))
        queue(deps, "lisiqi01", Reply.of("您反映的问题已有答复"), channel="console")
    finally:
        deps.close()
    capsys.readouterr()
    assert main(["outbox", "list", "--json"]) == 0
    card, console = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    [body] = card["body"]
    assert body["touser"] == "wangli01" and body["agentid"] == 1000002 and body["msgtype"] == "template_card"
    assert body["template_card"] == card_json(CHOICE, f"ob{card['id']}p0")
    assert card["text"] == CHOICE.text
    assert console["body"] == [{"content": "您反映的问题已有答复", "extra": []}]


def test_the_tree_reader_refuses_what_the_flat_one_refused() -> None:
    with pytest.raises(XMLRefused):
        read_tree(b'<!DOCTYPE x [<!ENTITY a "b">]><xml><A>&a;</A></xml>')
    with pytest.raises(XMLRefused):
        read_tree(b"<xml>" + b"<A>" * 10 + b"</A>" * 10 + b"</xml>")
    tree = read_tree("<xml><B><C>1</C><C>2</C></B></xml>")
    assert [c.text for c in tree.find("B").findall("C")] == ["1", "2"]  # type: ignore[union-attr]
