"""The outbox job against the emulator's WeCom API on loopback: sending, token refresh, back-off,
per-member limits, retries, and a process killed mid-send."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from bot.channels.wecom import WecomChannel
from bot.context import Deps
from bot.db import school_by_code
from bot.emulator.api import calls, pushed
from bot.messages import Attachment, Card, Reply
from bot.models import OutboundMessage
from bot.outbox import Outbox
from jobs.outbox import LEASE, MAX_ATTEMPTS, PER_MINUTE, claim_due, flush_outbox
from tests.wecom.conftest import AGENT_ID, CORP_ID, with_wecom


def queue(deps: Deps, recipient: str, reply: Reply, channel: str = "wecom", count: int = 1) -> None:
    with deps.sessions.begin() as db:
        school = school_by_code(db, "", deps.settings)
        assert school is not None
        outbox = Outbox(db, school, deps.clock(), default_channel=channel)
        for _ in range(count):
            outbox.send(recipient, reply)


def rows(deps: Deps) -> list[OutboundMessage]:
    with deps.sessions() as db:
        return list(db.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def fault(deps: Deps, path: str, errcode: int, times: int = 1) -> None:
    base = deps.settings.wecom.api_base_url
    requests.post(f"{base}/api/faults", json={"path": path, "errcode": errcode, "times": times}, timeout=5).close()


def advance(deps: Deps, **delta: float) -> None:
    deps.clock.moment += timedelta(**delta)  # type: ignore[attr-defined]


def test_text_markdown_and_card_are_sent(fake_api: Deps) -> None:
    queue(fake_api, "zhaojianguo01", Reply.of("本周您还没有与学生面对面接触的记录"))
    queue(fake_api, "zhaojianguo01", Reply(markdown="**周报**\n> 已完成 3 次"))
    queue(fake_api, "zhaojianguo01", Reply(card=Card("新的反映 #12", "宿舍热水器坏了", "http://127.0.0.1/c/12")))
    assert flush_outbox(fake_api) == 3
    inbox = pushed(fake_api, "zhaojianguo01")
    assert [m["msgtype"] for m in inbox] == ["text", "markdown", "textcard"]
    assert inbox[0]["text"]["content"] == "本周您还没有与学生面对面接触的记录"
    assert inbox[2]["textcard"]["title"] == "新的反映 #12"
    assert {r.status for r in rows(fake_api)} == {"sent"} and all(r.sent_at for r in rows(fake_api))
    token_key = fake_api.key("wecom-token", CORP_ID, AGENT_ID)
    assert fake_api.redis.get(token_key) and 0 < fake_api.redis.ttl(token_key) <= 7200 - 300
    assert calls(fake_api, "gettoken") == 1  # cached for the next messages
    assert flush_outbox(fake_api) == 0


def test_an_expired_token_is_refreshed_once(fake_api: Deps) -> None:
    queue(fake_api, "zhaojianguo01", Reply.of("一"))
    fault(fake_api, "message/send", 42001)
    assert flush_outbox(fake_api) == 1
    assert calls(fake_api, "gettoken") == 2 and calls(fake_api, "message/send") == 2
    queue(fake_api, "zhaojianguo01", Reply.of("二"))
    fault(fake_api, "message/send", 42001, times=5)  # the API keeps refusing: no loop
    assert flush_outbox(fake_api) == 0
    assert calls(fake_api, "gettoken") == 3 and calls(fake_api, "message/send") == 4
    row = rows(fake_api)[-1]
    assert row.status == "pending" and row.attempts == 1 and "42001" in (row.last_error or "")


def test_45009_backs_the_app_off_without_counting_an_attempt(fake_api: Deps) -> None:
    queue(fake_api, "zhaojianguo01", Reply.of("一"))
    queue(fake_api, "qianzhenhua01", Reply.of("二"))
    fault(fake_api, "message/send", 45009)
    assert flush_outbox(fake_api) == 0
    first, second = rows(fake_api)
    assert first.status == second.status == "pending" and first.attempts == second.attempts == 0
    assert first.next_attempt_at >= fake_api.clock() + timedelta(seconds=59)
    assert calls(fake_api, "message/send") == 1  # the second message was not even tried
    backoff = fake_api.key("send-backoff", "wecom", first.school_id)
    assert fake_api.redis.exists(backoff)
    advance(fake_api, seconds=61)
    fake_api.redis.delete(backoff)  # its real-time TTL has run out by now
    assert flush_outbox(fake_api) == 2


def test_per_member_limits_postpone_the_excess(fake_api: Deps) -> None:
    queue(fake_api, "zhaojianguo01", Reply.of("提醒"), count=PER_MINUTE + 5)
    queue(fake_api, "qianzhenhua01", Reply.of("提醒"), count=2)
    assert flush_outbox(fake_api) == PER_MINUTE + 2
    waiting = [r for r in rows(fake_api) if r.status == "pending"]
    assert len(waiting) == 5 and {r.recipient for r in waiting} == {"zhaojianguo01"}
    assert all(r.attempts == 0 and r.next_attempt_at == fake_api.clock() + timedelta(seconds=60) for r in waiting)
    assert flush_outbox(fake_api) == 0
    advance(fake_api, seconds=60)
    assert flush_outbox(fake_api) == 5
    assert len(pushed(fake_api, "zhaojianguo01")) == PER_MINUTE + 5


def test_per_member_hour_limit(fake_api: Deps) -> None:
    queue(fake_api, "zhaojianguo01", Reply.of("提醒"))
    school_id = rows(fake_api)[0].school_id
    key = fake_api.key("send-rate", "wecom", school_id, "zhaojianguo01")
    start = fake_api.clock().timestamp() - 3000
    fake_api.redis.zadd(key, {f"old{i}": start + i for i in range(1000)})
    assert flush_outbox(fake_api) == 0
    row = rows(fake_api)[0]
    assert row.status == "pending" and row.next_attempt_at.timestamp() == pytest.approx(start + 3600)


def test_unreachable_api_retries_with_backoff_then_fails(roster_deps: Deps) -> None:
    deps = with_wecom(roster_deps, api_base_url="http://127.0.0.1:1")
    queue(deps, "zhaojianguo01", Reply.of("一"))
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert flush_outbox(deps) == 0
        row = rows(deps)[0]
        assert row.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            waits.append((row.next_attempt_at - deps.clock()).total_seconds())
            deps.clock.moment = row.next_attempt_at  # type: ignore[attr-defined]
    assert waits[:4] == [30, 60, 120, 240] and max(waits) <= 3600
    assert rows(deps)[0].status == "failed" and "ConnectionError" in (rows(deps)[0].last_error or "")


def test_permanent_errors_fail_at_once(fake_api: Deps) -> None:
    queue(fake_api, "nobody", Reply.of("一"))
    fault(fake_api, "message/send", 40003)
    assert flush_outbox(fake_api) == 0
    assert rows(fake_api)[0].status == "failed" and rows(fake_api)[0].attempts == 1


def test_a_later_message_waits_for_an_earlier_one(fake_api: Deps) -> None:
    queue(fake_api, "zhaojianguo01", Reply.of("第一条"))
    queue(fake_api, "zhaojianguo01", Reply.of("第二条"))
    fault(fake_api, "message/send", -1)  # a system error on the first
    assert flush_outbox(fake_api) == 0
    assert [r.status for r in rows(fake_api)] == ["pending", "pending"]
    advance(fake_api, seconds=31)
    assert flush_outbox(fake_api) == 2
    assert [m["text"]["content"] for m in pushed(fake_api, "zhaojianguo01")] == ["第一条", "第二条"]


class Killed(BaseException):
    """The process dies (SIGKILL, OOM) right after WeCom accepted the message."""


def test_a_process_killed_mid_send_loses_nothing(fake_api: Deps, monkeypatch: pytest.MonkeyPatch) -> None:
    queue(fake_api, "zhaojianguo01", Reply.of("重要提醒"))
    real = WecomChannel.push

    def push_then_die(self: WecomChannel, recipient: str, reply: Reply, task_prefix: str = "") -> None:
        real(self, recipient, reply, task_prefix)
        raise Killed()

    monkeypatch.setattr(WecomChannel, "push", push_then_die)
    with pytest.raises(Killed):
        flush_outbox(fake_api)
    monkeypatch.setattr(WecomChannel, "push", real)
    assert rows(fake_api)[0].status == "sending"
    assert flush_outbox(fake_api) == 0  # the lease still holds: nobody else sends it meanwhile
    advance(fake_api, seconds=LEASE.total_seconds() + 1)
    assert flush_outbox(fake_api) == 1
    assert rows(fake_api)[0].status == "sent" and rows(fake_api)[0].attempts == 2
    assert [m["text"]["content"] for m in pushed(fake_api, "zhaojianguo01")] == ["重要提醒"] * 2  # one duplicate


def test_a_claimed_row_is_not_claimed_twice(roster_deps: Deps) -> None:
    queue(roster_deps, "zhaojianguo01", Reply.of("一"), count=3)
    first = claim_due(roster_deps, roster_deps.clock(), 2)
    second = claim_due(roster_deps, roster_deps.clock(), 10)
    assert len(first) == 2 and len(second) == 1 and not {r.id for r in first} & {r.id for r in second}
    assert {r.status for r in rows(roster_deps)} == {"sending"}


def test_console_rows_are_marked_sent(roster_deps: Deps) -> None:
    queue(roster_deps, "zhaojianguo01", Reply.of("控制台消息"), channel="console")
    assert flush_outbox(roster_deps) == 1
    assert rows(roster_deps)[0].status == "sent"


def test_an_attachment_is_uploaded_and_sent_after_the_message(fake_api: Deps, tmp_path: Path) -> None:
    sheet = tmp_path / "周报.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not really a workbook")
    queue(fake_api, "qinyaqin01", Reply(text="周报", markdown="**周报**", attachment=Attachment(str(sheet), "周报.xlsx")))
    assert flush_outbox(fake_api) == 1
    inbox = pushed(fake_api, "qinyaqin01")
    assert [m["msgtype"] for m in inbox] == ["markdown", "file"]
    assert inbox[1]["file"]["name"] == "周报.xlsx" and inbox[1]["file"]["media_id"].startswith("emu-")
    sheet.unlink()  # a file cleaned up before a later send: the message still goes out, without it
    queue(fake_api, "qinyaqin01", Reply(markdown="**周报**", attachment=Attachment(str(sheet), "周报.xlsx")))
    assert flush_outbox(fake_api) == 1
    assert [m["msgtype"] for m in pushed(fake_api, "qinyaqin01")][2:] == ["markdown"]
