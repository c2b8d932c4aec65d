"""Conversation state: the step a person is in (a question awaiting "1"/"2"), kept in Redis with a TTL.

Example: after "约谈王老师" the bot asks "是哪位老师？1. 王丽 2. 王建军" and stores
{"step": "choose_counterpart", ...}; the next message "1" completes the record.

While Redis is away nothing is pending and nothing set is kept (`unavailable`): the dispatcher then
asks for a message it cannot place to be sent again in full, rather than guessing at a lost step.
"""

from __future__ import annotations

import json
from typing import Any

import redis

from bot.store.redis_health import REDIS_DOWN


class ConversationState:
    """The pending step of one person's dialogue, or nothing."""

    def __init__(self, r: redis.Redis, key: str, ttl_seconds: int) -> None:
        self._redis, self._key, self._ttl = r, key, ttl_seconds
        self._cache: dict[str, Any] | None = None
        self._loaded = False
        self.unavailable = False  # Redis was away: a pending step could not be read or kept

    @property
    def key(self) -> str:
        return self._key

    def prime(self, raw: bytes | str | None) -> None:
        """Take the stored value as already read (the dispatcher reads it with the roster version)."""
        self._cache = json.loads(raw) if raw else None
        self._loaded = True

    def mark_unavailable(self) -> None:
        """Redis is away: treat nothing as pending."""
        self._cache, self._loaded, self.unavailable = None, True, True

    def get(self) -> dict[str, Any] | None:
        """Return the stored step and its draft fields, or None."""
        if not self._loaded:
            try:
                raw = self._redis.get(self._key)
            except REDIS_DOWN:
                self.mark_unavailable()
                return None
            self.prime(raw)  # type: ignore[arg-type]
        return self._cache

    def set(self, step: str, **data: Any) -> None:
        """Store the next step with its draft fields (kept for this message only while Redis is away)."""
        value = {"step": step, **data}
        try:
            self._redis.set(self._key, json.dumps(value, ensure_ascii=False, default=str), ex=self._ttl)
        except REDIS_DOWN:
            self.unavailable = True
        self._cache, self._loaded = value, True

    def clear(self) -> None:
        """Forget any pending step."""
        try:
            self._redis.delete(self._key)
        except REDIS_DOWN:
            self.unavailable = True
        self._cache, self._loaded = None, True
