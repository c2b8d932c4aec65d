"""The platform callbacks: WeCom at /wecom/callback (default school) and /wecom/<school>/callback, the
Official Account at /official/callback. Each message is handled exactly once and answered within
WeCom's 5-second window.

- Refusals come first and touch nothing: a bad signature is 403; a body that is not the expected
  small XML (garbage, an XML bomb, an external entity, over 64 KB) is 4xx.
- The message id (an event's sender+CreateTime) is claimed in Redis with SET NX EX; a retry that finds
  the claim gets an empty 200 at once. The database's unique InboundMessage catches what Redis forgot.
- The dispatcher runs in a worker thread. A reply ready within `[wecom] reply_budget_seconds` goes back
  encrypted and passive; a later one is written to the outbox by that thread when it is ready. A
  template card cannot be a passive reply (WeCom takes new cards only through message/send), and a tap
  on a card is answered passively only by the card redrawn: anything else is queued and sent at once.
- If the database or Redis fails, the claim is released and the answer is 500, so WeCom retries.

Example: POST /wecom/callback?msg_signature=…&timestamp=…&nonce=… with an encrypted "帮助".
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta

import redis
from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.channels.base import BadMessage, Delivery, Forbidden, message_parts
from bot.channels.registry import CallbackChannel, callback_channel
from bot.context import Deps
from bot.db import school_by_code
from bot.messages import CARD_EVENT, Incoming, Reply
from bot.outbox import Outbox

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
POOL_SIZE = 16
LATE_RETRY_DELAYS = (2.0, 5.0, 15.0)  # a dispatch that fails after we answered is tried again in the thread
EXTRA_PARTS_DELAY = timedelta(seconds=2)  # let the passive first part arrive before the outbox sends the rest
TRANSIENT = (DBAPIError, PoolTimeout, redis.RedisError)  # worth WeCom's retry; anything else is a bug
SORRY = "抱歉，处理您的消息时出错了，请稍后再试。如多次出现，请联系学校管理员。"

bp = Blueprint("webhook", __name__)


@bp.route("/wecom/callback", methods=["GET", "POST"], defaults={"school": ""})
@bp.route("/wecom/<school>/callback", methods=["GET", "POST"])
def wecom_callback(school: str) -> Response:
    return _callback("wecom", school)


@bp.route("/official/callback", methods=["GET", "POST"])
def official_callback() -> Response:
    return _callback("official", "")


def _callback(platform: str, school: str) -> Response:
    deps: Deps = current_app.extensions["bot"]
    channel = callback_channel(deps, platform, school)
    if channel is None:
        abort(404)
    args = request.args.to_dict()
    if request.method == "GET":
        try:
            return Response(channel.verify_url(args), mimetype="text/plain")
        except Forbidden:
            return Response("", 403)
        except BadMessage:
            return Response("", 400)
    body = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH: Flask answers 413 before we read
    if len(body) > MAX_BODY:
        return Response("", 413)
    try:
        delivery = channel.parse(args, body, deps.clock())
    except Forbidden:
        return Response("", 403)
    except BadMessage as exc:
        log.info("%s callback refused: %s", platform, exc)
        return Response("", 400)
    return receive(deps, channel, delivery)


def receive(deps: Deps, channel: CallbackChannel, delivery: Delivery) -> Response:
    """Claim the message, dispatch it within the reply budget, and answer."""
    claim = Claim.for_message(deps, delivery.msg)
    try:
        if not claim.take():
            return Response("", 200)  # a retry or replay of a message already claimed
    except redis.RedisError:
        log.exception("cannot claim a message in Redis")
        return Response("", 503)
    handoff = Handoff()
    track(executor().submit(work, deps, channel, delivery.msg, claim, handoff))
    handoff.done.wait(deps.settings.wecom.reply_budget_seconds)
    with handoff.lock:
        if not handoff.done.is_set():
            handoff.abandoned = True  # the thread will write the reply to the outbox when it is ready
            return Response("", 200)
    if handoff.error is not None:
        if isinstance(handoff.error, TRANSIENT):
            claim.release()
            return Response("", 500)  # nothing was stored; WeCom retries
        return _passive(deps, channel, delivery, Reply.of(SORRY))
    if not handoff.parts:
        return Response("", 200)
    return _passive(deps, channel, delivery, handoff.parts[0])


def _passive(deps: Deps, channel: CallbackChannel, delivery: Delivery, reply: Reply) -> Response:
    return Response(channel.render_reply(delivery, reply, deps.clock()), mimetype="application/xml")


@dataclass
class Claim:
    """The Redis half of exactly-once: `<prefix>:inbound:<school>:<msgid>`, held for the dedupe TTL."""

    redis: redis.Redis
    key: str | None  # None: the message has no id to de-duplicate on
    ttl: int

    @classmethod
    def for_message(cls, deps: Deps, msg: Incoming) -> Claim:
        school = msg.school or deps.settings.app.school
        parts = [school, msg.msg_id] if msg.channel == "wecom" else [school, msg.channel, msg.msg_id]
        key = deps.key("inbound", *parts) if msg.msg_id else None
        return cls(deps.redis, key, deps.settings.wecom.dedupe_ttl_seconds)

    def take(self) -> bool:
        """Claim the message; False if another delivery already has it."""
        if self.key is None:
            return True
        return bool(self.redis.set(self.key, "1", nx=True, ex=self.ttl))

    def release(self) -> None:
        """Give the message back so the platform's retry is handled."""
        if self.key is None:
            return
        try:
            self.redis.delete(self.key)
        except redis.RedisError:
            log.exception("cannot release claim %s", self.key)


