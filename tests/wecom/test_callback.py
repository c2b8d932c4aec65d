"""The WeCom callback: encrypted passive replies, exactly-once handling, failures and the reply budget."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from werkzeug.test import TestResponse

import bot.server.claim as claim_module
import bot.server.webhook as webhook_module
from bot.chat.context import Deps
from bot.chat.messages import Incoming, Reply
from bot.server.web import create_app
from bot.server.webhook import wait_idle
from bot.store.db import make_sessions
from tests.wecom.conftest import CORP_ID
from tests.wecom.crypto import Protocol, event_message, text_message
from tests.wecom.helpers import inbound_count, outbox_rows, post, reply_text, say


def test_text_message_gets_an_encrypted_passive_reply(client: FlaskClient, proto: Protocol,
                                                       wecom_deps: Deps) -> None:
    response = say(client, proto, "zhaojianguo01", "帮助", "7100000001")
    root = proto.open_reply(response.get_data())
    assert root.findtext("ToUserName") == "zhaojianguo01" and root.findtext("FromUserName") == CORP_ID
    assert "赵建国" in (root.findtext("Content") or "") and "记录联系" in (root.findtext("Content") or "")
    assert inbound_count(wecom_deps) == 1 and outbox_rows(wecom_deps) == []


def test_unknown_sender_gets_a_clear_reply(client: FlaskClient, proto: Protocol) -> None:
    text = reply_text(proto, say(client, proto, "stranger01", "你好", "7100000002"))
    assert "花名册" in text and "管理员" in text


def test_a_redelivery_is_handled_once_and_gets_the_first_answer_encrypted_afresh(
        client: FlaskClient, proto: Protocol, wecom_deps: Deps) -> None:
    first = say(client, proto, "zhaojianguo01", "帮助", "7100000003")
    assert "记录联系" in reply_text(proto, first)
    again = say(client, proto, "zhaojianguo01", "帮助", "7100000003")  # WeCom re-sends: our answer was lost
    assert reply_text(proto, again) == reply_text(proto, first)
    assert proto.open_reply(again.get_data()).findtext("ToUserName") == "zhaojianguo01"
    assert again.get_data() != first.get_data()  # a new nonce and IV, not the old envelope replayed
    assert inbound_count(wecom_deps) == 1


def test_concurrent_redeliveries_are_handled_once_and_all_get_the_answer(app: object, proto: Protocol, wecom_deps: Deps,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    real = webhook_module.dispatch

    def slow(msg: Incoming, deps: Deps) -> Reply | None:
        time.sleep(0.3)  # the first delivery is still being handled when the others arrive
        return real(msg, deps)

    monkeypatch.setattr(webhook_module, "dispatch", slow)
    # On a loaded machine the first delivery may outlive the 6 s claim lease; a re-send would then take the
    # message over and both would run on the test's one shared PostgreSQL connection. This test is about
    # waiting for the first answer, so the lease outlasts the first delivery.
    monkeypatch.setattr(claim_module, "LEASE_SECONDS", 60)
    one_at_a_time = threading.Lock()  # on PostgreSQL the test's sessions share one connection (rolled back after)
    real_answer = webhook_module.earlier_answer

    def serialised(deps: Deps, msg: Incoming, cards: bool) -> webhook_module.Answered | None:
        with one_at_a_time:
            return real_answer(deps, msg, cards)

    monkeypatch.setattr(webhook_module, "earlier_answer", serialised)
    responses: list[TestResponse] = []
    lock = threading.Lock()

    def deliver() -> None:
        response = say(app.test_client(), proto, "zhaojianguo01", "帮助", "7100000004")  # type: ignore[attr-defined]
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=deliver) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    answers = {reply_text(proto, r) for r in responses}  # the re-sends waited for the first answer
    assert len(responses) == 5 and len(answers) == 1 and "记录联系" in answers.pop()
    assert inbound_count(wecom_deps) == 1


def test_redis_forgetting_a_claim_still_gives_one_record(client: FlaskClient, proto: Protocol,
                                                         wecom_deps: Deps) -> None:
    assert reply_text(proto, say(client, proto, "zhaojianguo01", "帮助", "7100000005"))
    for k in wecom_deps.redis.scan_iter(f"{wecom_deps.settings.redis.prefix}:inbound:*"):
        wecom_deps.redis.delete(k)  # as after a Redis restart without persistence
    replayed = say(client, proto, "zhaojianguo01", "帮助", "7100000005")
    assert "记录联系" in reply_text(proto, replayed)  # the database remembered the answer too
    assert inbound_count(wecom_deps) == 1


def test_database_down_answers_500_and_the_retry_succeeds(client: FlaskClient, proto: Protocol,
                                                          wecom_deps: Deps) -> None:
    dead = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none", pool_pre_ping=False)
    working = wecom_deps.sessions
    wecom_deps.sessions = make_sessions(dead)
    try:
        failed = say(client, proto, "zhaojianguo01", "帮助", "7100000006")
    finally:
        wecom_deps.sessions = working
        dead.dispose()
    assert failed.status_code == 500
    retried = say(client, proto, "zhaojianguo01", "帮助", "7100000006")
    assert "记录联系" in reply_text(proto, retried)
    assert inbound_count(wecom_deps) == 1


def test_a_bug_in_a_handler_is_answered_with_an_apology(client: FlaskClient, proto: Protocol,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(msg: Incoming, deps: Deps) -> Reply | None:
        raise RuntimeError("bug")

    monkeypatch.setattr(webhook_module, "dispatch", broken)
    assert "出错" in reply_text(proto, say(client, proto, "zhaojianguo01", "帮助", "7100000007"))


def test_slow_reply_goes_through_the_outbox(roster_deps: Deps, proto: Protocol,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.wecom.conftest import with_wecom

    deps = with_wecom(roster_deps, reply_budget_seconds=0.2)
    real = webhook_module.dispatch

    def slow(msg: Incoming, d: Deps) -> Reply | None:
        time.sleep(0.6)
        return real(msg, d)

    monkeypatch.setattr(webhook_module, "dispatch", slow)
    client = create_app(deps=deps).test_client()
    started = time.monotonic()
    response = say(client, proto, "zhaojianguo01", "帮助", "7100000008")
    assert response.status_code == 200 and response.get_data() == b""
    assert time.monotonic() - started < 0.5
    assert wait_idle(10)
    rows = outbox_rows(deps)
    assert len(rows) == 1 and rows[0].recipient == "zhaojianguo01" and rows[0].channel == "wecom"
    assert "记录联系" in rows[0].payload["content"] and rows[0].status == "pending"
    assert say(client, proto, "zhaojianguo01", "帮助", "7100000008").get_data() == b""  # WeCom's retry
    assert wait_idle(10)
    assert len(outbox_rows(deps)) == 1 and inbound_count(deps) == 1


def test_reply_text_with_cdata_end_survives(client: FlaskClient, proto: Protocol,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    tricky = "a]]>b <c> & ]]]]>\n  end  "
    monkeypatch.setattr(webhook_module, "dispatch", lambda msg, deps: Reply.of(tricky))
    assert reply_text(proto, say(client, proto, "zhaojianguo01", "x", "7100000009")) == tricky


def test_whitespace_is_kept_as_sent(client: FlaskClient, proto: Protocol, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = webhook_module.dispatch

    def spy(msg: Incoming, deps: Deps) -> Reply | None:
        seen.append(msg.text)
        return real(msg, deps)

    monkeypatch.setattr(webhook_module, "dispatch", spy)
    text = "  帮助 \n\t"
    assert "记录联系" in reply_text(proto, say(client, proto, "zhaojianguo01", text, "7100000010"))
    assert seen == [text]


def test_long_reply_is_split(client: FlaskClient, proto: Protocol, wecom_deps: Deps,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    long = "\n".join(f"第{i}行：" + "联系" * 40 for i in range(60))  # about 15 KB
    monkeypatch.setattr(webhook_module, "dispatch", lambda msg, deps: Reply.of(long))
    first = reply_text(proto, say(client, proto, "zhaojianguo01", "x", "7100000011"))
    rest = [row.payload["content"] for row in outbox_rows(wecom_deps)]
    assert len(first.encode()) <= 2048 and all(len(r.encode()) <= 2048 for r in rest) and len(rest) >= 6
    assert first + "".join(rest) == long
    rows = outbox_rows(wecom_deps)
    assert {r.recipient for r in rows} == {"zhaojianguo01"} and {r.purpose for r in rows} == {"reply"}


def test_menu_click_is_routed_as_its_word(client: FlaskClient, proto: Protocol, wecom_deps: Deps) -> None:
    response = post(client, proto, event_message("zhaojianguo01", "click", CORP_ID, key="帮助"))
    assert "记录联系" in reply_text(proto, response)
    again = post(client, proto, event_message("zhaojianguo01", "click", CORP_ID, key="帮助"))
    assert reply_text(proto, again) == reply_text(proto, response)  # same sender + CreateTime: WeCom's retry
    assert inbound_count(wecom_deps) == 1


def test_enter_agent_is_dispatched_and_other_events_are_acknowledged(
        client: FlaskClient, proto: Protocol, wecom_deps: Deps, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Incoming] = []

    def welcome(msg: Incoming, deps: Deps) -> Reply:
        seen.append(msg)
        return Reply.of("欢迎")

    monkeypatch.setattr(webhook_module, "dispatch", welcome)
    assert reply_text(proto, post(client, proto, event_message("zhaojianguo01", "enter_agent", CORP_ID))) == "欢迎"
    assert seen[0].kind == "event" and seen[0].event == "enter_agent"
    assert seen[0].msg_id == "zhaojianguo01:1764000000:enter_agent"
    ignored = post(client, proto, event_message("zhaojianguo01", "LOCATION", CORP_ID, created=1764000100))
    assert ignored.status_code == 200 and ignored.get_data() == b"" and len(seen) == 1


def test_other_schools_use_their_own_app(roster_deps: Deps) -> None:
    from bot.config import SchoolEntry
    from bot.store.db import ensure_schools
    from tests.wecom.conftest import with_wecom

    other = SchoolEntry(code="hbut", name="另一所大学", corp_id="ww0000000000000002", agent_id=7, secret="s",
                        token="tok2", encoding_aes_key="a" * 43)
    deps = with_wecom(roster_deps)
    deps = Deps(settings=replace(deps.settings, schools=(other,)), engine=deps.engine, sessions=deps.sessions,
                clock=deps.clock, _redis=deps.redis)
    with deps.sessions.begin() as db:
        ensure_schools(db, deps.settings)
    client = create_app(deps=deps).test_client()
    theirs = Protocol("tok2", "a" * 43, "ww0000000000000002")
    xml = text_message("zhaojianguo01", "帮助", "7100000012", "ww0000000000000002")
    assert "花名册" in reply_text(theirs, post(client, theirs, xml, "/wecom/hbut/callback"))  # not on their roster
    ours = Protocol("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", CORP_ID)
    assert post(client, ours, xml, "/wecom/hbut/callback").status_code == 403
    assert wait_idle(10)


def test_a_dispatch_failing_after_the_window_is_retried_in_the_background(
        roster_deps: Deps, proto: Protocol, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.wecom.conftest import with_wecom

    deps = with_wecom(roster_deps, reply_budget_seconds=0.1)
    real = webhook_module.dispatch
    calls: list[int] = []

    def slow_then_down(msg: Incoming, d: Deps) -> Reply | None:
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.3)
            raise ConnectionError("database went away")
        return real(msg, d)

    monkeypatch.setattr(webhook_module, "dispatch", slow_then_down)
    monkeypatch.setattr(webhook_module, "LATE_RETRY_DELAYS", (0.05,))
    client = create_app(deps=deps).test_client()
    assert say(client, proto, "zhaojianguo01", "帮助", "7100000013").get_data() == b""
    assert wait_idle(10)
    assert len(calls) == 2 and inbound_count(deps) == 1
    assert "记录联系" in outbox_rows(deps)[0].payload["content"]


def test_media_and_location_messages_are_normalised(wecom_deps: Deps, proto: Protocol) -> None:
    from datetime import datetime, timezone

    from bot.channels.registry import callback_channel

    channel = callback_channel(wecom_deps, "wecom")
    assert channel is not None
    head = (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[zhaojianguo01]]>"
            "</FromUserName><CreateTime>1764000000</CreateTime>")
    now = datetime(2026, 11, 25, 4, 0, tzinfo=timezone.utc)

    def parse(rest: str) -> Incoming:
        args, body = proto.request(head + rest + "</xml>")
        return channel.parse(args, body, now).msg

    image = parse("<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://p/1.jpg]]></PicUrl>"
                  "<MediaId><![CDATA[m1]]></MediaId><MsgId>1</MsgId>")
    assert (image.kind, image.media_id, image.msg_id, image.received_at) == ("image", "m1", "1", now)
    voice = parse("<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[v1]]></MediaId>"
                  "<Format><![CDATA[amr]]></Format><MsgId>2</MsgId>")
    assert (voice.kind, voice.media_id) == ("voice", "v1")
    place = parse("<MsgType><![CDATA[location]]></MsgType><Location_X>38.04</Location_X><Location_Y>114.51</Location_Y>"
                  "<Scale>15</Scale><Label><![CDATA[3号楼]]></Label><MsgId>3</MsgId>")
    assert (place.kind, place.latitude, place.longitude, place.label) == ("location", 38.04, 114.51, "3号楼")
