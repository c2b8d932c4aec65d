"""Urgent sends: a crisis alert leaves right after its transaction commits, not at the next outbox run.

One background thread per web process; requests only set a flag, so a burst of alerts costs one
flush, and the webhook's answer never waits for WeCom.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from bot.context import Deps

log = logging.getLogger(__name__)


class UrgentFlusher:
    """Run `flush(deps)` in a daemon thread whenever asked; requests made while it runs coalesce."""

    def __init__(self, deps: Deps, flush: Callable[[Deps], int] | None = None) -> None:
        if flush is None:
            from jobs.outbox import flush_outbox

            flush = flush_outbox
        self._deps, self._flush = deps, flush
        self._wanted = threading.Event()
        self.runs = 0
        threading.Thread(target=self._loop, name="urgent-outbox", daemon=True).start()

    def __call__(self) -> None:
        """Ask for a flush as soon as possible."""
        self._wanted.set()

    def _loop(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            try:
                self._flush(self._deps)
            except Exception:  # the scheduler's outbox job retries whatever this run could not send
                log.exception("urgent outbox flush failed; the scheduled run will retry")
            self.runs += 1
