"""The dispatcher: one transaction per incoming message, exactly once per message id.

Every channel hands its `Incoming` here: the webhook, the console (`contactbot say`) and tests.
The whole reply is stored with the message id, so a re-delivery is answered with the same message.
Without Redis the dispatcher carries on: no cached sender, no pending dialogue step (a message that
answered a lost question is asked for again in full).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import handlers
from bot.cards.clicks import CardHandler, answer_tap
from bot.cards.questions import run_step
from bot.chat.context import Context, Deps, conversation_state
from bot.chat.messages import CARD_EVENT, Incoming, Reply
from bot.chat.outbox import reply_payload
from bot.chat.routing import Handler, Route, Step, match
from bot.chat.state import ConversationState
from bot.store.db import school_by_code
from bot.store.models import InboundMessage, School
from bot.store.redis_health import REDIS_DOWN
from bot.store.roster_version import as_version, version_key
from bot.store.sender_cache import known_sender
from handlers.concerns import crisis_guard, with_crisis_notice

log = logging.getLogger(__name__)

NOT_IN_ROSTER = "您好，您还不在本校的花名册中，暂时无法使用基层联系助手。请联系学校管理员把您加入花名册后再试。"
NO_SCHOOL = "该学校尚未开通基层联系助手，请联系管理员。"
ASK_AGAIN = "抱歉，系统暂时记不住对话的上一步，没能接上您这条消息。请把要办的事完整地重新发一次。"
PRIVATE_REPLY = "（此回复含个人身份信息，未保存。）"  # what a re-delivery gets instead of a revealed name


def dispatch(msg: Incoming, deps: Deps) -> Reply | None:
    """Handle one message in one transaction; return the reply, or None for a duplicate delivery.

    The message id is written with the reply at the end of the transaction: a second delivery of the
    same id (another worker, or after Redis lost its claim) fails on the unique key and rolls back.
    """
    now = msg.received_at or deps.clock()
    urgent = False
    try:
        with deps.sessions.begin() as db:
            school = cached_school(db, deps, msg.school)
            if school is None:
                return Reply.of(NO_SCHOOL)
            state = conversation_state(deps, msg, school)
            version = read_ahead(deps, school, state)
            sender = known_sender(db, deps.caches, school.id, msg.sender, version)
            if sender is None or not sender.active:
                reply = Reply.of(NOT_IN_ROSTER)
            else:
                ctx = Context.build(msg, db=db, deps=deps, school=school, sender=sender, now=now, state=state,
                                    roster_version=version)
                reply = crisis_guard(msg, ctx) or with_crisis_notice(
                    ctx, answer(msg, ctx, handlers.ROUTES, handlers.STEPS, handlers.fallback, handlers.CARDS))
                urgent = ctx.outbox.urgent
            if msg.msg_id:  # a Core insert, not one more object for the unit of work; a duplicate fails here
                stored = Reply.of(PRIVATE_REPLY) if reply.private else reply  # a revealed name is never kept
                reply_type, payload = reply_payload(stored)
                db.connection().execute(insert(InboundMessage), {
                    "school_id": school.id, "channel": msg.channel, "msg_id": msg.msg_id, "sender": msg.sender,
                    "received_at": now, "reply": stored.plain(), "reply_type": reply_type, "reply_payload": payload})
    except IntegrityError:
        if msg.msg_id and _seen(deps, msg):
            log.info("duplicate delivery %s/%s ignored", msg.channel, msg.msg_id)
            return None
        raise
    if urgent and deps.on_urgent is not None:  # committed: a crisis alert goes out now (N18, issue 6)
        deps.on_urgent()
    return reply


def cached_school(db: Session, deps: Deps, code: str) -> School | None:
    """Return the school for a code, looked up once per process (schools change only at `db upgrade`)."""
    slot = f"school:{code or deps.settings.app.school}"
    school = deps.caches.get(slot)
    if school is None:
        school = school_by_code(db, code, deps.settings)
        if school is None:
            return None
        deps.caches[slot] = school
        return school
    return db.merge(school, load=False)  # attach the cached row to this session without a query


def read_ahead(deps: Deps, school: School, state: ConversationState) -> str | None:
    """Read the school's roster version and the sender's dialogue state in one Redis round trip.

    Without Redis the version is unknown (None) and nothing is pending.
    """
    pipe = deps.redis.pipeline(transaction=False)
    pipe.get(version_key(deps, school.id))
    pipe.get(state.key)
    try:
        version, raw = pipe.execute()
    except REDIS_DOWN:
        state.mark_unavailable()
        return None
    state.prime(raw)
    return as_version(version)


def _seen(deps: Deps, msg: Incoming) -> bool:
    """Whether the message id is already recorded (so an integrity error meant a duplicate)."""
    with deps.sessions() as db:
        return db.scalar(
            select(InboundMessage.id).where(InboundMessage.channel == msg.channel, InboundMessage.msg_id == msg.msg_id)
        ) is not None


def answer(msg: Incoming, ctx: Context, routes: Sequence[Route], steps: Mapping[str, Step],
           fallback: Handler, cards: Mapping[str, CardHandler]) -> Reply:
    """Answer a tap on a card; else continue a pending dialogue step if the message answers it, else
    route it afresh."""
    if msg.event == CARD_EVENT:
        return answer_tap(msg, ctx, cards)
    pending = ctx.state.get()
    if pending is not None:
        reply = run_step(msg, ctx, steps, pending)
        if reply is not None:
            return reply
        ctx.state.clear()  # anything else starts over cleanly
    route = match(routes, msg, ctx)
    if route is not None:
        return route.handler(msg, ctx)
    if ctx.state.unavailable:  # perhaps the answer to a question whose step Redis could not keep
        return Reply.of(ASK_AGAIN)
    return fallback(msg, ctx)
