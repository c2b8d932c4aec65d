"""The roster's version per school, in Redis: bumped after every commit that changed people, roles or
links, wherever it came from (roster import, `links apply`, the console), so each process rebuilds its
name index (bot/chat/understanding.py) on its next message instead of matching against stale links.

While Redis is away the version is unknown (None): the sender cache is skipped, the name index is
rebuilt once a minute (`provisional_version`), and a bump that could not be made is made when Redis is back.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from itertools import chain
from typing import Any, Protocol

import redis
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import Link, Person
from bot.store.redis_health import REDIS_DOWN, RedisHealth

VERSION_TTL = 30 * 86400
CHANGED = "roster_changed"  # session.info key: the school ids whose roster this transaction touched


class RosterDeps(Protocol):
    """What the roster version needs of the long-lived dependencies: `bot.chat.context.Deps` is one, and watches with it."""

    sessions: sessionmaker[Session]

    @property
    def redis(self) -> redis.Redis: ...

    @property
    def redis_health(self) -> RedisHealth | None: ...

    def key(self, purpose: str, *parts: object) -> str: ...


def roster_version(deps: RosterDeps, school_id: int) -> str | None:
    """Return the current roster version of a school ("0" when never bumped or expired; None while Redis is away)."""
    try:
        return as_version(deps.redis.get(version_key(deps, school_id)))
    except REDIS_DOWN:
        return None


def provisional_version() -> str:
    """A version for caches while Redis is away: a new one every minute, so roster changes show within one."""
    return f"no-redis:{int(time.monotonic() // 60)}"


def version_key(deps: RosterDeps, school_id: int) -> str:
    return deps.key("roster-version", school_id)


def as_version(raw: object) -> str:
    return str(raw or "0")


def watch_roster_changes(deps: RosterDeps) -> None:
    """Bump a school's roster version after each commit that changed its people or links (once per sessionmaker)."""
    sessions: Any = deps.sessions
    if getattr(sessions, "_roster_watched", False):
        return
    sessions._roster_watched = True

    def note(session: Session, _flush_context: object) -> None:
        # Still the pre-flush state here; a change of roles makes the person dirty too.
        for obj in chain(session.new, session.dirty, session.deleted):
            if isinstance(obj, (Person, Link)):
                session.info.setdefault(CHANGED, set()).add(obj.school_id)

    def bump(session: Session) -> None:
        changed = session.info.pop(CHANGED, ())
        if changed:
            bump_versions(deps, changed)

    def forget(session: Session) -> None:
        session.info.pop(CHANGED, None)

    event.listen(sessions, "after_flush", note)
    event.listen(sessions, "after_commit", bump)
    event.listen(sessions, "after_rollback", forget)


def bump_versions(deps: RosterDeps, school_ids: Iterable[int]) -> None:
    """Bump the schools' roster versions now, or as soon as Redis is back."""
    ids = sorted(set(school_ids))
    pipe = deps.redis.pipeline(transaction=False)
    for school_id in ids:
        k = version_key(deps, school_id)
        pipe.incr(k)
        pipe.expire(k, VERSION_TTL)
    try:
        pipe.execute()
    except REDIS_DOWN:
        health = deps.redis_health
        if health is not None:
            health.after_recovery(lambda: bump_versions(deps, ids))
