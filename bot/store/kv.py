"""The Redis connection: real Redis when configured, otherwise an in-process fakeredis.

Redis holds de-duplication claims, conversation state, locks and the access-token cache;
every key is named `<prefix>:<purpose>:<id>` and has a TTL. A real Redis is reached through a
`GuardedRedis` (bot/store/redis_health.py): when it goes away the bot carries on without it.
"""

from __future__ import annotations

import logging

import redis

from bot.config import Settings
from bot.store.redis_health import guarded_client

log = logging.getLogger(__name__)


def make_redis(settings: Settings) -> redis.Redis:
    """Connect to the configured Redis, or start an in-process fakeredis for one process only."""
    if settings.redis.url:
        return guarded_client(
            settings.redis.url, key(settings, "health", "probe"), decode_responses=True, socket_timeout=2,
            socket_connect_timeout=2, health_check_interval=30,
        )
    import fakeredis

    log.warning("未配置 Redis（[redis] url 为空）：使用进程内 fakeredis，仅适用于单进程")
    return fakeredis.FakeRedis(decode_responses=True)


def key(settings: Settings, purpose: str, *parts: object) -> str:
    """Build a Redis key `<prefix>:<purpose>:<part>:...`."""
    return ":".join([settings.redis.prefix, purpose, *(str(p) for p in parts)])
