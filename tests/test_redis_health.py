"""The process's view of Redis: fail fast while it is down, one warning a minute, resume by itself."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import fakeredis
import pytest
import redis

from bot.store.redis_health import GuardedRedis, RedisHealth, RedisUnavailable, if_up


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server() -> fakeredis.FakeServer:
    return fakeredis.FakeServer()


@pytest.fixture
def client(server: fakeredis.FakeServer) -> Iterator[GuardedRedis]:
    """A GuardedRedis over an in-process server that the test can disconnect; probing only when told to."""
    fake = fakeredis.FakeRedis(server=server, decode_responses=True)
    guarded = GuardedRedis(connection_pool=fake.connection_pool)
    guarded.health = RedisHealth(lambda: redis.Redis.execute_command(guarded, "SET", "bot:health:probe", "1"),
                                 probe_every=3600, clock=FakeClock())
    yield guarded
    guarded.close()


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.store.redis_health"]


def test_commands_fail_at_once_while_down_and_work_again_after_a_probe(
        client: GuardedRedis, server: fakeredis.FakeServer) -> None:
    client.set("bot:k", "1")
    server.connected = False
    with pytest.raises(redis.ConnectionError) as first:
        client.get("bot:k")
    assert not isinstance(first.value, RedisUnavailable)  # the command that found the outage
    assert not client.health.up
    with pytest.raises(RedisUnavailable):
        client.get("bot:k")
    pipe = client.pipeline(transaction=False)
    pipe.get("bot:k")
    with pytest.raises(RedisUnavailable):
        pipe.execute()
    assert if_up(lambda: str(client.get("bot:k")), "fallback") == "fallback"
    assert client.health.skipped == 3
    assert client.health.probe_once() is False  # still down
    server.connected = True
    assert client.health.probe_once() is True
    assert client.health.up and client.get("bot:k") == "1"


def test_one_warning_when_redis_goes_one_a_minute_while_it_stays_and_one_when_it_returns(
        client: GuardedRedis, server: fakeredis.FakeServer, caplog: pytest.LogCaptureFixture) -> None:
    clock = client.health._clock
    assert isinstance(clock, FakeClock)
    caplog.set_level(logging.WARNING)
    server.connected = False
    for _ in range(200):  # a busy minute: every message touches Redis
        if_up(lambda: client.get("bot:k"), None)
    assert len(warnings_of(caplog)) == 1 and "unavailable" in warnings_of(caplog)[0]
    for seconds in (1, 30, 59):
        clock.now = 1000 + seconds
        client.health.probe_once()
    assert len(warnings_of(caplog)) == 1
    clock.now = 1061
    client.health.probe_once()
    assert len(warnings_of(caplog)) == 2 and "still unavailable after 61 s" in warnings_of(caplog)[1]
    clock.now = 1090
    client.health.probe_once()
    assert len(warnings_of(caplog)) == 2
    server.connected = True
    clock.now = 1095
    assert client.health.probe_once()
    assert len(warnings_of(caplog)) == 3 and "back after 95 s" in warnings_of(caplog)[2]
    assert client.health.status() == {"up": True}


def test_what_waits_for_redis_runs_once_when_it_returns(client: GuardedRedis, server: fakeredis.FakeServer) -> None:
    ran: list[str] = []
    server.connected = False
    if_up(lambda: client.get("bot:k"), None)
    client.health.after_recovery(lambda: ran.append("bump"))
    assert client.health.status()["up"] is False and ran == []
    server.connected = True
    client.health.probe_once()
    client.health.probe_once()
    assert ran == ["bump"]
    client.health.after_recovery(lambda: ran.append("now"))  # already up: at once
    assert ran == ["bump", "now"]


def test_the_prober_thread_notices_the_return_by_itself(client: GuardedRedis, server: fakeredis.FakeServer) -> None:
    import time

    client.health.probe_every = 0.02
    server.connected = False
    if_up(lambda: client.get("bot:k"), None)
    server.connected = True
    deadline = time.monotonic() + 5
    while not client.health.up:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert client.set("bot:k", "2") and client.get("bot:k") == "2"
