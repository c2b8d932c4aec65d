"""Send the outbox: due OutboundMessage rows go out through their channel, once each, in order per person.

- A sender claims one row at a time (UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) … RETURNING,
  atomic on SQLite too) with a lease sized to one send (`SEND_LEASE`, renewed before each part). A sender
  killed mid-send delays only that row, by at most the lease; then any sender takes it again.
- Never two rows to one person at once, and a later row waits for an earlier one to go (or fail).
  Urgent rows (crisis alerts, escalations) are claimed before all others and overtake a row backing off.
- Each part of a multi-part message is its own step: `parts_sent` records what WeCom accepted, so a retry
  sends only what is missing, as the byte-identical request with WeCom's duplicate check on (see
  bot/channels/wecom.py): a part whose answer was lost, or whose sender was killed, reaches the person once.
- One row's failure backs off that row only (30 s, 60 s, … 15 minutes). Failures of the API itself
  (unreachable, HTTP 5xx, system busy) on rows in a row pause that app's sending with a jittered back-off
  (2 s … 30 s) that probes and resumes by itself, without counting against the rows; 45009/45033 pause it
  as long as WeCom asks. WeCom drops what exceeds 30 messages a minute or 1,000 an hour to one member, so
  those rows wait for a free slot (counted from the rows sent, in the database).
- A row still undelivered `[outbox] give_up_hours` after it was queued fails; an urgent row never does: it
  is retried (at most a minute apart) until sent or acknowledged, and shows on the console's banner.
- The "console" channel's rows are simply marked sent: the console shows its transcript itself.

Example: a reminder queued for zhaojianguo01 at 08:00 goes out within a second; if WeCom times out, it is
tried again 30 s later, then 60 s, …; if every send times out, sending pauses and probes until WeCom is back.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import and_, exists, not_, or_, select, update
from sqlalchemy.orm import aliased

from bot.cards.record import record_sent_card
from bot.channels.base import Step
from bot.channels.binding import openid_for
from bot.channels.official import OPENID_PREFIX, OfficialChannel
from bot.channels.phone import PHONE, GatewayError, phone_of, place_call
from bot.channels.registry import build_channel
from bot.channels.wecom import Undeliverable, WecomChannel
from bot.channels.wecom_api import ApiError, RateLimited, TransportError
from bot.chat.context import Deps
from bot.chat.messages import Attachment, Card, Reply
from bot.chat.outbox import with_cards
from bot.store.models import OutboundMessage, School

log = logging.getLogger(__name__)

SEND_LEASE = timedelta(seconds=30)  # one send: a token refresh and a message/send, each with its timeouts
LEASE_MARGIN = timedelta(seconds=15)  # renew the lease before a part when less than this is left
BASE_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(minutes=15)
URGENT_MAX_BACKOFF = timedelta(minutes=1)
PAUSE_BASE = timedelta(seconds=2)  # the first pause after the API itself failed; doubles, jittered …
PAUSE_MAX = timedelta(seconds=30)  # … up to this, so sending resumes within seconds of a recovery
SYSTEMIC_AFTER = 2  # API failures on this many rows in a row, with no success between, pause the app
PER_MINUTE = 30  # WeCom: per app and member, 30 messages a minute …
PER_HOUR = 1000  # … and 1,000 an hour; the excess is dropped without an error
PERMANENT_ERRORS = frozenset({40003, 40008, 44004, 60111, 81013})  # bad userid, bad type, empty text, no such user
MEDIA_EXPIRED = 40007  # an uploaded file's media id is kept 3 days: upload it again
SYSTEM_BUSY = -1

App = tuple[str, int]  # (channel, school id): one platform app


def flush_outbox(deps: Deps) -> int:
    """Send every due message once (in this thread); return how many were sent."""
    sender = Sender(deps)
    try:
        return sender.drain()
    finally:
        sender.close()


def due_clause(now: datetime) -> Any:
    """Rows a sender may take: pending and due, or sending with a lapsed lease (their sender died)."""
    return and_(OutboundMessage.status.in_(("pending", "sending")), OutboundMessage.next_attempt_at <= now,
                OutboundMessage.acknowledged_at.is_(None))


def busy_recipient(now: datetime) -> Any:
    """Whether the row must wait for another to the same person: one in flight, or an earlier one still to
    go (an urgent row waits only for an earlier one that is due now, not for one backing off)."""
    other = aliased(OutboundMessage)
    return exists().where(
        other.recipient == OutboundMessage.recipient, other.school_id == OutboundMessage.school_id,
        other.channel == OutboundMessage.channel, other.id != OutboundMessage.id,
        or_(and_(other.status == "sending", other.next_attempt_at > now),
            and_(other.id < OutboundMessage.id, other.status.in_(("pending", "sending")),
                 or_(other.next_attempt_at <= now, OutboundMessage.urgent.is_(False)))))


@dataclass
class AppState:
    """How one app's API has been answering lately."""

    failures: int = 0  # API failures since the last success
    pauses: int = 0  # pauses in a row
    until: datetime | None = None


