"""The outbox pump on committed data (not the rolled-back test transaction): it drains while rows are
due, picks a newly queued row up at once (PostgreSQL's NOTIFY, with the poll set far longer) or within
its poll (SQLite), and several senders in several threads send every row exactly once.
"""

from __future__ import annotations

import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import fakeredis
import pytest
import redis
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.chat.context import Deps
from bot.chat.messages import Reply
from bot.chat.outbox import Outbox
from bot.config import DatabaseSettings, OutboxSettings, RedisSettings
from bot.demo.emulator.api import pushed
from bot.store.db import make_engine, make_sessions, school_by_code, upgrade
from bot.store.models import OutboundMessage
from jobs.outbox import Sender
from jobs.outbox_pump import Pump
from tests.conftest import BACKENDS, PG_URL, REDIS_URL, RUN_ID, base_settings
from tests.wecom.conftest import emulated_wecom


@pytest.fixture(params=BACKENDS)
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deps]:
    """Deps whose sessions really commit: a SQLite file, or a PostgreSQL database of this test's own."""
    if request.param == "embedded":
        path = tmp_path / "live.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        settings = base_settings(database=DatabaseSettings(url=f"sqlite:///{path}"), redis=RedisSettings(url=""),
                                 outbox=OutboxSettings(poll_seconds=0.5))
        engine = make_engine(settings.database_url)
        r: redis.Redis = fakeredis.FakeRedis(server=fakeredis.FakeServer(), decode_responses=True)
        yield Deps(settings=settings, engine=engine, sessions=make_sessions(engine), _redis=r)
        engine.dispose()
        return
    if not PG_URL or not REDIS_URL:
        pytest.skip("CONTACTBOT_TEST_DATABASE_URL / CONTACTBOT_TEST_REDIS_URL are not set")
    name = f"contactbot_test_{RUN_ID}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    prefix = f"bot-test-{RUN_ID}-{uuid.uuid4().hex[:6]}"
    settings = base_settings(database=DatabaseSettings(url=url), redis=RedisSettings(url=REDIS_URL, prefix=prefix),
                             outbox=OutboxSettings(poll_seconds=5.0))  # a pickup within a second is NOTIFY's
    engine = make_engine(url)
    upgrade(engine, settings)
    r = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    yield Deps(settings=settings, engine=engine, sessions=make_sessions(engine), _redis=r)
    engine.dispose()
    keys = list(r.scan_iter(f"{prefix}:*"))
    if keys:
        r.delete(*keys)
    r.close()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def queue(deps: Deps, messages: list[tuple[str, str]]) -> None:
    """Queue messages in one committed transaction, as a web worker or a job does."""
    with deps.sessions.begin() as db:
        school = school_by_code(db, "", deps.settings)
        assert school is not None
        outbox = Outbox(db, school, deps.clock())
        for to, text_ in messages:
            outbox.send(to, Reply.of(text_))


def unsent(deps: Deps) -> int:
    with deps.sessions() as db:
        return db.scalar(select(func.count(OutboundMessage.id)).where(OutboundMessage.status != "sent")) or 0


def wait_until(condition: object, seconds: float) -> float:
    """Poll until `condition()` holds; return how long it took (fail after `seconds`)."""
    start = time.monotonic()
    while not condition():  # type: ignore[operator]
        assert time.monotonic() - start < seconds, "timed out"
        time.sleep(0.02)
    return time.monotonic() - start


def test_the_pump_drains_and_picks_a_new_row_up_at_once(live: Deps) -> None:
    with emulated_wecom(live) as deps:
        queue(deps, [(f"user{i:02d}", f"第{i}条提醒") for i in range(30)])
        pump = Pump(deps, active=lambda: True)
        pump.start()
        try:
            wait_until(lambda: unsent(deps) == 0, 20)
            time.sleep(0.3)  # the senders are idle, waiting for the doorbell (PostgreSQL) or their poll
            queue(deps, [("zhaojianguo01", "您反映的问题已有答复")])
            took = wait_until(lambda: unsent(deps) == 0, 10)
        finally:
            pump.stop()
        assert took < (1.0 if deps.engine.url.get_backend_name() == "postgresql" else 1.5)
        assert [m["text"]["content"] for m in pushed(deps, "zhaojianguo01")] == ["您反映的问题已有答复"]
        assert all(len(pushed(deps, f"user{i:02d}")) == 1 for i in range(30))


def test_a_standby_pump_sends_nothing(live: Deps) -> None:
    with emulated_wecom(live) as deps:
        queue(deps, [("zhaojianguo01", "提醒")])
        pump = Pump(deps, active=lambda: False)
        pump.start()
        time.sleep(0.8)
        pump.stop()
        assert unsent(deps) == 1 and pushed(deps, "zhaojianguo01") == []


def test_concurrent_senders_send_every_row_once_in_order(live: Deps) -> None:
    messages = [(f"user{i % 10}", f"消息{i}") for i in range(60)]  # six to each of ten people
    with emulated_wecom(live) as deps:
        queue(deps, messages)
        senders = [Sender(deps) for _ in range(2)]  # as two processes would
        threads = [threading.Thread(target=s.drain) for s in senders for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for s in senders:
            s.close()
        assert unsent(deps) == 0
        for person in range(10):
            got = [m["text"]["content"] for m in pushed(deps, f"user{person}")]
            assert got == [text_ for to, text_ in messages if to == f"user{person}"]  # once each, in order
