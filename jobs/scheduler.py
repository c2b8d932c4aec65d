"""The scheduler: APScheduler 3.11 in its own process (`contactbot scheduler`; the demo runs it in-process),
an in-memory job store, explicit job ids, and one active scheduler across processes through a Redis
lease (jobs/lease.py). Every job is an idempotent `fn(deps) -> int` over our own tables, run once at
start and then on an interval, so whatever was missed during downtime is caught up from the tables
(not from APScheduler's misfire handling).

Jobs: `lease` (renew or take over), `reminders`, `digest`, `confirmations`, `concern-deadlines`,
`evidence`, `purge` (retention, daily at 03:00) and `outbox`.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from functools import partial, wraps
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.context import Deps
from jobs.concern_deadlines import chase_concern_deadlines
from jobs.confirmations import mark_unconfirmed_records
from jobs.digest import send_weekly_digest
from jobs.evidence import fetch_evidence
from jobs.lease import Lease
from jobs.outbox import flush_outbox
from jobs.purge import purge_expired
from jobs.reminders import send_due_reminders

log = logging.getLogger(__name__)

Job = Callable[[Deps], int]
OUTBOX_SECONDS = 20


def leader_only(fn: Job, lease: Lease) -> Job:
    """Wrap a job so it runs only in the process holding the lease (renewing it first)."""

    @wraps(fn)
    def run(deps: Deps) -> int:
        if not lease.acquire():
            return 0
        count = fn(deps)
        if count:
            log.info("job %s handled %d", fn.__name__, count)
        return count

    return run


def make_lease(deps: Deps) -> Lease:
    """The lease every scheduler process of this deployment competes for."""
    return Lease(deps.redis, deps.key("scheduler", "lease"), deps.settings.scheduler.lease_seconds)


def register(scheduler: BaseScheduler, deps: Deps, lease: Lease | None = None,
             outbox_seconds: int = OUTBOX_SECONDS) -> None:
    """Add the jobs with explicit ids; with a lease, only the lease holder runs them."""
    s = deps.settings.scheduler
    start = deps.clock()  # run each job once at start: catch up whatever was missed
    guard: Callable[[Job], Job] = (lambda fn: leader_only(fn, lease)) if lease else (lambda fn: fn)
    add = partial(scheduler.add_job, args=[deps], replace_existing=True, coalesce=True, max_instances=1,
                  next_run_time=start)
    if lease is not None:
        scheduler.add_job(lease.acquire, "interval", seconds=max(1, s.lease_seconds // 3), id="lease",
                          replace_existing=True, coalesce=True, max_instances=1, next_run_time=start)
    add(guard(send_due_reminders), "interval", minutes=s.reminders_minutes, id="reminders")
    add(guard(send_weekly_digest), "interval", minutes=s.digest_minutes, id="digest")
    add(guard(mark_unconfirmed_records), "interval", minutes=s.confirmations_minutes, id="confirmations")
    add(guard(chase_concern_deadlines), "interval", minutes=s.concern_deadlines_minutes, id="concern-deadlines")
    add(guard(fetch_evidence), "interval", minutes=s.evidence_minutes, id="evidence")
    add(guard(flush_outbox), "interval", seconds=outbox_seconds, id="outbox")
    add(guard(purge_expired), CronTrigger(hour=3, timezone=deps.settings.tz), id="purge")


def build_scheduler(deps: Deps, cls: type[BaseScheduler] = BlockingScheduler,
                    outbox_seconds: int = OUTBOX_SECONDS) -> tuple[BaseScheduler, Lease]:
    """Make a scheduler (in-memory job store, a small thread pool) with the jobs and its lease."""
    scheduler = cls(timezone=deps.settings.tz, executors={"default": ThreadPoolExecutor(4)},
                    job_defaults={"misfire_grace_time": 300})
    lease = make_lease(deps)
    register(scheduler, deps, lease, outbox_seconds)
    return scheduler, lease


def start_background_scheduler(deps: Deps, outbox_seconds: int = OUTBOX_SECONDS) -> BackgroundScheduler:
    """Start the jobs in a background thread of this process (the demo, which flushes every few seconds)."""
    scheduler, _ = build_scheduler(deps, BackgroundScheduler, outbox_seconds)
    assert isinstance(scheduler, BackgroundScheduler)
    scheduler.start()
    return scheduler


def run_scheduler(deps: Deps) -> int:
    """Run the scheduler in the foreground until SIGTERM or Ctrl+C (`contactbot scheduler`)."""
    if not deps.settings.redis.url:
        log.warning("未配置 Redis：调度器的互斥锁仅在本进程内有效，请只运行一个 contactbot scheduler")
    scheduler, lease = build_scheduler(deps, BlockingScheduler)

    def stop(signum: int, frame: FrameType | None) -> None:
        if scheduler.running:  # a second SIGTERM while shutting down changes nothing
            scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    log.info("scheduler %s started (standby until it holds the lease)", lease.holder)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        lease.release()
    return 0
