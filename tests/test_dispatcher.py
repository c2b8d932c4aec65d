"""The dispatcher: one transaction per message, exactly once per message id, clear refusals."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from bot.chat.context import Deps
from bot.chat.messages import Incoming
from bot.server.console_channel import ConsoleChannel
from bot.server.dispatcher import dispatch
from bot.store.models import AuditLog, InboundMessage


def test_help_answers_by_role(roster_deps: Deps) -> None:
    console = ConsoleChannel(roster_deps)
    leader = console.say("zhaojianguo01", "帮助").plain()
    assert "记录联系" in leader and "联系辅导员" in leader
    student = console.say("lisiqi01", "帮助").plain()
    assert "反映问题" in student and "记录联系" not in student and "12356" in student
    counselor = console.say("wangli01", "帮助").plain()
    assert "确认" in counselor


def test_unknown_sender_is_refused_politely(roster_deps: Deps) -> None:
    reply = ConsoleChannel(roster_deps).say("nobody99", "今天去宿舍看望学生")
    assert "花名册" in reply.plain() and "管理员" in reply.plain()


def test_same_message_id_is_handled_once(roster_deps: Deps) -> None:
    msg = Incoming(channel="wecom", sender="zhaojianguo01", text="帮助", msg_id="7000000001")
    first = dispatch(msg, roster_deps)
    assert first is not None and "记录联系" in first.plain()
    assert dispatch(msg, roster_deps) is None
    with roster_deps.sessions() as db:
        rows = db.scalars(select(InboundMessage)).all()
        assert len(rows) == 1 and rows[0].reply == first.plain()


def test_times_round_trip_as_aware_utc(roster_deps: Deps) -> None:
    at = datetime(2026, 11, 25, 23, 30, tzinfo=timezone.utc)
    with roster_deps.sessions.begin() as db:
        db.add(AuditLog(actor="t", action="check", at=at))
    with roster_deps.sessions() as db:
        stored = db.scalar(select(AuditLog.at).where(AuditLog.action == "check"))
        assert stored == at and stored is not None and stored.tzinfo is not None
        assert (db.scalar(select(func.count(AuditLog.id))) or 0) >= 1
