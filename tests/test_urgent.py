"""Urgent sends: a crisis alert triggers an outbox flush right after the commit; other messages do not."""

from __future__ import annotations

import threading

from bot.chat.context import Deps
from jobs.urgent import UrgentFlusher
from tests.sim import Simulator


def test_crisis_asks_for_an_immediate_flush_after_commit(roster_deps: Deps) -> None:
    calls: list[int] = []
    roster_deps.on_urgent = lambda: calls.append(1)
    student = Simulator(roster_deps, "caorui01").at("2026-11-25T23:30")
    student.say("宿舍热水器坏了 报修没人管")
    assert calls == []
    reply = student.say("真的不想活了 什么都做不好")
    assert "12356" in reply and calls == [1]


def test_flusher_runs_the_flush_in_its_thread(roster_deps: Deps) -> None:
    done = threading.Event()
    seen: list[str] = []

    def flush(deps: Deps) -> int:
        seen.append(threading.current_thread().name)
        done.set()
        return 1

    flusher = UrgentFlusher(roster_deps, flush)
    flusher()
    assert done.wait(5)
    assert seen == ["urgent-outbox"]
