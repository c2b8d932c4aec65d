"""What a handler may touch: `Context` for one message, built from the long-lived `Deps`.

Handlers read and write through `ctx.db` (a session the dispatcher owns), `ctx.state`,
`ctx.outbox`, `ctx.now` and `ctx.sender`; they never open sessions, read the clock or call the network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

import redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.chat.messages import Incoming
from bot.chat.outbox import Outbox
from bot.chat.state import ConversationState
from bot.config import Settings, school_settings
from bot.store.crypto import Keyring, install_keyring
from bot.store.db import make_engine, make_sessions
from bot.store.kv import key, make_redis
from bot.store.models import Person, School
from bot.store.redis_health import GuardedRedis, RedisHealth
from bot.store.roster_version import watch_roster_changes

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Return the current UTC time (the one place the real clock is read)."""
    return datetime.now(timezone.utc)


def fixed_clock(moment: datetime) -> Clock:
    """Return a clock stopped at one moment (`contactbot say --at`, tests)."""
    return lambda: moment


@dataclass
class Deps:
    """Long-lived dependencies, built once at start-up and shared by every request and job."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = system_clock
    caches: dict[str, Any] = field(default_factory=dict)
    _redis: redis.Redis | None = None
    on_urgent: Callable[[], None] | None = None  # flush the outbox now (set by the app that serves requests)
    keyring: Keyring = field(init=False)  # from [encryption]: seals students' words and anonymous senders

    def __post_init__(self) -> None:
        self.keyring = Keyring.from_settings(self.settings)  # a malformed key stops start-up here
        install_keyring(self.engine, self.keyring)  # the sealed columns find it on the engine
        watch_roster_changes(self)  # roster and link changes invalidate every process's name index

    @classmethod
    def build(cls, settings: Settings, clock: Clock = system_clock, r: redis.Redis | None = None) -> Deps:
        engine = make_engine(settings.database_url, echo=settings.database.echo)
        return cls(settings=settings, engine=engine, sessions=make_sessions(engine), clock=clock, _redis=r)

    @property
    def redis(self) -> redis.Redis:
        """The Redis connection, made on first use (commands that need none never connect)."""
        if self._redis is None:
            self._redis = make_redis(self.settings)
        return self._redis

    @property
    def redis_health(self) -> RedisHealth | None:
        """Whether Redis answers (None for a client that cannot go away: fakeredis, or a test's own)."""
        r = self.redis
        return r.health if isinstance(r, GuardedRedis) else None

    def key(self, purpose: str, *parts: object) -> str:
        return key(self.settings, purpose, *parts)

    def close(self) -> None:
        """Release database connections and the Redis connection."""
        self.engine.dispose()
        if self._redis is not None:
            self._redis.close()

    def today(self, at: datetime | None = None) -> date:
        """Return the school's local date at a UTC moment (now by default)."""
        return (at or self.clock()).astimezone(self.settings.tz).date()


@dataclass
class Context:
    """Everything one handler call may use."""

    db: Session
    deps: Deps
    school: School
    sender: Person
    now: datetime  # UTC
    state: ConversationState
    outbox: Outbox
    channel: str = "console"
    roster_version: str | None = None  # as read with the state at the start of the message (None: read on use)
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, msg: Incoming, db: Session, deps: Deps, school: School, sender: Person, now: datetime,
              state: ConversationState | None = None, roster_version: str | None = None) -> Context:
        return cls(db=db, deps=deps, school=school, sender=sender, now=now,
                   state=state or conversation_state(deps, msg, school), roster_version=roster_version,
                   outbox=Outbox(db, school, now, default_channel=msg.channel), channel=msg.channel)

    @property
    def settings(self) -> Settings:
        """The settings of the sender's school: its own rules and calendar when it has them (N4, N10)."""
        return school_settings(self.deps.settings, self.school.code)

    @property
    def today(self) -> date:
        """The sender's local date (the school's timezone)."""
        return self.now.astimezone(self.settings.tz).date()

    @property
    def roles(self) -> frozenset[str]:
        return self.sender.roles


def conversation_state(deps: Deps, msg: Incoming, school: School) -> ConversationState:
    """The dialogue state of a message's sender (on this channel, in this school)."""
    ttl = deps.settings.contacts.dialog_ttl_minutes * 60
    return ConversationState(deps.redis, deps.key("state", msg.channel, school.code, msg.sender), ttl)
