"""The scheduler: explicit job ids, one active process through the Redis lease, two schedulers started
together sending nothing twice, and a standby taking over — no sleeping, jobs triggered by hand."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler

from bot.context import Deps
from jobs.lease import Lease
from jobs.scheduler import build_scheduler, make_lease, register
from tests.rules.conftest import World, outbox_rows


def test_register_adds_explicit_ids(deps: Deps) -> None:
    scheduler = BackgroundScheduler(timezone=deps.settings.tz)
    register(scheduler, deps, make_lease(deps))
    expected = {"lease", "reminders", "digest", "confirmations", "concern-deadlines", "evidence", "outbox", "purge"}
    assert {job.id for job in scheduler.get_jobs()} == expected
    plain = BackgroundScheduler(timezone=deps.settings.tz)
    register(plain, deps)
    assert "lease" not in {job.id for job in plain.get_jobs()}


@pytest.fixture
def two(world: World) -> Iterator[list[tuple[BaseScheduler, Lease]]]:
    """Two scheduler processes' worth, started (paused: jobs are triggered by the test)."""
    pair = [build_scheduler(world.deps, BackgroundScheduler) for _ in range(2)]
    for scheduler, _ in pair:
        scheduler.start(paused=True)
    yield pair
    for scheduler, _ in pair:
        scheduler.shutdown(wait=False)


def run_together(pair: list[tuple[BaseScheduler, Lease]], job_id: str) -> list[int]:
    """Run one job of both schedulers at the same moment, in two threads."""
    barrier = threading.Barrier(2)
    results: list[int] = [0, 0]

    def run(i: int) -> None:
        job = pair[i][0].get_job(job_id)
        assert job is not None
        barrier.wait()
        results[i] = job.func(*job.args)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_schedulers_started_together_send_nothing_twice(world: World,
                                                            two: list[tuple[BaseScheduler, Lease]]) -> None:
    world.at("2026-11-26T17:00")
    counts = run_together(two, "reminders")
    assert sorted(counts) == [0, 4]  # 赵建国, 钱振华, 石志刚 weekly, 孙立新 monthly — by one scheduler only
    assert [lease.held for _, lease in two].count(True) == 1
    world.at("2026-11-30T08:30")
    assert sum(run_together(two, "digest")) == 5
    rows = outbox_rows(world.deps)
    keys = [(to, purpose, str(payload.get("content"))) for to, purpose, payload in rows]
    assert len(keys) == len(set(keys))
    assert len([r for r in rows if r[1] == "digest"]) == 5


def test_standby_takes_over_when_the_lease_lapses(world: World, two: list[tuple[BaseScheduler, Lease]]) -> None:
    (_, first), (_, second) = two
    assert first.acquire() and not second.acquire()
    assert first.acquire()  # renewing its own
    world.deps.redis.delete(first.key)  # what expiry does when the holder stops renewing
    assert second.acquire() and not first.acquire()
    second.release()
    assert first.acquire()
