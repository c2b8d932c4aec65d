"""Flush the outbox: send due OutboundMessage rows through their channel, with retries and back-off.

- Rows are claimed with one UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) … RETURNING
  (atomic on SQLite too), which marks them `sending` with a lease. A process killed mid-send leaves
  the row `sending`; after the lease it is claimed again and re-sent: at most one duplicate, nothing lost.
- Failures retry with exponential back-off; after MAX_ATTEMPTS, or on a permanent error, a row is `failed`.
- WeCom drops silently what exceeds 30 messages a minute or 1,000 an hour to one member, so we count
  per recipient in Redis and postpone the excess (not an attempt). 45009/45033 back the whole app off.
- The "console" channel's rows are simply marked sent: the console shows its transcript itself.

Example: a reminder queued for zhaojianguo01 at 08:00 goes out on the next run; if WeCom times out,
again 30 s later, then 60 s, 120 s, …
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select, update

from bot.cards.record import record_sent_cards
from bot.channels.binding import openid_for
from bot.channels.official import OPENID_PREFIX, OfficialChannel
from bot.channels.registry import build_channel
from bot.channels.wecom import Undeliverable, WecomChannel
from bot.channels.wecom_api import ApiError, RateLimited, TransportError
from bot.context import Deps
from bot.messages import Attachment, Card, Reply
from bot.models import OutboundMessage, School
from bot.outbox import with_cards

log = logging.getLogger(__name__)

BATCH = 50
LEASE = timedelta(minutes=5)
SEND_BUDGET = timedelta(seconds=45)  # the longest one send may take (timeouts, a token refresh); stop before the lease ends
MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
PER_MINUTE = 30  # WeCom: per app and member, 30 messages a minute …
PER_HOUR = 1000  # … and 1,000 an hour; the excess is dropped without an error
PERMANENT_ERRORS = frozenset({40003, 40008, 44004, 60111, 81013})  # bad userid, bad type, empty text, no such user


def flush_outbox(deps: Deps, limit: int = BATCH) -> int:
    """Send the due messages once; return how many were sent."""
    now = deps.clock()
    rows = claim_due(deps, now, limit)
    if not rows:
        return 0
    run = Run(deps, now)
    with requests.Session() as http:
        run.http = http
        for index, row in enumerate(rows):
            if deps.clock() > now + LEASE - SEND_BUDGET:  # our lease is running out: give the rest back
                for rest in rows[index:]:
                    release(deps, rest, rest.next_attempt_at)
                break
            run.send(row)
    return run.sent


def claim_due(deps: Deps, now: datetime, limit: int) -> list[OutboundMessage]:
    """Mark up to `limit` due rows (pending, or sending with an expired lease) as sending; return them."""
    due = (select(OutboundMessage.id)
           .where(OutboundMessage.status.in_(("pending", "sending")), OutboundMessage.next_attempt_at <= now)
           .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id)
           .limit(limit)
           .with_for_update(skip_locked=True))
    claim = (update(OutboundMessage)
             .where(OutboundMessage.id.in_(due.scalar_subquery()))
             .values(status="sending", attempts=OutboundMessage.attempts + 1, next_attempt_at=now + LEASE)
             .returning(OutboundMessage)
             .execution_options(synchronize_session=False))
    with deps.sessions.begin() as db:
        rows = list(db.scalars(claim))
    return sorted(rows, key=lambda r: r.id)


@dataclass
class Run:
    """One flush: the channels built for it, and who must wait until the next run."""

    deps: Deps
    now: datetime
    http: requests.Session | None = None
    sent: int = 0
    schools: dict[int, str] = field(default_factory=dict)
    channels: dict[tuple[str, int], WecomChannel | OfficialChannel | None] = field(default_factory=dict)
    held: dict[tuple[str, int, str], datetime] = field(default_factory=dict)  # postponed recipients (keeps order)
    backed_off: dict[tuple[str, int], datetime] = field(default_factory=dict)  # apps that said 45009/45033

    def send(self, row: OutboundMessage) -> None:
        """Send one claimed row and record the outcome."""
        deps, app = self.deps, (row.channel, row.school_id)
        if row.attempts > MAX_ATTEMPTS:  # claimed again after a crash, too often
            finish(deps, row, status="failed", last_error=row.last_error or "lease expired too often")
            return
        if row.channel == "console":
            finish(deps, row, status="sent", sent_at=self.now)
            self.sent += 1
            return
        channel = self.channel(row)
        if channel is None:
            retry(deps, row, self.now, f"channel {row.channel} is not configured for this school")
            return
        who = (row.channel, row.school_id, row.recipient)
        hold = self.held.get(who) or self.backoff_until(app) or reserve_slot(deps, row, self.now)
        if hold is not None:  # wait for WeCom's back-off, a free per-member slot, or an earlier row
            self.held[who] = hold
            release(deps, row, hold)
            return
        try:
            target = self.target(row)
            sent = channel.push(target, stored_reply(row.msgtype, row.payload), task_prefix=f"ob{row.id}")
        except RateLimited as exc:
            log.warning("%s rate-limited (%s); backing off %ss", row.channel, exc.errcode, exc.retry_after)
            until = self.now + timedelta(seconds=exc.retry_after)
            self.backed_off[app] = self.held[who] = until
            deps.redis.set(deps.key("send-backoff", *app), str(exc.errcode), ex=int(exc.retry_after))
            release(deps, row, until)
        except (Undeliverable, LookupError) as exc:
            finish(deps, row, status="failed", last_error=str(exc))
        except ApiError as exc:
            if exc.errcode in PERMANENT_ERRORS:
                finish(deps, row, status="failed", last_error=str(exc))
            else:
                self.held[who] = retry(deps, row, self.now, str(exc))
        except TransportError as exc:  # the API is unreachable: try again later, and spare the other rows the wait
            log.warning("sending outbox row %s failed: %s", row.id, exc)
            self.backed_off[app] = self.held[who] = retry(deps, row, self.now, str(exc))
        except Exception as exc:  # anything unexpected: try again later
            log.exception("sending outbox row %s failed", row.id)
            self.held[who] = retry(deps, row, self.now, f"{exc.__class__.__name__}: {exc}")
        else:
            finish(deps, row, status="sent", sent_at=self.now, last_error=None)
            self.sent += 1
            record_sent_cards(deps, row, sent, self.now)  # a template card's task id and response_code

    def channel(self, row: OutboundMessage) -> WecomChannel | OfficialChannel | None:
        slot = (row.channel, row.school_id)
        if slot not in self.channels:
            self.channels[slot] = build_channel(self.deps, row.channel, self.school_code(row.school_id), self.http)
        return self.channels[slot]

    def school_code(self, school_id: int) -> str:
        if not self.schools:
            with self.deps.sessions() as db:
                self.schools = {s.id: s.code for s in db.scalars(select(School))}
        return self.schools.get(school_id, "")

    def backoff_until(self, app: tuple[str, int]) -> datetime | None:
        """When an app told to back off (in this run or an earlier one, per Redis) may send again."""
        if app not in self.backed_off:
            ttl = int(self.deps.redis.ttl(self.deps.key("send-backoff", *app)))
            if ttl <= 0:
                return None
            self.backed_off[app] = self.now + timedelta(seconds=ttl)
        return self.backed_off[app]

    def target(self, row: OutboundMessage) -> str:
        """The platform's recipient id: a WeCom userid, or the OpenID bound to a roster userid."""
        if row.channel != "official":
            return row.recipient
        if row.recipient.startswith(OPENID_PREFIX):
            return row.recipient[len(OPENID_PREFIX):]
        with self.deps.sessions() as db:
            openid = openid_for(db, row.school_id, row.recipient)
        if not openid:
            raise LookupError(f"{row.recipient} has not bound the Official Account")
        return openid


