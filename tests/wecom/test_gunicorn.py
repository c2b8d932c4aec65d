"""Two gunicorn workers on real PostgreSQL and Redis, each message delivered to both at once: one record each,
and the same answer to both deliveries, also after Redis has forgotten every claim, and while a Redis of
the test's own is stopped (the workers notice its return by themselves)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.config import DatabaseSettings, load_settings
from bot.people.roster import apply_roster, read_roster
from bot.store.db import make_engine, make_sessions, school_by_code, upgrade
from bot.store.models import InboundMessage
from tests.conftest import PG_URL, REDIS_URL, ROOT, ROSTER, RUN_ID
from tests.private_redis import PrivateRedis, free_port
from tests.wecom.conftest import AES_KEY, CORP_ID, TOKEN
from tests.wecom.crypto import Protocol, text_message

pytestmark = pytest.mark.integration
MESSAGES = 20


@pytest.fixture
def gunicorn_database() -> Iterator[str]:
    """A committed database of its own (the shared test database rolls every test back)."""
    if not PG_URL or not REDIS_URL:
        pytest.skip("CONTACTBOT_TEST_DATABASE_URL and CONTACTBOT_TEST_REDIS_URL are needed")
    name = f"contactbot_test_{RUN_ID}_gunicorn"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    settings = replace(load_settings(env={}), database=DatabaseSettings(url=url))
    engine = make_engine(url)
    try:
        upgrade(engine, settings)
        rows, problems = read_roster(ROSTER)
        assert not problems
        with make_sessions(engine).begin() as db:
            school = school_by_code(db, "", settings)
            assert school is not None
            now = datetime.now(timezone.utc)
            apply_roster(db, school, rows, now.date(), now)
    finally:
        engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def serve(database_url: str, redis_url: str, prefix: str, log_path: Path) -> Iterator[str]:
    """gunicorn -w 2 serving the real app; yields its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTACTBOT_") or k.startswith("CONTACTBOT_TEST_")}
    env.update(CONTACTBOT_DATABASE_URL=database_url, CONTACTBOT_REDIS_URL=redis_url, CONTACTBOT_REDIS_PREFIX=prefix,
               CONTACTBOT_APP_WORKERS="2", CONTACTBOT_WECOM_CORP_ID=CORP_ID, CONTACTBOT_WECOM_TOKEN=TOKEN,
               CONTACTBOT_WECOM_ENCODING_AES_KEY=AES_KEY, CONTACTBOT_WECOM_AGENT_ID="1000002",
               CONTACTBOT_APP_LOG_LEVEL="WARNING")
    log = log_path.open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                             "bot.server.web:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{base}/healthz", timeout=5).close()
                break
            except requests.RequestException:
                assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()


@pytest.fixture
def server(gunicorn_database: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """gunicorn -w 2 serving the real app on the shared Redis; yields (base URL, Redis key prefix)."""
    prefix = f"bot-test-{RUN_ID}-{uuid.uuid4().hex[:6]}"
    try:
        with serve(gunicorn_database, REDIS_URL, prefix, tmp_path / "gunicorn.log") as base:
            yield base, prefix
    finally:
        r = redis.Redis.from_url(REDIS_URL)
        keys = list(r.scan_iter(f"{prefix}:*"))
        if keys:
            r.delete(*keys)
        r.close()


def deliver_twice_at_once(base: str, args: dict[str, str], body: bytes) -> list[requests.Response]:
    """Send the same request twice at the same moment (as two WeCom retries to two workers would)."""
    barrier = threading.Barrier(2)
    results: list[requests.Response] = []
    lock = threading.Lock()

    def one() -> None:
        with requests.Session() as http:
            barrier.wait()
            response = http.post(f"{base}/wecom/callback", params=args, data=body, timeout=10)
        with lock:
            results.append(response)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def count_inbound(url: str) -> int:
    engine = make_engine(url)
    try:
        with make_sessions(engine)() as db:
            return db.scalar(select(func.count(InboundMessage.id))) or 0
    finally:
        engine.dispose()


def test_two_workers_record_each_message_once(server: tuple[str, str], gunicorn_database: str) -> None:
    base, prefix = server
    proto = Protocol(TOKEN, AES_KEY, CORP_ID)
    requests_ = [proto.request(text_message("zhaojianguo01", "帮助", str(9000000000 + i), CORP_ID), nonce=str(i))
                 for i in range(MESSAGES)]
    for args, body in requests_:
        responses = deliver_twice_at_once(base, args, body)
        assert [response.status_code for response in responses] == [200, 200]
        for response in responses:  # the one handled second waited for the first and repeats its answer
            assert "记录联系" in (proto.open_reply(response.content).findtext("Content") or "")
    assert count_inbound(gunicorn_database) == MESSAGES

    r = redis.Redis.from_url(REDIS_URL)
    try:
        claims = list(r.scan_iter(f"{prefix}:inbound:*"))
        assert len(claims) == MESSAGES
        r.delete(*claims)  # Redis restarted without persistence: only the database remembers
    finally:
        r.close()
    for args, body in requests_:
        responses = deliver_twice_at_once(base, args, body)
        assert [response.status_code for response in responses] == [200, 200]
        for response in responses:  # the database remembered each answer
            assert "记录联系" in (proto.open_reply(response.content).findtext("Content") or "")
    assert count_inbound(gunicorn_database) == MESSAGES


def answer_of(proto: Protocol, response: requests.Response) -> str:
    assert response.status_code == 200, response.status_code
    return proto.open_reply(response.content).findtext("Content") or ""


def redis_up_in_every_worker(base: str) -> bool:
    """Whether /healthz reports Redis up in a row of answers (each worker notices on its own)."""
    return all(requests.get(f"{base}/healthz", timeout=5).json()["redis"]["up"] for _ in range(8))


def test_two_workers_without_redis_still_record_each_message_once(gunicorn_database: str, tmp_path: Path) -> None:
    own = PrivateRedis(tmp_path)
    own.start()
    proto = Protocol(TOKEN, AES_KEY, CORP_ID)
    report = "今天去3号楼215宿舍看望学生，聊了考研"
    try:
        with serve(gunicorn_database, own.url, "bot", tmp_path / "gunicorn.log") as base:
            first = proto.request(text_message("zhaojianguo01", "帮助", "9100000000", CORP_ID), nonce="0")
            assert all("记录联系" in answer_of(proto, r) for r in deliver_twice_at_once(base, *first))
            own.stop()
            for i in range(1, 11):
                args, body = proto.request(text_message("zhaojianguo01", report, str(9100000000 + i), CORP_ID),
                                           nonce=str(i))
                answers = [answer_of(proto, r) for r in deliver_twice_at_once(base, args, body)]
                assert answers[0] == answers[1] and "已记录" in answers[0]  # the database decided
            assert count_inbound(gunicorn_database) == 11
            health = requests.get(f"{base}/healthz", timeout=5)
            assert health.status_code == 200 and health.json()["status"] == "degraded"

            own.start()
            deadline = time.monotonic() + 20
            while not redis_up_in_every_worker(base):
                assert time.monotonic() < deadline
                time.sleep(0.2)
            args, body = proto.request(text_message("zhaojianguo01", "帮助", "9100000020", CORP_ID), nonce="20")
            assert all("记录联系" in answer_of(proto, r) for r in deliver_twice_at_once(base, args, body))
            fresh = redis.Redis.from_url(own.url, decode_responses=True)
            try:
                assert fresh.get("bot:inbound:default:9100000020") == "done"
            finally:
                fresh.close()
        assert count_inbound(gunicorn_database) == 12
    finally:
        own.stop()
