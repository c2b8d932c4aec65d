"""Redis may go away (a restart, a failover, a network cut) and the bot keeps answering: Redis makes things
fast, the database decides. This module is the process's view of whether Redis answers.

- `GuardedRedis` is the client every part of the bot uses. The first command that fails because Redis is
  unreachable marks it down (one warning in the log) and drops the idle pooled connections, which are
  dead anyway; from then on every command fails at once with `RedisUnavailable`, without waiting for a timeout.
- While it is down a background thread tries a write every second and warns at most once a minute;
  the first write that succeeds marks Redis up again (one warning), and callbacks registered with
  `after_recovery` (a roster version bump that could not be made, say) run then. Nothing is restarted.
- Callers that can do without Redis catch `REDIS_DOWN` (or use `if_up`) and degrade: the webhook claims
  nothing and lets the database's unique key decide, dialogue steps are asked again, per-sender limits
  and caches are skipped.

Example: Redis stopped at 10:00:00 → "Redis unavailable …" once; 10:01:00 "Redis still unavailable after
60 s …"; Redis started at 10:01:30 → "Redis is back after 90 s …"; the next message is claimed in Redis again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from redis.client import Pipeline
from redis.exceptions import ReadOnlyError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Redis is unreachable, or cannot take writes (a replica left behind by a failover): treat it as away.
REDIS_DOWN: tuple[type[Exception], ...] = (redis.ConnectionError, redis.TimeoutError, ReadOnlyError)
PROBE_EVERY = 1.0  # seconds between attempts to reach Redis while it is down
WARN_EVERY = 60.0  # at most one "still unavailable" warning a minute per process


class RedisUnavailable(redis.ConnectionError):
    """Redis is known to be down: the command was not sent."""


class RedisHealth:
    """Whether Redis answers, as this process last saw it, and the thread that notices its return."""

    def __init__(self, probe: Callable[[], object], probe_every: float = PROBE_EVERY,
                 warn_every: float = WARN_EVERY, clock: Callable[[], float] = time.monotonic) -> None:
        self._probe, self.probe_every, self.warn_every, self._clock = probe, probe_every, warn_every, clock
        self._lock = threading.Lock()
        self._up = True
        self._down_since = 0.0
        self._warned_at = 0.0
        self._hooks: list[Callable[[], None]] = []
        self._stop = threading.Event()
        self.skipped = 0  # commands not sent since Redis went down
        self.outages = 0

    @property
    def up(self) -> bool:
        return self._up

    def check(self) -> None:
        """Raise `RedisUnavailable` at once while Redis is down."""
        if not self._up:
            self.skipped += 1
            raise RedisUnavailable("Redis is unavailable (degraded mode)")

    def failed(self, exc: BaseException) -> bool:
        """Note that a command found Redis away; return True if this call marked it down."""
        with self._lock:
            if not self._up or self._stop.is_set():
                return False
            self._up = False
            self._down_since = self._warned_at = self._clock()
            self.skipped = 0
            self.outages += 1
        log.warning("Redis unavailable (%s): answering without it — the database de-duplicates messages, "
                    "dialogue steps are asked again, per-sender limits and caches are skipped", exc)
        threading.Thread(target=self._watch, name="redis-probe", daemon=True).start()
        return True

    def after_recovery(self, callback: Callable[[], None]) -> None:
        """Run `callback` once Redis is back (at once if it already is)."""
        with self._lock:
            if not self._up:
                self._hooks.append(callback)
                return
        self._run(callback)

    def status(self) -> dict[str, object]:
        """What /healthz shows: up, or for how long it has been down and how much was skipped."""
        if self._up:
            return {"up": True}
        return {"up": False, "down_seconds": round(self._clock() - self._down_since, 1), "skipped": self.skipped}

    def stop(self) -> None:
        """Stop watching (the client is closed)."""
        self._stop.set()

    def probe_once(self) -> bool:
        """Try Redis once while it is down; mark it up and run the recovery callbacks if it answers."""
        try:
            self._probe()
        except Exception:
            now = self._clock()
            if now - self._warned_at >= self.warn_every:
                self._warned_at = now
                log.warning("Redis still unavailable after %.0f s (%d Redis operations skipped)",
                            now - self._down_since, self.skipped)
            return False
        with self._lock:
            self._up = True
            hooks, self._hooks = self._hooks, []
        log.warning("Redis is back after %.0f s (%d Redis operations skipped); using it again",
                    self._clock() - self._down_since, self.skipped)
        for hook in hooks:
            self._run(hook)
        return True

    def _watch(self) -> None:
        while not self._stop.wait(self.probe_every):
            if self.probe_once():
                return

    @staticmethod
    def _run(callback: Callable[[], None]) -> None:
        try:
            callback()
        except Exception:
            log.exception("a callback waiting for Redis failed")


def guarded(health: RedisHealth, pool: redis.ConnectionPool, call: Callable[[], T]) -> T:
    """Run one round trip unless Redis is known to be down; note an outage if it fails with one."""
    health.check()
    try:
        return call()
    except REDIS_DOWN as exc:
        if health.failed(exc):
            # The idle pooled connections are dead too: reconnect afresh when Redis is back. Connections in
            # use by other threads are left to fail by themselves (closing them under a reader breaks it).
            pool.disconnect(inuse_connections=False)
        raise


class GuardedRedis(redis.Redis):
    """A Redis client that fails fast while Redis is down and resumes by itself when it returns."""

    health: RedisHealth

    def execute_command(self, *args: Any, **options: Any) -> Any:
        return guarded(self.health, self.connection_pool,
                       lambda: super(GuardedRedis, self).execute_command(*args, **options))

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> GuardedPipeline:
        pipe = GuardedPipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)
        pipe.health = self.health
        return pipe

    def close(self) -> None:
        self.health.stop()
        super().close()


class GuardedPipeline(Pipeline):
    """A pipeline of a `GuardedRedis`: the same fast failure for WATCH and for EXEC."""

    health: RedisHealth

    def immediate_execute_command(self, *args: Any, **options: Any) -> Any:
        return guarded(self.health, self.connection_pool,
                       lambda: super(GuardedPipeline, self).immediate_execute_command(*args, **options))

    def execute(self, raise_on_error: bool = True) -> list[Any]:
        return guarded(self.health, self.connection_pool,
                       lambda: super(GuardedPipeline, self).execute(raise_on_error))


def guarded_client(url: str, probe_key: str, **options: Any) -> GuardedRedis:
    """Connect to Redis at `url` through a `GuardedRedis` whose return is noticed by writing `probe_key`."""
    client = GuardedRedis(connection_pool=redis.ConnectionPool.from_url(url, **options))

    def probe() -> object:  # a write: a read-only replica left by a failover is not "back"
        return redis.Redis.execute_command(client, "SET", probe_key, "1", "EX", 60)

    client.health = RedisHealth(probe)
    return client


def if_up(call: Callable[[], T], default: T) -> T:
    """Return `call()`, or `default` while Redis is away (for what the bot can do without)."""
    try:
        return call()
    except REDIS_DOWN:
        return default
