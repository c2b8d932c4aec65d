"""/healthz: which backends answer, for a load balancer, a monitor and an admin.

Each check returns its own fields under its own name; a check that reports `"up": False` makes the
status "degraded", or "down" (HTTP 503) when the bot cannot work without it. Another part of the bot
adds a field by adding a `Check` to `CHECKS` (e.g. the outbox's lag).

Example: GET /healthz while Redis is stopped → 200
{"status": "degraded", "database": {"up": true, "ms": 0.9}, "redis": {"up": false, "down_seconds": 31.2, "skipped": 412}}
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from sqlalchemy import text

from bot.chat.context import Deps
from bot.store.outbox_status import outbox_lag
from bot.store.redis_health import REDIS_DOWN


@dataclass(frozen=True)
class Check:
    """One entry of /healthz."""

    name: str
    run: Callable[[Deps], dict[str, object]]  # its fields; "up": False when the backend does not answer
    required: bool = False  # down → the bot cannot work (503); otherwise it is only degraded


def database(deps: Deps) -> dict[str, object]:
    """The database answers a trivial query."""
    started = time.perf_counter()
    with deps.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"up": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def redis_state(deps: Deps) -> dict[str, object]:
    """Redis answers (while it does not, the bot runs without it: see bot/store/redis_health.py)."""
    health = deps.redis_health
    if health is not None:
        return health.status()
    try:
        deps.redis.ping()
        up = True
    except REDIS_DOWN:
        up = False
    return {"up": up, "in_process": not deps.settings.redis.url}


def outbox(deps: Deps) -> dict[str, object]:
    """The outbox's queue and lag (queued, due, failed, lag, undelivered crisis alerts)."""
    with deps.sessions() as db:
        return asdict(outbox_lag(db, deps.clock()))


CHECKS: tuple[Check, ...] = (
    Check("database", database, required=True),
    Check("redis", redis_state),
    Check("outbox", outbox),
)


def health(deps: Deps, checks: tuple[Check, ...] = CHECKS) -> tuple[dict[str, object], int]:
    """Run every check; return the report and its HTTP status."""
    report: dict[str, object] = {}
    status, code = "ok", 200
    for check in checks:
        try:
            fields = check.run(deps)
        except Exception as exc:  # a check that cannot run says why, in a word (never a URL or a password)
            fields = {"up": False, "error": exc.__class__.__name__}
        report[check.name] = fields
        if fields.get("up") is False:
            if check.required:
                status, code = "down", 503
            elif status == "ok":
                status = "degraded"
    return {"status": status, **report}, code