class Breaker:
    """Pauses an app whose API fails as a whole, with a jittered back-off; resumes by itself."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._apps: dict[App, AppState] = {}

    def paused(self, now: datetime) -> list[App]:
        """Return the apps not to be sent to now."""
        with self._lock:
            return [app for app, s in self._apps.items() if s.until is not None and now < s.until]

    def success(self, app: App) -> None:
        with self._lock:
            self._apps.pop(app, None)

    def failure(self, app: App, now: datetime) -> bool:
        """Count an API failure; return whether it is the API's (then the app is paused), not the row's."""
        with self._lock:
            state = self._apps.setdefault(app, AppState())
            state.failures += 1
            if state.failures < SYSTEMIC_AFTER:
                return False
            state.pauses += 1
            pause = min(PAUSE_MAX, PAUSE_BASE * 2 ** (state.pauses - 1)) * random.uniform(0.5, 1.0)
            state.until = now + pause
            log.warning("%s API is failing (%d in a row); pausing its sends for %.1f s",
                        app[0], state.failures, pause.total_seconds())
            return True

    def slow_down(self, app: App, now: datetime, seconds: float) -> datetime:
        """Pause an app as long as the platform asked (45009/45033), plus up to a fifth more; return until when."""
        with self._lock:
            state = self._apps.setdefault(app, AppState())
            state.until = now + timedelta(seconds=seconds * random.uniform(1.0, 1.2))
            return state.until


class Sender:
    """Claims due rows one at a time and sends them; safe to run in several threads and processes."""

    def __init__(self, deps: Deps, urgent_only: bool = False) -> None:
        self.deps, self.urgent_only = deps, urgent_only
        self.me = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:64]
        self.breaker = Breaker()
        self._local = threading.local()  # each thread's HTTP session and channels
        self._sessions: list[requests.Session] = []
        self._schools: dict[int, str] = {}

    # -- the loop --

    def drain(self, keep_going: Callable[[], bool] = lambda: True) -> int:
        """Send due rows until none is left (or `keep_going` says stop); return how many were sent."""
        sent = 0
        while keep_going():
            row = self.claim()
            if row is None:
                break
            sent += self.deliver(row)
        return sent

    def claim(self) -> OutboundMessage | None:
        """Take the next due row for this sender, or None."""
        now = self.deps.clock()
        where = [due_clause(now), not_(busy_recipient(now))]
        if self.urgent_only:
            where.append(OutboundMessage.urgent.is_(True))
        for channel, school_id in self.breaker.paused(now):
            where.append(not_(and_(OutboundMessage.channel == channel, OutboundMessage.school_id == school_id)))
        pick = (select(OutboundMessage.id).where(*where)
                .order_by(OutboundMessage.urgent.desc(), OutboundMessage.next_attempt_at, OutboundMessage.id)
                .limit(1).with_for_update(skip_locked=True))
        claim = (update(OutboundMessage)
                 .where(OutboundMessage.id == pick.scalar_subquery(), due_clause(now))  # an InitPlan: run once
                 .values(status="sending", attempts=OutboundMessage.attempts + 1, claimed_by=self.me,
                         next_attempt_at=now + SEND_LEASE)
                 .returning(OutboundMessage)
                 .execution_options(synchronize_session=False))
        with self.deps.sessions.begin() as db:
            return db.scalars(claim).first()

    def deliver(self, row: OutboundMessage) -> int:
        """Send one claimed row and record the outcome; return 1 if it is now sent."""
        now = self.deps.clock()
        app: App = (row.channel, row.school_id)
        if not row.urgent and now - (row.requeued_at or row.created_at) >= self.give_up_after:
            hours = self.deps.settings.outbox.give_up_hours
            self.finish(row, status="failed", last_error=f"超过 {hours:g} 小时仍未送达，已放弃：{row.last_error or ''}")
            return 0
        if row.channel == "console":
            return self.finish(row, status="sent", sent_at=now, last_error=None)
        if row.channel == PHONE:
            return self.call(row)
        channel = self.channel(row)
        if channel is None:
            self.retry(row, f"channel {row.channel} is not configured for this school")
            return 0
        try:
            target = self.target(row)
            wait = self.free_slot(row, now)
            if wait is not None:  # WeCom would drop it: wait for a slot, without counting an attempt
                self.release(row, wait)
                return 0
            self.send_parts(row, channel, target)
        except RateLimited as exc:
            log.warning("%s rate-limited (%s); backing off %ss", row.channel, exc.errcode, exc.retry_after)
            self.release(row, self.breaker.slow_down(app, now, exc.retry_after))
        except (Undeliverable, LookupError) as exc:
            self.finish(row, status="failed", last_error=str(exc))
        except ApiError as exc:
            if exc.errcode in PERMANENT_ERRORS:
                self.finish(row, status="failed", last_error=str(exc))
            elif exc.errcode == SYSTEM_BUSY:
                self.api_failed(row, app, str(exc))
            else:
                self.retry(row, str(exc), forget_media=exc.errcode == MEDIA_EXPIRED)
        except TransportError as exc:
            self.api_failed(row, app, str(exc))
        except LostClaim:
            log.warning("outbox row %s was taken over by another sender", row.id)
        except Exception as exc:  # anything unexpected: this row tries again later, the others go on
            log.exception("sending outbox row %s failed", row.id)
            self.retry(row, f"{exc.__class__.__name__}: {exc}")
        else:
            self.breaker.success(app)
            return self.finish(row, status="sent", sent_at=self.deps.clock(), last_error=None)
        return 0

    def send_parts(self, row: OutboundMessage, channel: WecomChannel | OfficialChannel, target: str) -> None:
        """Send the parts not sent yet, recording each as WeCom accepts it."""
        parts = channel.parts(stored_reply(row.msgtype, row.payload))
        media: dict[str, str] = dict((row.progress or {}).get("media", {}))
        variant = int(row.payload.get("variant", 0) or 0)
        for index in range(row.parts_sent, len(parts)):
            self.keep_claim(row)

            def keep(media_id: str, index: int = index) -> None:
                if media.get(str(index)) != media_id:
                    media[str(index)] = media_id
                    self.save_progress(row, media=media)

            step = Step(f"ob{row.id}p{index}", variant, media.get(str(index)), keep)
            result = channel.send_part(target, parts[index], step)
            receipt: dict[str, Any] = {"step": step.id}
            receipt.update((k, result[k]) for k in ("msgid", "response_code", "skipped") if k in result)
            self.save_progress(row, media=media, receipt=receipt, parts_sent=index + 1)
            record_sent_card(self.deps, row, parts[index], step.id, result)  # a template card: kept by subject

    # -- recording outcomes; every write is fenced by our claim --

    @property
    def give_up_after(self) -> timedelta:
        return timedelta(hours=self.deps.settings.outbox.give_up_hours)

    def _update(self, row: OutboundMessage, **values: Any) -> int:
        with self.deps.sessions.begin() as db:
            result = db.execute(update(OutboundMessage)
                                .where(OutboundMessage.id == row.id, OutboundMessage.claimed_by == self.me,
                                       OutboundMessage.status == "sending")
                                .values(**values)
                                .execution_options(synchronize_session=False))
        return int(result.rowcount)  # type: ignore[attr-defined]

    def keep_claim(self, row: OutboundMessage) -> None:
        """Renew the row's lease before a part if it runs short; raise LostClaim if another sender has it."""
        now = self.deps.clock()
        if row.next_attempt_at - now >= LEASE_MARGIN:
            return
        if not self._update(row, next_attempt_at=now + SEND_LEASE):
            raise LostClaim()
        row.next_attempt_at = now + SEND_LEASE

    def save_progress(self, row: OutboundMessage, media: dict[str, str], receipt: dict[str, Any] | None = None,
                      parts_sent: int | None = None) -> None:
        """Record a part WeCom accepted (or a file uploaded for one) before anything else is sent."""
        progress = dict(row.progress or {})
        progress["media"] = dict(media)
        if receipt is not None:
            progress["receipts"] = [*progress.get("receipts", []), receipt]
        values: dict[str, Any] = {"progress": progress}
        if parts_sent is not None:
            values["parts_sent"] = parts_sent
        if not self._update(row, **values):
            raise LostClaim()
        row.progress = progress
        if parts_sent is not None:
            row.parts_sent = parts_sent

    def finish(self, row: OutboundMessage, **values: Any) -> int:
        """Record the row's outcome and let it go; return 1 if it was marked sent."""
        done = self._update(row, claimed_by=None, **values)
        return 1 if done and values.get("status") == "sent" else 0

    def release(self, row: OutboundMessage, at: datetime) -> None:
        """Give a claimed row back without counting an attempt (a rate limit, a pause, a busy person)."""
        self.finish(row, status="pending", attempts=row.attempts - 1, next_attempt_at=at)

    def retry(self, row: OutboundMessage, error: str, forget_media: bool = False) -> None:
        """This row failed: try it again after its own back-off."""
        cap = URGENT_MAX_BACKOFF if row.urgent else MAX_BACKOFF
        due = self.deps.clock() + min(cap, BASE_BACKOFF * 2 ** min(20, max(0, row.attempts - 1)))
        values: dict[str, Any] = {"status": "pending", "next_attempt_at": due, "last_error": error[:2000]}
        if forget_media:
            values["progress"] = {**(row.progress or {}), "media": {}}
        self.finish(row, **values)

    def api_failed(self, row: OutboundMessage, app: App, error: str) -> None:
        """The API failed: the row's own back-off the first time, else pause the app and keep the row due."""
        log.warning("sending outbox row %s failed: %s", row.id, error)
        if self.breaker.failure(app, self.deps.clock()):
            self.finish(row, status="pending", next_attempt_at=self.deps.clock(), last_error=error[:2000])
        else:
            self.retry(row, error)

    # -- per-member pacing --

    def free_slot(self, row: OutboundMessage, now: datetime) -> datetime | None:
        """Return when the recipient has a free slot under WeCom's per-member limits, or None if now."""
        with self.deps.sessions() as db:
            sent = db.execute(select(OutboundMessage.sent_at, OutboundMessage.parts_sent).where(
                OutboundMessage.recipient == row.recipient, OutboundMessage.school_id == row.school_id,
                OutboundMessage.channel == row.channel, OutboundMessage.sent_at > now - timedelta(hours=1),
            ).order_by(OutboundMessage.sent_at)).all()
        stamps = [at for at, parts in sent for _ in range(max(1, parts))]
        last_minute = [at for at in stamps if at > now - timedelta(minutes=1)]
        if len(last_minute) >= PER_MINUTE:
            return last_minute[len(last_minute) - PER_MINUTE] + timedelta(minutes=1)
        if len(stamps) >= PER_HOUR:
            return stamps[len(stamps) - PER_HOUR] + timedelta(hours=1)
        return None

    def call(self, row: OutboundMessage) -> int:
        """Hand a crisis row of the "phone" channel to the SMS / voice gateway; return 1 if accepted."""
        settings = self.deps.settings.crisis
        number = phone_of(settings, row.recipient)
        if not settings.call_url or number is None:
            return self.finish(row, status="failed", last_error="未配置短信/语音网关，或该人员没有配置手机号")
        try:
            place_call(settings, self.http(), number, str(row.payload.get("content", "")), row.dedupe_key or f"ob{row.id}")
        except GatewayError as exc:
            self.retry(row, str(exc))
            return 0
        return self.finish(row, status="sent", sent_at=self.deps.clock(), last_error=None)

    # -- channels --

    def http(self) -> requests.Session:
        """This thread's HTTP session."""
        local = self._local
        if not hasattr(local, "http"):
            local.http = requests.Session()
            self._sessions.append(local.http)
        session: requests.Session = local.http
        return session

    def channel(self, row: OutboundMessage) -> WecomChannel | OfficialChannel | None:
        """This thread's channel for the row's app (one HTTP session per thread)."""
        local = self._local
        if not hasattr(local, "channels"):
            local.channels = {}
        self.http()
        slot = (row.channel, row.school_id)
        if slot not in local.channels:
            local.channels[slot] = build_channel(self.deps, row.channel, self.school_code(row.school_id), local.http)
        channel: WecomChannel | OfficialChannel | None = local.channels[slot]
        return channel

    def school_code(self, school_id: int) -> str:
        if school_id not in self._schools:
            with self.deps.sessions() as db:
                self._schools.update({s.id: s.code for s in db.scalars(select(School))})
        return self._schools.get(school_id, "")

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

    def close(self) -> None:
        """Close the HTTP sessions the sending threads opened."""
        for http in self._sessions:
            http.close()
        self._sessions.clear()


class LostClaim(Exception):
    """The row's lease lapsed and another sender took it: stop sending it."""


def stored_reply(msgtype: str, payload: dict[str, Any]) -> Reply:
    """Rebuild the Reply that bot.chat.outbox.reply_payload stored."""
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
