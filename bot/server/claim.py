"""The Redis half of exactly-once: a message id is claimed while one delivery handles it, then remembered.

Key `<prefix>:inbound:<school>:<msgid>` (Official Account: `<school>:official:<msgid>`) holds
- "pending:<token>" while a delivery handles the message, for `LEASE_SECONDS`: a delivery that dies with
  its worker (kill -9) frees the message when the lease runs out, and WeCom's next re-send takes it;
- "done" once the message is committed (or found already handled), for `[wecom] dedupe_ttl_seconds`.

Redis only makes this fast. When it is away or has forgotten, `take` says TAKEN and the database's unique
key on the message id decides; a second handling of the same message rolls back.

Example: WeCom re-sends message 7100000042 while the first delivery is still in the dispatcher: the
re-send finds "pending:…", waits, sees "done" and answers what the first delivery answered.
"""

from __future__ import annotations

import secrets
from contextlib import suppress
from dataclasses import dataclass, field
from enum import Enum

import redis

from bot.chat.context import Deps
from bot.chat.messages import Incoming
from bot.store.redis_health import REDIS_DOWN

# WeCom re-sends an unanswered callback about every 5 s, three times. A lease a little longer than one
# reply budget lets the first re-send after a dead delivery (about 5 s later) take the message over,
# while a live delivery normally finishes well within it (and a slower one is still safe: the
# database's unique key makes the second handling roll back).
LEASE_SECONDS = 6
DONE = "done"


class Taken(Enum):
    """What `Claim.take` found."""

    TAKEN = "taken"  # ours to handle (or Redis cannot tell: the database decides)
    HELD = "held"  # another delivery is handling it now
    DONE = "done"  # handled already: answer what was answered


@dataclass
class Claim:
    """One message id's claim in Redis."""

    redis: redis.Redis
    key: str | None  # None: the message has no id to de-duplicate on
    ttl: int
    token: str = field(default_factory=lambda: secrets.token_hex(8))

    @classmethod
    def for_message(cls, deps: Deps, msg: Incoming) -> Claim:
        school = msg.school or deps.settings.app.school
        parts = [school, msg.msg_id] if msg.channel == "wecom" else [school, msg.channel, msg.msg_id]
        key = deps.key("inbound", *parts) if msg.msg_id else None
        return cls(deps.redis, key, deps.settings.wecom.dedupe_ttl_seconds)

    def take(self) -> Taken:
        """Claim the message for this delivery, unless another delivery has it or had it."""
        if self.key is None:
            return Taken.TAKEN
        try:
            if self.redis.set(self.key, f"pending:{self.token}", nx=True, ex=LEASE_SECONDS):
                return Taken.TAKEN
            value = self.redis.get(self.key)
        except REDIS_DOWN:
            return Taken.TAKEN
        if value == DONE:
            return Taken.DONE
        if value == f"pending:{self.token}":  # ours after all (a reply to our SET got lost)
            return Taken.TAKEN
        return Taken.HELD  # pending elsewhere; or just expired, and the next attempt takes it

    def done(self) -> None:
        """Remember the message as handled, for the de-duplication TTL."""
        if self.key is None:
            return
        with suppress(*REDIS_DOWN):  # the database remembers it
            self.redis.set(self.key, DONE, ex=self.ttl)

    def release(self) -> None:
        """Give the message back so the platform's re-send is handled afresh."""
        if self.key is None:
            return
        with suppress(*REDIS_DOWN):  # the lease runs out by itself
            self.redis.delete(self.key)
