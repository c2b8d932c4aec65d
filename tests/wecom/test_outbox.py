"""The outbox job against the emulator's WeCom API on loopback: sending, token refresh, back-off,
per-member limits, retries, give-up by age, a process killed mid-send and a lost answer (both reach the
person once: the retry is the byte-identical request with WeCom's duplicate check), multi-part steps."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select

from bot.channels.wecom import WecomChannel
from bot.chat.context import Deps
from bot.chat.messages import Attachment, Card, Reply
from bot.chat.outbox import Outbox
from bot.demo.emulator.api import calls, pushed, sent_bodies
from bot.store.db import school_by_code
from bot.store.models import OutboundMessage
from jobs.outbox import MAX_BACKOFF, PER_MINUTE, SEND_LEASE, Sender, flush_outbox
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


def fault(deps: Deps, path: str, errcode: int, times: int = 1, lose_answer: bool = False) -> None:
    base = deps.settings.wecom.api_base_url
    body: dict[str, Any] = {"path": path, "errcode": errcode, "times": times, "lose_answer": lose_answer}
    requests.post(f"{base}/api/faults", json=body, timeout=5).close()


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
    advance(fake_api, seconds=73)
    assert flush_outbox(fake_api) == 2


def test_per_member_limits_postpone_the_excess(fake_api: Deps) -> None:
    queue(fake_api, "zhaojianguo01", Reply.of("提醒"), count=PER_MINUTE + 5)
    queue(fake_api, "qianzhenhua01", Reply.of("提醒"), count=2)
    assert flush_outbox(fake_api) == PER_MINUTE + 2
    waiting = [r for r in rows(fake_api) if r.status == "pending"]
    assert len(waiting) == 5 and {r.recipient for r in waiting} == {"zhaojianguo01"}
    assert all(r.attempts == 0 for r in waiting)  # postponed, not failed; the rest wait behind the first
    assert waiting[0].next_attempt_at == fake_api.clock() + timedelta(seconds=60)
    assert flush_outbox(fake_api) == 0
    advance(fake_api, seconds=60)
    assert flush_outbox(fake_api) == 5
    assert len(pushed(fake_api, "zhaojianguo01")) == PER_MINUTE + 5


def test_per_member_hour_limit(fake_api: Deps) -> None:
    queue(fake_api, "zhaojianguo01", Reply.of("提醒"))
    school_id = rows(fake_api)[0].school_id
    start = fake_api.clock() - timedelta(seconds=3000)
    with fake_api.sessions.begin() as db:  # 1,000 messages in the last 50 minutes: 100 rows of 10 parts
        db.add_all(OutboundMessage(school_id=school_id, recipient="zhaojianguo01", channel="wecom", msgtype="text",
                                   payload={}, status="sent", attempts=1, parts_sent=10, created_at=start,
                                   next_attempt_at=start, sent_at=start + timedelta(seconds=i)) for i in range(100))
    assert flush_outbox(fake_api) == 0
    row = rows(fake_api)[0]
    assert row.status == "pending" and row.attempts == 0 and row.next_attempt_at == start + timedelta(seconds=3600)


def test_unreachable_api_backs_the_row_off_and_gives_up_by_age(roster_deps: Deps) -> None:
    deps = with_wecom(roster_deps, api_base_url="http://127.0.0.1:1")
    queue(deps, "zhaojianguo01", Reply.of("一"))
    queued = deps.clock()
    waits = []
    while deps.clock() - queued < timedelta(hours=24):
        assert flush_outbox(deps) == 0
        row = rows(deps)[0]
        waits.append((row.next_attempt_at - deps.clock()).total_seconds())
        deps.clock.moment = row.next_attempt_at  # type: ignore[attr-defined]
    assert waits[:4] == [30, 60, 120, 240] and max(waits) == MAX_BACKOFF.total_seconds()
    assert rows(deps)[0].status == "pending" and rows(deps)[0].attempts > 8  # not given up by attempts …
    assert flush_outbox(deps) == 0
    row = rows(deps)[0]  # … but by age
    assert row.status == "failed" and "24 小时" in (row.last_error or "") and "ConnectionError" in (row.last_error or "")


def test_an_urgent_row_never_gives_up(roster_deps: Deps) -> None:
    deps = with_wecom(roster_deps, api_base_url="http://127.0.0.1:1")
    with deps.sessions.begin() as db:
        school = school_by_code(db, "", deps.settings)
        assert school is not None
        Outbox(db, school, deps.clock()).send("zhaojianguo01", Reply.of("【紧急·危机预警】"), purpose="crisis_alert",
                                            urgent=True)
    advance(deps, hours=30)
    assert flush_outbox(deps) == 0
    row = rows(deps)[0]
    assert row.status == "pending" and row.next_attempt_at == deps.clock() + timedelta(seconds=30)
    for _ in range(5):
        deps.clock.moment = rows(deps)[0].next_attempt_at  # type: ignore[attr-defined]
        flush_outbox(deps)
    row = rows(deps)[0]
    assert row.status == "pending" and row.next_attempt_at - deps.clock() == timedelta(minutes=1)


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


def test_a_process_killed_mid_send_reaches_the_person_once(fake_api: Deps, monkeypatch: pytest.MonkeyPatch) -> None:
    queue(fake_api, "zhaojianguo01", Reply.of("重要提醒"))
    real = WecomChannel.send_part

    def send_then_die(self: WecomChannel, *args: Any) -> dict[str, Any]:
        real(self, *args)
        raise Killed()

    monkeypatch.setattr(WecomChannel, "send_part", send_then_die)
    with pytest.raises(Killed):
        flush_outbox(fake_api)
    monkeypatch.setattr(WecomChannel, "send_part", real)
    row = rows(fake_api)[0]
    assert row.status == "sending" and row.next_attempt_at == fake_api.clock() + SEND_LEASE
    assert flush_outbox(fake_api) == 0  # the lease still holds: nobody else sends it meanwhile
    advance(fake_api, seconds=SEND_LEASE.total_seconds() + 1)
    assert flush_outbox(fake_api) == 1
    assert rows(fake_api)[0].status == "sent" and rows(fake_api)[0].attempts == 2
    first, retry = sent_bodies(fake_api)
    assert first == retry  # byte-identical, so WeCom's duplicate check drops the repeat …
    assert [m["text"]["content"] for m in pushed(fake_api, "zhaojianguo01")] == ["重要提醒"]  # … and it arrives once


def test_a_lost_answer_is_retried_byte_identically_and_arrives_once(fake_api: Deps) -> None:
    queue(fake_api, "zhaojianguo01", Reply.of("您反映的问题已有答复"))
    fault(fake_api, "message/send", 0, lose_answer=True)
    assert flush_outbox(fake_api) == 0
    row = rows(fake_api)[0]
    assert row.status == "pending" and "504" in (row.last_error or "")
    advance(fake_api, seconds=30)
    assert flush_outbox(fake_api) == 1
    first, retry = sent_bodies(fake_api)
    assert first == retry
    body = json.loads(first)
    assert body["enable_duplicate_check"] == 1 and body["duplicate_check_interval"] == 4 * 3600
    assert [m["text"]["content"] for m in pushed(fake_api, "zhaojianguo01")] == ["您反映的问题已有答复"]


def test_a_retry_sends_only_the_missing_parts(fake_api: Deps) -> None:
    queue(fake_api, "zhaojianguo01", Reply(text="第一部分", extra=("第二部分", "第三部分")))
    fault(fake_api, "message/send", 0)  # part 1 goes through (errcode 0) …
    fault(fake_api, "message/send", -1)  # … then a system error on part 2
    assert flush_outbox(fake_api) == 0
    row = rows(fake_api)[0]
    assert row.status == "pending" and row.parts_sent == 1
    assert [r["step"] for r in (row.progress or {})["receipts"]] == [f"ob{row.id}p0"]
    advance(fake_api, seconds=30)
    assert flush_outbox(fake_api) == 1
    assert [m["text"]["content"] for m in pushed(fake_api, "zhaojianguo01")] == ["第一部分", "第二部分", "第三部分"]
    row = rows(fake_api)[0]
    assert row.parts_sent == 3 and len((row.progress or {})["receipts"]) == 3
    assert calls(fake_api, "message/send") == 4  # part 1 was not sent again


def test_identical_messages_to_one_person_stay_apart(fake_api: Deps) -> None:
    queue(fake_api, "zhaojianguo01", Reply.of("测试消息"), count=2)
    assert flush_outbox(fake_api) == 2
    contents = [m["text"]["content"] for m in pushed(fake_api, "zhaojianguo01")]
    assert [c.replace("\u200b", "") for c in contents] == ["测试消息", "测试消息"] and contents[0] != contents[1]


def test_one_person_at_a_time_and_in_order(roster_deps: Deps) -> None:
    queue(roster_deps, "zhaojianguo01", Reply.of("一"), count=2)
    queue(roster_deps, "qianzhenhua01", Reply.of("二"))
    sender = Sender(roster_deps)
    first, second = sender.claim(), sender.claim()
    assert first is not None and second is not None
    assert (first.recipient, second.recipient) == ("zhaojianguo01", "qianzhenhua01")
    assert sender.claim() is None  # zhao's second message waits for his first
    assert sorted(r.status for r in rows(roster_deps)) == ["pending", "sending", "sending"]


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
