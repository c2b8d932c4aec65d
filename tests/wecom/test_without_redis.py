"""Intake with Redis away: a real redis-server of the test's own, stopped and started by the test.

While it is down the callback answers and stores each message exactly once (the database decides, also for
a re-delivery), dialogue steps are asked again, per-sender limits are skipped, the log warns once and
/healthz says so; when it is back everything resumes by itself, with no restart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import redis
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.chat.context import Deps
from bot.config import RedisSettings
from bot.server.dispatcher import ASK_AGAIN
from bot.server.web import create_app
from bot.store.models import Concern, Contact, Person
from bot.store.redis_health import GuardedRedis
from bot.store.roster_version import roster_version
from jobs.outbox import stored_reply
from tests.private_redis import PrivateRedis
from tests.wecom.conftest import with_wecom
from tests.wecom.crypto import Protocol
from tests.wecom.helpers import inbound_count, outbox_rows, reply_text, say

pytestmark = pytest.mark.integration
LEADER = "zhaojianguo01"


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live(roster_deps: Deps, private_redis: PrivateRedis) -> Iterator[Deps]:
    """The test's storage and WeCom app, with the private Redis reached as in production (bot.store.kv)."""
    settings = replace(with_wecom(roster_deps).settings, redis=RedisSettings(url=private_redis.url, prefix="bot"))
    # A sessionmaker of its own, so roster changes bump versions in this Redis (one watcher per sessionmaker).
    sessions = sessionmaker(**roster_deps.sessions.kw)
    deps = Deps(settings=settings, engine=roster_deps.engine, sessions=sessions, clock=roster_deps.clock)
    assert isinstance(deps.redis, GuardedRedis) and deps.redis_health is not None
    deps.redis_health.probe_every = 0.1  # notice Redis's return quickly (production: every second)
    yield deps
    deps.redis.close()


@pytest.fixture
def client(live: Deps) -> FlaskClient:
    return create_app(deps=live).test_client()


def redis_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.store.redis_health" and r.levelno >= logging.WARNING]


def wait_for_redis(client: FlaskClient) -> dict[str, object]:
    """Poll /healthz until it reports Redis up again (the bot notices by itself); return the report."""
    deadline = time.monotonic() + 15
    while True:
        report: dict[str, object] = client.get("/healthz").get_json()
        if report["redis"]["up"]:  # type: ignore[index]
            return report
        assert time.monotonic() < deadline, report
        time.sleep(0.05)


def count(deps: Deps, model: type) -> int:
    with deps.sessions() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def test_intake_goes_on_without_redis_and_resumes_when_it_returns(
        live: Deps, client: FlaskClient, private_redis: PrivateRedis, caplog: pytest.LogCaptureFixture) -> None:
    proto = Protocol(live.settings.wecom.token, live.settings.wecom.encoding_aes_key, live.settings.wecom.corp_id)
    assert "记录联系" in reply_text(proto, say(client, proto, LEADER, "帮助", "7200000001"))
    assert client.get("/healthz").get_json()["status"] == "ok"

    private_redis.stop()
    caplog.set_level(logging.WARNING)
    texts = [f"今天去{n}号楼{200 + n}宿舍看望学生，聊了考研" for n in range(1, 13)]
    answers = [reply_text(proto, say(client, proto, LEADER, text, f"72000001{i:02d}")) for i, text in enumerate(texts)]
    assert all("已记录" in a and "宿舍" in a for a in answers)
    # WeCom re-sends two of them (our answers were lost on the way): the same answer, no second record.
    assert reply_text(proto, say(client, proto, LEADER, texts[3], "7200000103")) == answers[3]
    assert reply_text(proto, say(client, proto, LEADER, texts[7], "7200000107")) == answers[7]
    assert count(live, Contact) == len(texts) and inbound_count(live) == len(texts) + 1

    health = client.get("/healthz")
    report = health.get_json()
    assert health.status_code == 200 and report["status"] == "degraded"
    assert report["database"]["up"] is True and report["redis"]["up"] is False
    assert report["redis"]["skipped"] > 0
    warned = redis_warnings(caplog)
    assert len(warned) == 1 and "unavailable" in warned[0]  # one warning, not one per message

    private_redis.start()
    assert wait_for_redis(client)["status"] == "ok"
    assert any("back" in w for w in redis_warnings(caplog))
    assert "记录联系" in reply_text(proto, say(client, proto, LEADER, "帮助", "7200000200"))
    fresh = redis.Redis.from_url(private_redis.url, decode_responses=True)
    try:  # the same process's client is claiming in Redis again: pool and client recovered by themselves
        assert fresh.get("bot:inbound:default:7200000200") == "done"
    finally:
        fresh.close()
    assert count(live, Contact) == len(texts)


