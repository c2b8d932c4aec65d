"""Urgent sends: a crisis alert leaves right after its transaction commits, from the web process itself.

The scheduler's pump is woken by the same commit too; this second path sends the urgent rows even while
no scheduler is running. One background thread per web process; requests only set a flag, so a burst of
alerts costs one drain, and the webhook's answer never waits for WeCom. It takes urgent rows only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from bot.chat.context import Deps
from jobs.outbox import Sender

log = logging.getLogger(__name__)


class UrgentFlusher:
    """Run `flush(deps)` in a daemon thread whenever asked; requests made while it runs coalesce."""

    def __init__(self, deps: Deps, flush: Callable[[Deps], int] | None = None) -> None:
        self._deps = deps
        self._flush = flush or self._drain_urgent
        self._sender = Sender(deps, urgent_only=True)
        self._wanted = threading.Event()
        self.runs = 0
        threading.Thread(target=self._loop, name="urgent-outbox", daemon=True).start()

    def __call__(self) -> None:
        """Ask for a flush as soon as possible."""
        self._wanted.set()

    def _drain_urgent(self, deps: Deps) -> int:
        return self._sender.drain()

    def _loop(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            try:
                self._flush(self._deps)
            except Exception:  # the scheduler's pump retries whatever this run could not send
                log.exception("urgent outbox flush failed; the scheduler will retry")
            self.runs += 1
