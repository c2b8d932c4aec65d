"""The scheduler lease: one active scheduler across processes, so no two send, remind or chase at once.

Two locks make it, both renewed by one thread (`LeaseKeeper`) every third of `[scheduler] lease_seconds`;
jobs only read `held()`, a local clock check, so they never race the renewal or each other:

- a database lock taken first and held while active: on PostgreSQL a session advisory lock on a connection
  of its own (the server frees it the moment that connection dies, so `kill -9` frees it at once); on SQLite
  an flock on a file beside the database (every process sharing a SQLite file is on this machine);
- the Redis lease, `<prefix>:scheduler:lease` → the holder's id with a TTL of `lease_seconds`, taken with
  SET NX and renewed with a compare-and-renew (WATCH/MULTI; one renewer, so it never loses to itself).

Active means holding the database lock and the Redis lease; while Redis is away, the database lock alone
decides, so with Redis stopped exactly one scheduler goes on. A standby, or a restarted scheduler, takes
over within `lease_seconds` of the holder's end (at once after a clean stop, which gives both up).
With in-process fakeredis (no `[redis] url`) there is one process, and the file lock still keeps a second
`contactbot scheduler` on the same SQLite file on standby; an in-memory SQLite database has no lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import IO, Any, Protocol

import psycopg
import redis
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

ADVISORY_KEY = 0x636F6E7461637462  # "contactb": the one lock id of the active scheduler in this database


class Lease:
    """The Redis half: a renewable, expiring claim on being the active scheduler."""

    def __init__(self, r: redis.Redis, key: str, ttl_seconds: int, holder: str | None = None) -> None:
        self.redis, self.key, self.ttl_ms = r, key, ttl_seconds * 1000
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def acquire(self) -> bool:
        """Take the lease if free, or renew it if ours; return whether we hold it now (raises RedisError)."""
        if self.redis.set(self.key, self.holder, nx=True, px=self.ttl_ms):
            return True
        with self.redis.pipeline() as pipe:
            try:
                pipe.watch(self.key)
                if pipe.get(self.key) != self.holder:
                    pipe.unwatch()
                    return False
                pipe.multi()
                pipe.pexpire(self.key, self.ttl_ms)
                pipe.execute()
            except redis.WatchError:  # changed under us: it expired and someone else took it
                return False
        return True

    def release(self) -> None:
        """Give the lease up if we hold it, so a standby takes over at once."""
        with self.redis.pipeline() as pipe:
            try:
                pipe.watch(self.key)
                if pipe.get(self.key) == self.holder:
                    pipe.multi()
                    pipe.delete(self.key)
                    pipe.execute()
                else:
                    pipe.unwatch()
            except redis.WatchError:
                pass


class DatabaseLock(Protocol):
    """The database half: held by at most one process, freed when it dies."""

    def hold(self) -> bool: ...  # take it, or check it is still ours; False if another process has it
    def free(self) -> None: ...


class AdvisoryLock:
    """A PostgreSQL session advisory lock on a connection of its own."""

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self.conn: psycopg.Connection[Any] | None = None
        self.held = False

    def hold(self) -> bool:
        try:
            if self.conn is None or self.conn.closed:
                self.held = False
                self.conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=3)
            if self.held:
                self.conn.execute("SELECT 1")  # still connected, so still ours
            else:
                row = self.conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()
                self.held = bool(row and row[0])
        except psycopg.Error as exc:
            log.warning("scheduler lock: PostgreSQL is unreachable (%s)", str(exc).splitlines()[0] if str(exc) else exc)
            self.free()
        return self.held

    def free(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(psycopg.Error):
                if self.held:  # at once: the server frees a closed session's locks a moment later
                    self.conn.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_KEY,))
                self.conn.close()
        self.conn, self.held = None, False


class FileLock:
    """An flock on a file beside a SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh: IO[bytes] | None = None

    def hold(self) -> bool:
        if self.fh is not None:
            return True
        fh = self.path.open("ab")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        self.fh = fh
        return True

    def free(self) -> None:
        if self.fh is not None:
            self.fh.close()  # closing the file frees the lock
            self.fh = None


class NoLock:
    """An in-memory SQLite database: one process by construction."""

    def hold(self) -> bool:
        return True

    def free(self) -> None:
        pass


def database_lock(engine: Engine) -> DatabaseLock:
    """The database lock for this engine's database."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        return AdvisoryLock(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    if url.database and url.database != ":memory:":
        return FileLock(Path(f"{url.database}.scheduler-lock"))
    return NoLock()


class LeaseKeeper:
    """The one renewer: a thread that holds (or waits for) the lease; `held()` tells the jobs."""

    def __init__(self, lease: Lease, lock: DatabaseLock, ttl_seconds: int) -> None:
        self.lease, self.lock, self.ttl = lease, lock, float(ttl_seconds)
        self.interval = max(1.0, self.ttl / 3)
        self._valid_until = 0.0  # time.monotonic() until which we surely hold it
        self._active = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def holder(self) -> str:
        return self.lease.holder

    def held(self) -> bool:
        """Whether this process is the active scheduler now (no I/O)."""
        return time.monotonic() < self._valid_until

    def renew(self) -> bool:
        """Take or keep both locks once; return whether this process is active."""
        start = time.monotonic()
        if not self.lock.hold():
            self._set(False, 0.0)
            self._release_redis()  # someone else holds the database lock: they are next
            return False
        try:
            active = self.lease.acquire()
            until = start + self.ttl - 1.0  # the key lives at least ttl from before the request
        except redis.RedisError as exc:
            if self._active:
                log.warning("Redis is away (%s): the database lock alone keeps this scheduler active", exc)
            active, until = True, start + 2 * self.interval
        self._set(active, until if active else 0.0)
        return active

    def _set(self, active: bool, until: float) -> None:
        if active != self._active:
            log.info("scheduler %s is now %s", self.holder, "active" if active else "on standby")
        self._active, self._valid_until = active, until

    def _release_redis(self) -> None:
        with contextlib.suppress(redis.RedisError):
            self.lease.release()

    def start(self) -> None:
        """Renew now, then every third of the TTL in a daemon thread."""
        self.renew()
        self._thread = threading.Thread(target=self._run, name="scheduler-lease", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.renew()
            except Exception:  # a renewer that dies silently would leave a standby forever waiting
                log.exception("scheduler lease renewal failed")
                self._set(False, 0.0)

    def stop(self) -> None:
        """Stop renewing and give both locks up, so a standby takes over at once."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.interval + 5)
        self._set(False, 0.0)
        self._release_redis()
        self.lock.free()
