"""The scheduler: APScheduler 3.11 in its own process (`contactbot scheduler`; the demo runs it in-process),
an in-memory job store, explicit job ids, and one active scheduler across processes through the lease
(jobs/lease.py, renewed by its own thread). Every job is an idempotent `fn(deps) -> int` over our own
tables, run once at start and then on an interval, so whatever was missed during downtime is caught up
from the tables (not from APScheduler's misfire handling). The outbox is not a periodic job: its pump
(jobs/outbox_pump.py) sends while rows are due and is woken when one is queued.

Jobs: `crisis` (unacknowledged crisis alerts escalate in minutes), `reminders`, `digest`, `confirmations`,
`concern-deadlines`, `evidence`, `report` (the monthly
progress report, N21) and `purge` (retention, daily at 03:00); plus the lease keeper and the outbox pump.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.chat.context import Deps
from jobs.concern_deadlines import chase_concern_deadlines
from jobs.confirmations import mark_unconfirmed_records
from jobs.crisis_alerts import escalate_crisis_alerts
from jobs.digest import send_weekly_digest
from jobs.evidence import fetch_evidence
from jobs.lease import Lease, LeaseKeeper, database_lock
from jobs.outbox import flush_outbox
from jobs.outbox_pump import Pump
from jobs.purge import purge_expired
from jobs.reminders import send_due_reminders
from jobs.report import send_reports

log = logging.getLogger(__name__)

Job = Callable[[Deps], int]


def leader_only(fn: Job, held: Callable[[], bool]) -> Job:
    """Wrap a job so it runs only in the process holding the lease (a local check: no race, no I/O)."""

    @wraps(fn)
    def run(deps: Deps) -> int:
        if not held():
            return 0
        count = fn(deps)
        if count:
            log.info("job %s handled %d", fn.__name__, count)
        return count

    return run


def make_keeper(deps: Deps) -> LeaseKeeper:
    """The lease every scheduler process of this deployment competes for, with its one renewer."""
    ttl = deps.settings.scheduler.lease_seconds
    return LeaseKeeper(Lease(deps.redis, deps.key("scheduler", "lease"), ttl), database_lock(deps.engine), ttl)


def periodic_jobs(deps: Deps) -> list[tuple[str, Job, BaseTrigger]]:
    """Return the periodic jobs with their ids and triggers, in the order they run."""
    s = deps.settings.scheduler
    every = IntervalTrigger
    return [
        ("crisis", escalate_crisis_alerts, every(seconds=s.crisis_seconds)),
        ("reminders", send_due_reminders, every(minutes=s.reminders_minutes)),
        ("digest", send_weekly_digest, every(minutes=s.digest_minutes)),
        ("confirmations", mark_unconfirmed_records, every(minutes=s.confirmations_minutes)),
        ("concern-deadlines", chase_concern_deadlines, every(minutes=s.concern_deadlines_minutes)),
        ("evidence", fetch_evidence, every(minutes=s.evidence_minutes)),
        ("report", send_reports, every(minutes=s.report_minutes)),
        ("purge", purge_expired, CronTrigger(hour=3, timezone=deps.settings.tz)),
    ]


def register(scheduler: BaseScheduler, deps: Deps, held: Callable[[], bool] | None = None) -> None:
    """Add the periodic jobs with explicit ids; with `held`, only the lease holder runs them."""
    start = deps.clock()  # run each job once at start: catch up whatever was missed
    guard: Callable[[Job], Job] = (lambda fn: leader_only(fn, held)) if held else (lambda fn: fn)
    for job_id, fn, trigger in periodic_jobs(deps):
        scheduler.add_job(guard(fn), trigger, args=[deps], id=job_id, replace_existing=True, coalesce=True,
                          max_instances=1, next_run_time=start)


def run_due_jobs(deps: Deps) -> dict[str, int]:
    """Do once what a scheduler starting at `deps.clock()` does first (`contactbot jobs run`): every job, in
    order — each is idempotent and takes only what is due from our tables — then send the outbox's due
    rows. Return what each handled, by job id ("outbox": rows sent)."""
    done = {job_id: fn(deps) for job_id, fn, _ in periodic_jobs(deps)}
    done["outbox"] = flush_outbox(deps)
    return done


@dataclass
class Scheduler:
    """One scheduler process's parts: the periodic jobs, the lease keeper and the outbox pump."""

    jobs: BaseScheduler
    keeper: LeaseKeeper
    pump: Pump

    def start(self, paused: bool = False) -> None:
        """Take (or wait for) the lease, start the pump, then the jobs (blocking for a BlockingScheduler)."""
        self.keeper.start()
        self.pump.start()
        self.jobs.start(paused=paused)

    def stop(self) -> None:
        """Stop the jobs and the pump (the rows in hand finish), then give the lease up."""
        if self.jobs.running:
            self.jobs.shutdown(wait=False)
        self.pump.stop()
        self.keeper.stop()


def build_scheduler(deps: Deps, cls: type[BaseScheduler] = BlockingScheduler) -> Scheduler:
    """Make a scheduler (in-memory job store, a small thread pool) with its lease keeper and outbox pump."""
    jobs = cls(timezone=deps.settings.tz, executors={"default": ThreadPoolExecutor(4)},
               job_defaults={"misfire_grace_time": 300})
    keeper = make_keeper(deps)
    register(jobs, deps, keeper.held)
    return Scheduler(jobs, keeper, Pump(deps, keeper.held))


def start_background_scheduler(deps: Deps) -> Scheduler:
    """Start the jobs and the outbox pump in background threads of this process (the demo)."""
    scheduler = build_scheduler(deps, BackgroundScheduler)
    scheduler.start()
    return scheduler


def run_scheduler(deps: Deps) -> int:
    """Run the scheduler in the foreground until SIGTERM or Ctrl+C (`contactbot scheduler`)."""
    if not deps.settings.redis.url:
        log.warning("未配置 Redis：调度器的互斥锁仅在本机有效，请只在一台机器上运行 contactbot scheduler")
    scheduler = build_scheduler(deps, BlockingScheduler)

    def stop(signum: int, frame: FrameType | None) -> None:
        if scheduler.jobs.running:  # a second SIGTERM while shutting down changes nothing
            scheduler.jobs.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    log.info("scheduler %s started (standby until it holds the lease)", scheduler.keeper.holder)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        scheduler.stop()
    return 0
