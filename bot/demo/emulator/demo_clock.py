"""The demo's clock, which the emulator's ⏩ button moves on: the whole demo (messages, jobs, the outbox)
reads it, so an unacknowledged crisis alert escalates after `[crisis] ack_minutes` without waiting them out.
Moving it runs what the scheduler would run at the new moment (`run_due_jobs`), at once.

Example: POST /emulator/api/advance {"minutes": 10} → {"now": "2026-12-06 23:10", "done": {"crisis": 1, …}}.
Outside the demo (no clock installed in `app.extensions["demo_clock"]`) the endpoint is 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Response, abort, current_app, jsonify, request

from bot.chat.context import Deps, system_clock
from bot.demo.emulator.blueprint import emulator_bp
from jobs.scheduler import run_due_jobs

MAX_MINUTES = 24 * 60


@dataclass
class ShiftedClock:
    """The system clock, moved on by whatever the demo skipped."""

    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return system_clock() + self.offset


@emulator_bp.post("/api/advance")
def advance() -> Response:
    """Move the demo's clock on by some minutes and run the jobs due then; return the new time and counts."""
    clock: ShiftedClock | None = current_app.extensions.get("demo_clock")
    if clock is None:
        abort(404)
    body = request.get_json(silent=True) or {}
    minutes = body.get("minutes")
    if not isinstance(minutes, int) or not 0 < minutes <= MAX_MINUTES:
        abort(400, f"minutes 应为 1–{MAX_MINUTES} 的整数")
    clock.offset += timedelta(minutes=minutes)
    deps: Deps = current_app.extensions["bot"]
    done = run_due_jobs(deps)
    return jsonify(now=f"{clock().astimezone(deps.settings.tz):%Y-%m-%d %H:%M}", done=done)