@dataclass
class Handoff:
    """Between the request (which waits at most the budget) and the worker (which always finishes)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    done: threading.Event = field(default_factory=threading.Event)
    parts: list[Reply] = field(default_factory=list)
    error: BaseException | None = None
    abandoned: bool = False


def work(deps: Deps, channel: CallbackChannel, msg: Incoming, claim: Claim, handoff: Handoff) -> None:
    """Dispatch a message; hand the reply to the waiting request, or queue it if the request gave up."""
    try:
        reply, recipient = channel.deliver(msg, deps)
    except Exception as exc:
        with handoff.lock:
            if not handoff.abandoned:
                handoff.error = exc
                handoff.done.set()
                return
        log.warning("dispatch of %s/%s failed after the reply window; retrying", msg.channel, msg.msg_id)
        retry_late(deps, channel, msg, claim)
        return
    parts = message_parts(reply, cards=channel.cards) if reply is not None else []
    passive = 1 if parts and can_be_passive(msg, parts[0]) else 0
    if len(parts) > passive:
        queue_parts(deps, msg, recipient, parts, first=passive)
        if not passive and deps.on_urgent is not None:  # nothing goes back passively: send the card now
            deps.on_urgent()
    with handoff.lock:
        if not handoff.abandoned:
            handoff.parts = parts[:passive]
            handoff.done.set()
            return
    if passive:
        queue_parts(deps, msg, recipient, parts, first=0, last=1)


def can_be_passive(msg: Incoming, part: Reply) -> bool:
    """Whether a reply's first message can be the passive reply: WeCom takes a new template card only
    through message/send, and answers a tap on a card only with the card redrawn."""
    if part.choice is not None:
        return False
    return part.update is not None if msg.event == CARD_EVENT else part.update is None


def retry_late(deps: Deps, channel: CallbackChannel, msg: Incoming, claim: Claim) -> None:
    """Try a failed dispatch again (WeCom already has its empty 200 and will not); queue its reply."""
    for delay in LATE_RETRY_DELAYS:
        time.sleep(delay)
        try:
            reply, recipient = channel.deliver(msg, deps)
        except Exception:
            log.warning("late retry of %s/%s failed", msg.channel, msg.msg_id, exc_info=True)
            continue
        if reply is not None:
            queue_parts(deps, msg, recipient, message_parts(reply, cards=channel.cards), first=0)
        return
    claim.release()
    log.error("message %s/%s from %s could not be handled: %r", msg.channel, msg.msg_id, msg.sender, msg.text)


def queue_parts(deps: Deps, msg: Incoming, recipient: str, parts: list[Reply], first: int,
                last: int | None = None) -> None:
    """Write reply parts [first:last] to the outbox in a transaction of their own (idempotent per part)."""
    now = deps.clock()
    try:
        with deps.sessions.begin() as db:
            school = school_by_code(db, msg.school, deps.settings)
            if school is None:
                return
            outbox = Outbox(db, school, now, default_channel=msg.channel)
            for index in range(first, len(parts) if last is None else last):
                row = outbox.send(recipient, parts[index], purpose="reply",
                                  dedupe_key=f"reply:{msg.channel}:{school.code}:{msg.msg_id}:{index}")
                if row is not None and index > 0:
                    row.next_attempt_at = now + EXTRA_PARTS_DELAY
    except Exception:
        log.exception("could not queue the reply to %s/%s", msg.channel, msg.msg_id)


# -- the worker pool: one per process (gunicorn forks after import), non-daemon so exits finish work --

_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()
_inflight: set[Future[None]] = set()


def executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(max_workers=POOL_SIZE, thread_name_prefix="dispatch"))
        return _pool[1]


def track(future: Future[None]) -> None:
    with _pool_lock:
        _inflight.add(future)
    future.add_done_callback(_forget)


def _forget(future: Future[None]) -> None:
    with _pool_lock:
        _inflight.discard(future)
    if future.exception() is not None:
        log.error("dispatch worker failed", exc_info=future.exception())


def wait_idle(timeout: float = 10.0) -> bool:
    """Wait until every dispatch started by this process has finished (tests, shutdown)."""
    with _pool_lock:
        pending = set(_inflight)
    done, not_done = wait(pending, timeout=timeout)
    return not not_done
