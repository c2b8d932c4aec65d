"""The scheduler lease: one active scheduler across processes, held in Redis with a time-to-live.

Each scheduler process renews its lease every few seconds; a second process finds the key held and
stays on standby, taking over when the holder stops renewing (crash, shutdown) and the key expires.
Renewal uses WATCH/MULTI (no Lua), so it works on fakeredis too. Jobs are idempotent over our own
tables anyway: the lease avoids double work, the database guarantees nothing is sent twice.

Key: `<prefix>:scheduler-lease` → the holder's id, with a TTL of `[scheduler] lease_seconds`.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid

import redis

log = logging.getLogger(__name__)


class Lease:
    """A renewable, expiring claim on being the active scheduler."""

    def __init__(self, r: redis.Redis, key: str, ttl_seconds: int, holder: str | None = None) -> None:
        self.redis, self.key, self.ttl_ms = r, key, ttl_seconds * 1000
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.held = False

    def acquire(self) -> bool:
        """Take the lease if free, or renew it if ours; return whether we hold it now."""
        if self.redis.set(self.key, self.holder, nx=True, px=self.ttl_ms):
            if not self.held:
                log.info("scheduler %s is now active", self.holder)
            self.held = True
            return True
        with self.redis.pipeline() as pipe:
            try:
                pipe.watch(self.key)
                if pipe.get(self.key) != self.holder:
                    pipe.unwatch()
                    if self.held:
                        log.warning("scheduler %s lost its lease", self.holder)
                    self.held = False
                    return False
                pipe.multi()
                pipe.pexpire(self.key, self.ttl_ms)
                pipe.execute()
            except redis.WatchError:  # changed under us: someone else holds it now
                self.held = False
                return False
        self.held = True
        return True

    def release(self) -> None:
        """Give the lease up (on shutdown) if we hold it, so a standby takes over at once."""
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
        self.held = False