def test_a_dialogue_step_is_asked_again_without_redis(
        live: Deps, client: FlaskClient, private_redis: PrivateRedis) -> None:
    proto = Protocol(live.settings.wecom.token, live.settings.wecom.encoding_aes_key, live.settings.wecom.corp_id)
    private_redis.stop()
    assert say(client, proto, LEADER, "约谈王老师", "7200000301").get_data() == b""  # asked with a card …
    assert "1. 王丽" in last_question(live)  # … still asked: the question is fine, only its step cannot be kept
    assert reply_text(proto, say(client, proto, LEADER, "1", "7200000302")) == ASK_AGAIN
    assert "已记录" in reply_text(proto, say(client, proto, LEADER, "约谈王丽老师，聊了职称评聘", "7200000303"))
    assert count(live, Contact) == 1

    private_redis.start()
    wait_for_redis(client)
    assert say(client, proto, LEADER, "约谈王老师", "7200000304").get_data() == b""
    assert "1. 王丽" in last_question(live)
    assert "已记录" in reply_text(proto, say(client, proto, LEADER, "1", "7200000305"))  # steps kept again
    assert count(live, Contact) == 2


def last_question(deps: Deps) -> str:
    """The question last queued to the leader (a card goes through the outbox), as typed."""
    row = outbox_rows(deps)[-1]
    assert row.recipient == LEADER and row.msgtype == "choice"
    return stored_reply(row.msgtype, row.payload).plain()


def test_per_sender_limits_are_skipped_without_redis(
        live: Deps, client: FlaskClient, private_redis: PrivateRedis) -> None:
    proto = Protocol(live.settings.wecom.token, live.settings.wecom.encoding_aes_key, live.settings.wecom.corp_id)
    limit = live.settings.concerns.rate_limit_count
    private_redis.stop()
    topics = ["宿舍热水器坏了", "图书馆座位不够", "食堂饭菜太咸", "快递点太远", "自习室空调不制冷", "选课系统总是崩溃",
              "澡堂排队太久"]
    for i, topic in enumerate(topics[:limit + 1]):
        answer = reply_text(proto, say(client, proto, "lisiqi01", f"{topic}，希望学校解决", f"72000004{i:02d}"))
        assert "已收到" in answer and "较多" not in answer
    with live.sessions() as db:
        assert [c.abuse for c in db.scalars(select(Concern))] == [None] * (limit + 1)


def test_a_roster_change_made_without_redis_reaches_the_caches_when_it_returns(
        live: Deps, private_redis: PrivateRedis, client: FlaskClient) -> None:
    with live.sessions() as db:
        school_id = db.scalar(select(Person.school_id).where(Person.userid == LEADER))
    assert school_id is not None
    assert roster_version(live, school_id) == "0"
    private_redis.stop()
    with live.sessions.begin() as db:
        person = db.scalar(select(Person).where(Person.userid == "wangli01"))
        assert person is not None
        person.title = "辅导员（专职）"
    assert roster_version(live, school_id) is None  # unknown while Redis is away
    private_redis.start()  # an empty Redis: the version restarts from "0" and is bumped on recovery
    wait_for_redis(client)
    deadline = time.monotonic() + 5
    while roster_version(live, school_id) != "1":  # bumped by the process that made the change
        assert time.monotonic() < deadline, roster_version(live, school_id)
        time.sleep(0.05)
