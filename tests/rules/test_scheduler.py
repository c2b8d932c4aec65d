"""The scheduler: explicit job ids, one active process through the lease, two schedulers started
together sending nothing twice, and a standby taking over — no sleeping, jobs triggered by hand."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from bot.context import Deps
from jobs.scheduler import Scheduler, build_scheduler, register
from tests.rules.conftest import World, outbox_rows


def test_register_adds_explicit_ids(deps: Deps) -> None:
    scheduler = BackgroundScheduler(timezone=deps.settings.tz)
    register(scheduler, deps, lambda: True)
    expected = {"reminders", "digest", "confirmations", "concern-deadlines", "evidence"}
    assert {job.id for job in scheduler.get_jobs()} == expected


@pytest.fixture
def two(world: World) -> Iterator[list[Scheduler]]:
    """Two scheduler processes' worth, their jobs paused (triggered by the test), each lease renewed once."""
    pair = [build_scheduler(world.deps, BackgroundScheduler) for _ in range(2)]
    for scheduler in pair:
        scheduler.jobs.start(paused=True)
        scheduler.keeper.renew()
    yield pair
    for scheduler in pair:
        scheduler.jobs.shutdown(wait=False)
        scheduler.keeper.stop()


def run_together(pair: list[Scheduler], job_id: str) -> list[int]:
    """Run one job of both schedulers at the same moment, in two threads."""
    barrier = threading.Barrier(2)
    results: list[int] = [0, 0]

    def run(i: int) -> None:
        job = pair[i].jobs.get_job(job_id)
        assert job is not None
        barrier.wait()
        results[i] = job.func(*job.args)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_schedulers_started_together_send_nothing_twice(world: World, two: list[Scheduler]) -> None:
    world.at("2026-11-26T17:00")
    counts = run_together(two, "reminders")
    assert sorted(counts) == [0, 4]  # 赵建国, 钱振华, 石志刚 weekly, 孙立新 monthly — by one scheduler only
    assert [s.keeper.held() for s in two].count(True) == 1
    world.at("2026-11-30T08:30")
    assert sum(run_together(two, "digest")) == 5
    rows = outbox_rows(world.deps)
    keys = [(to, purpose, str(payload.get("content"))) for to, purpose, payload in rows]
    assert len(keys) == len(set(keys))
    assert len([r for r in rows if r[1] == "digest"]) == 5


def test_standby_takes_over_when_the_holder_dies(world: World, two: list[Scheduler]) -> None:
    first, second = (s.keeper for s in two)
    assert first.held() and not second.held()
    assert first.renew() and first.held()  # renewing its own
    assert not second.renew()
    first.lock.free()  # the holder dies: the database frees its lock …
    world.deps.redis.delete(first.lease.key)  # … and its Redis lease expires
    assert second.renew() and second.held()
    assert not first.renew() and not first.held()
    second.stop()  # a clean stop gives both up at once
    assert first.renew()
