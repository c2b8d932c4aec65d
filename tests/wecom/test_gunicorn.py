"""Two gunicorn workers on real PostgreSQL and Redis, each message delivered to both at once: one record each,
also after Redis has forgotten every claim."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.config import DatabaseSettings, load_settings
from bot.db import make_engine, make_sessions, school_by_code, upgrade
from bot.models import InboundMessage
from bot.roster import apply_roster, read_roster
from tests.conftest import PG_URL, REDIS_URL, ROOT, ROSTER, RUN_ID
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(gunicorn_database: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """gunicorn -w 2 serving the real app; yields (base URL, Redis key prefix)."""
    port, prefix = free_port(), f"bot-test-{RUN_ID}-{uuid.uuid4().hex[:6]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTACTBOT_") or k.startswith("CONTACTBOT_TEST_")}
    env.update(CONTACTBOT_DATABASE_URL=gunicorn_database, CONTACTBOT_REDIS_URL=REDIS_URL, CONTACTBOT_REDIS_PREFIX=prefix,
               CONTACTBOT_APP_WORKERS="2", CONTACTBOT_WECOM_CORP_ID=CORP_ID, CONTACTBOT_WECOM_TOKEN=TOKEN,
               CONTACTBOT_WECOM_ENCODING_AES_KEY=AES_KEY, CONTACTBOT_WECOM_AGENT_ID="1000002",
               CONTACTBOT_APP_LOG_LEVEL="WARNING")
    log = (tmp_path / "gunicorn.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                             "bot.web:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{base}/healthz", timeout=5).close()
                break
            except requests.RequestException:
                assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.1)
        yield base, prefix
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()
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
        assert sorted(r.status_code for r in responses) == [200, 200]
        replies = [r for r in responses if r.content]
        assert len(replies) == 1
        assert "记录联系" in (proto.open_reply(replies[0].content).findtext("Content") or "")
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
        assert [(x.status_code, x.content) for x in responses] == [(200, b""), (200, b"")]
    assert count_inbound(gunicorn_database) == MESSAGES
