"""The scheduler: explicit job ids, one active process through the lease, two schedulers started
together sending nothing twice, and a standby taking over — no sleeping, jobs triggered by hand."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import redis
from apscheduler.schedulers.background import BackgroundScheduler

from bot.chat.context import Deps
from bot.config import ConfigError, load_settings
from jobs.lease import Lease, LeaseKeeper, database_lock
from jobs.scheduler import Scheduler, build_scheduler, leader_only, make_keeper, register
from tests.rules.conftest import World, outbox_rows


def test_register_adds_explicit_ids(deps: Deps) -> None:
    scheduler = BackgroundScheduler(timezone=deps.settings.tz)
    register(scheduler, deps, lambda: True)
    expected = {"crisis", "reminders", "digest", "confirmations", "concern-deadlines", "evidence", "report", "purge"}
    assert {job.id for job in scheduler.get_jobs()} == expected


@pytest.fixture
def two(world: World) -> Iterator[list[Scheduler]]:
    yield from paused_pair(world.deps)


def paused_pair(deps: Deps) -> Iterator[list[Scheduler]]:
    """Two scheduler processes' worth, their jobs paused (triggered by the test), each lease renewed once."""
    pair = [build_scheduler(deps, BackgroundScheduler) for _ in range(2)]
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


def dead_redis() -> redis.Redis:
    """A Redis that is away (nothing listens on port 1)."""
    return redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, decode_responses=True)


def test_with_redis_away_the_database_lock_alone_decides(deps: Deps) -> None:
    first, second = (LeaseKeeper(Lease(dead_redis(), deps.key("scheduler", "lease"), 15), database_lock(deps.engine), 15)
                     for _ in range(2))
    try:
        assert first.renew() and first.held()
        assert not second.renew() and not second.held()  # no two schedulers act, even without Redis
        first.stop()
        assert second.renew() and second.held()  # and a standby takes over
    finally:
        first.stop()
        second.stop()


def test_jobs_never_see_the_holder_lose_its_own_lease(deps: Deps) -> None:
    keeper = make_keeper(deps)
    assert keeper.renew()
    seen: list[bool] = []
    renewing = threading.Thread(target=lambda: [keeper.renew() for _ in range(200)])
    renewing.start()
    while renewing.is_alive():
        seen.append(keeper.held())
    keeper.stop()
    assert seen and all(seen) and not keeper.held()
    ran = leader_only(lambda d: 1, keeper.held)(deps)
    assert ran == 0  # a stopped keeper's jobs do nothing


def test_the_lease_is_short(deps: Deps) -> None:
    assert deps.settings.scheduler.lease_seconds == 15
    with pytest.raises(ConfigError, match="lease_seconds"):
        load_settings(env={"CONTACTBOT_SCHEDULER_LEASE_SECONDS": "60"})
