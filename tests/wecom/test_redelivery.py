"""A re-delivery gets the first answer again: the same message (type and all), encrypted afresh, also when it
arrives while the first delivery is still being handled, or after the delivery that held it died."""

from __future__ import annotations

import threading
import time

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

import bot.server.webhook as webhook_module
import handlers
from bot.chat.context import Context, Deps
from bot.chat.messages import Card, Incoming, Reply
from bot.chat.routing import Route
from bot.server.claim import LEASE_SECONDS
from bot.server.web import create_app
from bot.server.webhook import wait_idle
from bot.store.models import InboundMessage
from tests.wecom.crypto import Protocol
from tests.wecom.helpers import inbound_count, outbox_rows, reply_text, say

LEADER = "zhaojianguo01"
CARD = Card(title="本周联系进度", description="面对面接触学生 1/1 ✓", url="https://bot.example.edu/progress/1",
            button="查看")


def card_reply(msg: Incoming, ctx: Context) -> Reply:
    return Reply(card=CARD, extra=("另：本季度尚未约谈王丽。",))


def test_a_card_comes_back_as_the_same_card_and_the_rest_is_not_queued_again(
        client: FlaskClient, proto: Protocol, wecom_deps: Deps, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers, "ROUTES", [Route(card_reply, words=("进度卡片",)), *handlers.ROUTES])
    first = proto.open_reply(say(client, proto, LEADER, "进度卡片", "7300000001").get_data())
    assert first.findtext("MsgType") == "news" and first.findtext("Articles/item/Title") == CARD.title
    assert [r.payload["content"] for r in outbox_rows(wecom_deps)] == ["另：本季度尚未约谈王丽。"]

    again = proto.open_reply(say(client, proto, LEADER, "进度卡片", "7300000001").get_data())
    assert again.findtext("MsgType") == "news"
    for field in ("Title", "Description", "Url"):
        assert again.findtext(f"Articles/item/{field}") == first.findtext(f"Articles/item/{field}")
    assert len(outbox_rows(wecom_deps)) == 1 and inbound_count(wecom_deps) == 1


def test_a_long_answer_repeats_only_its_first_part(client: FlaskClient, proto: Protocol, wecom_deps: Deps,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    long = "\n".join(f"第{i}行：" + "联系" * 40 for i in range(20))
    monkeypatch.setattr(handlers, "ROUTES", [Route(lambda m, c: Reply.of(long), words=("长",)), *handlers.ROUTES])
    first = reply_text(proto, say(client, proto, LEADER, "长", "7300000002"))
    queued = len(outbox_rows(wecom_deps))
    assert queued >= 2 and long.startswith(first)
    assert reply_text(proto, say(client, proto, LEADER, "长", "7300000002")) == first
    assert len(outbox_rows(wecom_deps)) == queued


def test_a_redelivery_while_the_first_is_still_handled_waits_for_its_answer(
        client: FlaskClient, proto: Protocol, wecom_deps: Deps, monkeypatch: pytest.MonkeyPatch) -> None:
    real = webhook_module.dispatch
    entered = threading.Event()

    def slow(msg: Incoming, deps: Deps) -> Reply | None:
        entered.set()
        time.sleep(1.0)  # a slow database, say
        return real(msg, deps)

    monkeypatch.setattr(webhook_module, "dispatch", slow)
    first: list[str] = []
    worker = threading.Thread(target=lambda: first.append(
        reply_text(proto, say(client, proto, LEADER, "帮助", "7300000003"))))
    worker.start()
    assert entered.wait(5)
    started = time.monotonic()
    again = reply_text(proto, say(client, proto, LEADER, "帮助", "7300000003"))  # WeCom's re-send
    waited = time.monotonic() - started
    worker.join()
    assert again == first[0] and "记录联系" in again
    assert 0.5 < waited < wecom_deps.settings.wecom.reply_budget_seconds + 0.5
    assert inbound_count(wecom_deps) == 1


def test_a_message_whose_handler_died_is_taken_over_by_the_redelivery(
        client: FlaskClient, proto: Protocol, wecom_deps: Deps) -> None:
    key = wecom_deps.key("inbound", wecom_deps.settings.app.school, "7300000004")
    wecom_deps.redis.set(key, "pending:a-worker-killed-mid-message", px=300)  # its lease runs out soon
    assert LEASE_SECONDS < 10  # so WeCom's second re-send (about 10 s after the first try) finds it free
    assert "记录联系" in reply_text(proto, say(client, proto, LEADER, "帮助", "7300000004"))
    assert inbound_count(wecom_deps) == 1 and wecom_deps.redis.get(key) == "done"


def test_a_message_still_held_at_the_end_of_the_budget_is_left_to_the_next_resend(
        roster_deps: Deps, proto: Protocol) -> None:
    from tests.wecom.conftest import with_wecom

    deps = with_wecom(roster_deps, reply_budget_seconds=0.2)
    key = deps.key("inbound", deps.settings.app.school, "7300000005")
    deps.redis.set(key, "pending:another-worker", ex=30)
    response = say(create_app(deps=deps).test_client(), proto, LEADER, "帮助", "7300000005")
    assert response.status_code == 503  # not 200: WeCom must not give up on a message nobody has stored
    assert inbound_count(deps) == 0


def test_a_message_stored_before_replies_were_kept_whole_repeats_its_text(
        client: FlaskClient, proto: Protocol, wecom_deps: Deps) -> None:
    first = reply_text(proto, say(client, proto, LEADER, "帮助", "7300000006"))
    with wecom_deps.sessions.begin() as db:
        db.execute(update(InboundMessage).values(reply_type=None, reply_payload=None))
    wecom_deps.redis.delete(wecom_deps.key("inbound", wecom_deps.settings.app.school, "7300000006"))
    assert reply_text(proto, say(client, proto, LEADER, "帮助", "7300000006")) == first
    assert wait_idle(10)