def reserve_slot(deps: Deps, row: OutboundMessage, now: datetime) -> datetime | None:
    """Count a send to the row's recipient; if that would exceed a limit, return when a slot frees instead."""
    key = deps.key("send-rate", row.channel, row.school_id, row.recipient)
    t = now.timestamp()
    r = deps.redis
    r.zremrangebyscore(key, 0, t - 3600)
    entries: list[tuple[str, float]] = r.zrange(key, 0, -1, withscores=True)  # type: ignore[assignment]
    stamps = sorted(float(score) for _, score in entries)
    last_minute = [s for s in stamps if s > t - 60]
    if len(last_minute) >= PER_MINUTE:
        return datetime.fromtimestamp(last_minute[len(last_minute) - PER_MINUTE] + 60, now.tzinfo)
    if len(stamps) >= PER_HOUR:
        return datetime.fromtimestamp(stamps[len(stamps) - PER_HOUR] + 3600, now.tzinfo)
    r.zadd(key, {f"{row.id}:{row.attempts}": t})
    r.expire(key, 3700)
    return None


def stored_reply(msgtype: str, payload: dict[str, Any]) -> Reply:
    """Rebuild the Reply that bot.outbox.reply_payload stored."""
    file = payload.get("file")
    attachment = Attachment(str(file), str(payload.get("file_name") or Path(str(file)).name)) if file else None
    if msgtype == "textcard":
        reply = Reply(card=Card(**payload["card"]), attachment=attachment)
    elif msgtype == "markdown":
        reply = Reply(markdown=str(payload.get("content", "")), text=str(payload.get("text", "")),
                      attachment=attachment)
    else:  # text, choice (a card with the text before it) and card_update
        reply = Reply(text=str(payload.get("content", "")), extra=tuple(str(t) for t in payload.get("extra", ())),
                      attachment=attachment)
    return with_cards(reply, payload)


def backoff(attempts: int) -> timedelta:
    """30 s, 60 s, 120 s, … capped at an hour."""
    return min(MAX_BACKOFF, BASE_BACKOFF * 2 ** max(0, attempts - 1))


def retry(deps: Deps, row: OutboundMessage, now: datetime, error: str) -> datetime:
    """Schedule another attempt, or give up after MAX_ATTEMPTS; return when the next attempt is due."""
    due = now + backoff(row.attempts)
    if row.attempts >= MAX_ATTEMPTS:
        finish(deps, row, status="failed", last_error=error)
    else:
        finish(deps, row, status="pending", next_attempt_at=due, last_error=error)
    return due


def release(deps: Deps, row: OutboundMessage, at: datetime) -> None:
    """Give a claimed row back without counting an attempt (rate limits, back-off, lease running out)."""
    finish(deps, row, status="pending", attempts=row.attempts - 1, next_attempt_at=at)


def finish(deps: Deps, row: OutboundMessage, **values: Any) -> None:
    """Record an outcome, unless another run has claimed the row since (its lease expired)."""
    with deps.sessions.begin() as db:
        db.execute(update(OutboundMessage)
                   .where(OutboundMessage.id == row.id, OutboundMessage.status == "sending",
                          OutboundMessage.attempts == row.attempts)
                   .values(**values)
                   .execution_options(synchronize_session=False))
