"""`contactbot jobs run [--at DATETIME]`: run every scheduled job once at a moment — what a scheduler would
do then (crisis escalations, reminders, digests, confirmations, concern deadlines, evidence, the monthly
report, retention) — and send what is due from the outbox. For operators, tests and the demo.

Example: `contactbot jobs run --at 2026-11-25T12:10` -> "crisis 1" once #1 has waited 10 minutes unacknowledged.
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.main import _require_schema, parse_moment
from bot.config import Settings


def add_commands(sub: Any) -> None:
    jobs = sub.add_parser("jobs", help="the scheduled jobs").add_subparsers(dest="jobs_command", metavar="ACTION")
    jobs.required = True
    run = jobs.add_parser("run", help="run every job that is due now (or at --at) once, then send the outbox")
    run.add_argument("--at", help="the moment to run at (YYYY-MM-DD[THH:MM], school time; default now)")
    run.set_defaults(fn=cmd_jobs_run)


def cmd_jobs_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps, fixed_clock, system_clock
    from jobs.scheduler import run_due_jobs

    at = parse_moment(args.at, settings) if args.at else None
    deps = Deps.build(settings, clock=fixed_clock(at) if at else system_clock)
    try:
        _require_schema(deps)
        done = run_due_jobs(deps)
    finally:
        deps.close()
    moment = deps.clock().astimezone(settings.tz)
    print(f"已按 {moment:%Y-%m-%d %H:%M} 运行到期任务：")
    for job_id, count in done.items():
        print(f"{job_id} {count}")
    return 0
