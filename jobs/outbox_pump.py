"""The outbox pump: threads of the active scheduler that keep sending while rows are due, and otherwise
wait for a row to be queued — woken at once by PostgreSQL's NOTIFY (bot/chat/outbox.py sends one with each
commit that queues a row), or looking again every `[outbox] poll_seconds` (SQLite, or a lost listener).

On SIGTERM the threads stop claiming, finish the row in hand and exit; a row whose sender is killed is
taken again after its lease (jobs/outbox.py SEND_LEASE).

Example: a web worker commits a concern answer at 10:00:00.000; the scheduler claims it at 10:00:00.01.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from bot.chat.context import Deps
from bot.chat.outbox import NOTIFY_CHANNEL
from jobs.outbox import Sender

log = logging.getLogger(__name__)

ERROR_PAUSE = 2.0  # seconds a sending thread waits after an unexpected error (the database away, say)


class Wakeup:
    """A doorbell the sending threads wait on: rung when a row is queued."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._rings = 0

    def ring(self) -> None:
        with self._cond:
            self._rings += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Wait until rung after `seen` rings, or `timeout` seconds; return the rings so far."""
        with self._cond:
            self._cond.wait_for(lambda: self._rings != seen, timeout)
            return self._rings


class Listener:
    """LISTENs on PostgreSQL for queued rows on a connection of its own, ringing the doorbell."""

    def __init__(self, engine: Engine, wakeup: Wakeup, stop: threading.Event) -> None:
        self.conninfo = make_url(engine.url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.wakeup, self.stop = wakeup, stop

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=3) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.wakeup.ring()  # rows queued while we were not listening
                    while not self.stop.is_set():
                        for _ in conn.notifies(timeout=1.0, stop_after=1):
                            self.wakeup.ring()
            except psycopg.Error as exc:
                log.warning("outbox listener lost PostgreSQL (%s); polling until it is back", exc)
                self.stop.wait(ERROR_PAUSE)


class Pump:
    """`[outbox] senders` threads draining the outbox while `active()` says this process may send."""

    def __init__(self, deps: Deps, active: Callable[[], bool], sender: Sender | None = None) -> None:
        self.deps, self.active = deps, active
        self.sender = sender or Sender(deps)
        self.wakeup = Wakeup()
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []
        self.sent = 0
        self._count = threading.Lock()

    def start(self) -> None:
        """Start the sending threads (and the PostgreSQL listener)."""
        for i in range(self.deps.settings.outbox.senders):
            self.threads.append(threading.Thread(target=self._run, name=f"outbox-{i + 1}", daemon=True))
        if self.deps.engine.url.get_backend_name() == "postgresql":
            listener = Listener(self.deps.engine, self.wakeup, self.stop_event)
            self.threads.append(threading.Thread(target=listener.run, name="outbox-listener", daemon=True))
        for thread in self.threads:
            thread.start()

    def _run(self) -> None:
        poll = self.deps.settings.outbox.poll_seconds
        seen = 0
        while not self.stop_event.is_set():
            try:
                sent = self.sender.drain(lambda: self.active() and not self.stop_event.is_set())
            except Exception:  # the database away, say: log it, wait a little, go on
                log.exception("outbox sending failed; trying again shortly")
                self.stop_event.wait(ERROR_PAUSE)
                continue
            if sent:
                with self._count:
                    self.sent += sent
                log.info("outbox: %d sent", sent)
            seen = self.wakeup.wait(seen, poll)

    def stop(self, timeout: float = 20.0) -> None:
        """Stop claiming rows; wait for the rows in hand (up to `timeout` seconds) and close."""
        self.stop_event.set()
        self.wakeup.ring()
        for thread in self.threads:
            thread.join(timeout)
        self.sender.close()
