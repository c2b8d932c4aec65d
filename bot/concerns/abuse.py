"""Abuse: a per-sender rate limit in Redis, and spam or insults marked so that repeats page nobody.

Example: a sixth concern within an hour (limit 5) is kept, marked "rate" and sent to no one; "sb学校"
is marked "insult"; after two marked messages in a day, further ones page nobody either.
A crisis is never held back by any of this (see bot/concerns/crisis.py).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.concerns.senders import raised_by
from bot.config import Settings
from bot.parse.text import normalise, strip_noise
from bot.store.kv import key
from bot.store.models import Concern, Person, School
from bot.store.redis_health import REDIS_DOWN

_INSULT = re.compile(
    r"傻[逼比b屄]|(?<![a-z])(?:sb|tmd|nmsl|cnm)(?![a-z])|煞笔|沙比|脑残|智障|垃圾学校|狗屎|去你妈|你妈的?|他妈的|草泥马|操你|艹你"
    r"|滚蛋|滚犊子|狗东西|王八蛋|混蛋|贱人|白痴"
)
_SPAM = re.compile(r"https?://|www\.|加微信|加v|加qq|vx[:：]?\s*\w|代写|代考|刷单|兼职日结|低价出售|优惠券|点击链接|扫码领取")
MIN_CONTENT_CHARS = 3  # "啊啊" or "。。。" is not a concern


def classify_abuse(text: str) -> str | None:
    """Return "insult" or "spam" for a message that is one, else None."""
    t = normalise(text)
    if _INSULT.search(t.replace(" ", "")):
        return "insult"
    bare = strip_noise(t)
    if _SPAM.search(t) or len(bare) < MIN_CONTENT_CHARS or len(set(bare)) <= 2 < len(bare):
        return "spam"
    return None


def over_rate_limit(r: redis.Redis, settings: Settings, school: School, sender: Person) -> bool:
    """Count one concern from the sender; tell whether this one exceeds the limit (TTL'd Redis counter).

    While Redis is away the limit is skipped: the concern is kept and routed as usual.
    """
    c = settings.concerns
    k = key(settings, "rate", "concern", school.code, sender.userid)
    window = c.rate_limit_window_minutes * 60
    pipe = r.pipeline()
    pipe.incr(k)
    pipe.ttl(k)
    try:
        count, ttl = pipe.execute()
        if int(ttl) < 0:  # a new counter (or one that lost its TTL): the window starts now
            r.expire(k, window)
    except REDIS_DOWN:
        return False
    return int(count) > c.rate_limit_count


def repeat_offender(db: Session, sender: Person, now: datetime, settings: Settings) -> bool:
    """Tell whether the sender already has enough marked messages in the last day to page nobody."""
    marked = db.scalar(
        select(func.count(Concern.id)).where(
            raised_by(db, sender), Concern.abuse.is_not(None), Concern.created_at >= now - timedelta(days=1)
        )
    )
    return int(marked or 0) >= settings.concerns.abuse_repeat_count


def duplicate_of(db: Session, sender: Person, text: str, now: datetime) -> Concern | None:
    """Return the sender's own open ticket of the last day with the same text, if this repeats it."""
    bare = strip_noise(normalise(text))
    recent = db.scalars(
        select(Concern).where(raised_by(db, sender), Concern.created_at >= now - timedelta(days=1),
                              Concern.status.not_in(("resolved", "spam")))
        .order_by(Concern.id.desc()).limit(20)
    )
    for concern in recent:
        if strip_noise(normalise(concern.text)) == bare:
            return concern
    return None
