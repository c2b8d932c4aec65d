"""The platform callbacks: WeCom at /wecom/callback (default school) and /wecom/<school>/callback, the
Official Account at /official/callback. Each message is handled exactly once and answered within
WeCom's 5-second window.

- Refusals come first and touch nothing: a bad signature is 403; a body that is not the expected
  small XML (garbage, an XML bomb, an external entity, over 64 KB) is 4xx.
- The message id (an event's sender+CreateTime) is claimed in Redis (bot/server/claim.py). The database's unique
  InboundMessage decides what Redis cannot: when Redis is away, or has forgotten, or two deliveries race.
- A re-delivery (WeCom re-sends when our answer did not reach it in time) gets the first delivery's
  stored reply again, encrypted afresh; one that arrives while the first is still being handled waits
  for it within the reply budget. A reply that went out through the outbox is not repeated.
- The dispatcher runs in a worker thread. A reply ready within `[wecom] reply_budget_seconds` (counted
  from the request's arrival) goes back encrypted and passive; a later one is written to the outbox by
  that thread when it is ready. A template card cannot be a passive reply (WeCom takes new cards only
  through message/send), and a tap on a card is answered passively only by the card redrawn: anything
  else is queued and sent at once.
- If the database fails, the claim is released and the answer is 500, so WeCom retries.

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
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.channels.base import BadMessage, Delivery, Forbidden, message_parts
from bot.channels.registry import CallbackChannel, callback_channel
from bot.chat.context import Deps
from bot.chat.messages import CARD_EVENT, EVENT, Incoming, Reply
from bot.chat.outbox import Outbox
from bot.server.claim import Claim, Taken
from bot.server.dispatcher import dispatch
from bot.store.db import school_by_code
from bot.store.models import InboundMessage, OutboundMessage, School
from jobs.outbox import stored_reply

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
POOL_SIZE = 16
LATE_RETRY_DELAYS = (2.0, 5.0, 15.0)  # a dispatch that fails after we answered is tried again in the thread
EXTRA_PARTS_DELAY = timedelta(seconds=2)  # let the passive first part arrive before the outbox sends the rest
HELD_POLL_SECONDS = 0.05  # how often a re-delivery looks whether the first delivery has finished
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
    deadline = time.monotonic() + deps.settings.wecom.reply_budget_seconds
    msg = delivery.msg
    claim = Claim.for_message(deps, msg)
    taken = claim.take()
    while taken is Taken.HELD and time.monotonic() < deadline:  # another delivery is handling it: wait
        time.sleep(HELD_POLL_SECONDS)
        taken = claim.take()
    if taken is Taken.HELD:
        return Response("", 503)  # still being handled: WeCom re-sends, and that finds the answer
    if taken is Taken.DONE:
        try:
            earlier = earlier_answer(deps, msg, channel.cards)
        except TRANSIENT:
            return Response("", 500)
        return _passive(deps, channel, delivery, earlier.reply if earlier is not None else None)
    handoff = Handoff()
    track(executor().submit(work, deps, channel, msg, claim, handoff))
    handoff.done.wait(max(0.0, deadline - time.monotonic()))
    with handoff.lock:
        if not handoff.done.is_set():
            handoff.abandoned = True  # the thread will write the reply to the outbox when it is ready
            return Response("", 200)
    if handoff.error is not None:
        if isinstance(handoff.error, TRANSIENT):
            claim.release()
            return Response("", 500)  # nothing was stored; WeCom retries
        return _passive(deps, channel, delivery, Reply.of(SORRY))
    return _passive(deps, channel, delivery, handoff.parts[0] if handoff.parts else None)


def _passive(deps: Deps, channel: CallbackChannel, delivery: Delivery, reply: Reply | None) -> Response:
    if reply is None:
        return Response("", 200)
    return Response(channel.render_reply(delivery, reply, deps.clock()), mimetype="application/xml")


@dataclass(frozen=True)
class Answered:
    """A message handled before, and what a re-delivery of it is answered."""

    reply: Reply | None  # the first part of the stored reply; None: nothing (it went through the outbox)


def earlier_answer(deps: Deps, msg: Incoming, cards: bool) -> Answered | None:
    """Return what the first delivery of a message answered, or None if it is not recorded (`cards`: the
    channel shows template cards)."""
    code = msg.school or deps.settings.app.school
    with deps.sessions() as db:
        row = db.execute(
            select(InboundMessage.reply_type, InboundMessage.reply_payload, InboundMessage.reply)
            .join(School, School.id == InboundMessage.school_id)
            .where(School.code == code, InboundMessage.channel == msg.channel, InboundMessage.msg_id == msg.msg_id)
        ).one_or_none()
        if row is None:
            return None
        pushed = db.scalar(select(OutboundMessage.id).where(OutboundMessage.dedupe_key == reply_key(msg, code, 0)))
    if pushed is not None:  # the first delivery ran past the budget: its reply was sent actively
        return Answered(None)
    reply_type, payload, plain = row
    if reply_type is not None and payload is not None:
        reply = stored_reply(reply_type, payload)
    else:  # stored before replies were kept whole
        reply = Reply.of(plain) if plain else Reply()
    parts = message_parts(reply, cards=cards)  # the rest, if any, was queued to the outbox the first time
    return Answered(parts[0] if parts and can_be_passive(msg, parts[0]) else None)


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
        reply, recipient = channel.deliver(msg, deps, dispatch)
        # Every message but an event (a tap on a card aside) gets a reply; None: the database had this one.
        duplicate = reply is None and (msg.kind != EVENT or msg.event == CARD_EVENT) and bool(msg.msg_id)
        if duplicate:
            earlier = earlier_answer(deps, msg, channel.cards)
            reply = earlier.reply if earlier is not None else None
    except Exception as exc:
        with handoff.lock:
            if not handoff.abandoned:
                handoff.error = exc
                handoff.done.set()
                return
        log.warning("dispatch of %s/%s failed after the reply window; retrying", msg.channel, msg.msg_id)
        retry_late(deps, channel, msg, claim)
        return
    claim.done()
    parts = message_parts(reply, cards=channel.cards) if reply is not None else []
    passive = 1 if parts and can_be_passive(msg, parts[0]) else 0
    if duplicate:  # the first delivery answered or queued everything: only repeat the passive part
        parts = parts[:passive]
    elif len(parts) > passive:
        queue_parts(deps, msg, recipient, parts, first=passive)
        if not passive and deps.on_urgent is not None:  # nothing goes back passively: send the card now
            deps.on_urgent()
    with handoff.lock:
        if not handoff.abandoned:
            handoff.parts = parts[:passive]
            handoff.done.set()
            return
    if passive and not duplicate:
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
            reply, recipient = channel.deliver(msg, deps, dispatch)
        except Exception:
            log.warning("late retry of %s/%s failed", msg.channel, msg.msg_id, exc_info=True)
            continue
        claim.done()
        if reply is not None:
            queue_parts(deps, msg, recipient, message_parts(reply, cards=channel.cards), first=0)
        return
    claim.release()
    # Never the message's text: it may be a student's words (PIPL); its id finds it for whoever may read it.
    log.error("message %s/%s from %s (%d characters) could not be handled", msg.channel, msg.msg_id, msg.sender,
              len(msg.text))


def reply_key(msg: Incoming, school_code: str, index: int) -> str:
    """The outbox dedupe key of part `index` of the reply to a message."""
    return f"reply:{msg.channel}:{school_code}:{msg.msg_id}:{index}"


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
                row = outbox.send(recipient, parts[index], purpose="reply", dedupe_key=reply_key(msg, school.code, index))
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
