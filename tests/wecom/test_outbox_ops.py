"""What an operator sees and mends: `outbox retry` (only what is missing is sent again, the age restarts),
`outbox send`, the outbox figures in /healthz (the console's page: tests/console/test_outbox_page.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import update

from bot.chat.context import Deps
from bot.chat.messages import Reply
from bot.chat.outbox import requeue
from bot.cli.main import main
from bot.config import load_settings
from bot.demo.emulator.api import pushed
from bot.schema import Base
from bot.server.web import create_app
from bot.store.models import OutboundMessage
from jobs.outbox import flush_outbox
from tests.wecom.test_outbox import advance, queue, rows


def fail(deps: Deps, row_id: int, **values: object) -> None:
    with deps.sessions.begin() as db:
        db.execute(update(OutboundMessage).where(OutboundMessage.id == row_id)
                   .values(status="failed", last_error="超过 24 小时仍未送达，已放弃", **values))


def test_retry_sends_only_what_is_missing_and_restarts_the_age(fake_api: Deps) -> None:
    queue(fake_api, "zhaojianguo01", Reply(text="第一部分", extra=("第二部分",)))
    row = rows(fake_api)[0]
    fail(fake_api, row.id, parts_sent=1)  # part one reached him before it gave up
    advance(fake_api, hours=30)
    with fake_api.sessions.begin() as db:
        assert requeue(db, fake_api.clock()) == [row.id]
    again = rows(fake_api)[0]
    assert again.status == "pending" and again.requeued_at == fake_api.clock() and again.next_attempt_at == fake_api.clock()
    assert flush_outbox(fake_api) == 1  # 30 hours after it was queued, but its age counts from the retry
    assert [m["text"]["content"] for m in pushed(fake_api, "zhaojianguo01")] == ["第二部分"]
    with fake_api.sessions.begin() as db:
        assert requeue(db, fake_api.clock()) == []  # nothing failed any more


def test_outbox_retry_command(cli_roster: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deps = Deps.build(load_settings())
    try:
        queue(deps, "zhaojianguo01", Reply.of("提醒"), count=3)
        ids = [r.id for r in rows(deps)]
        fail(deps, ids[0])
        fail(deps, ids[1])
        assert main(["outbox", "retry", str(ids[0])]) == 0
        assert f"#{ids[0]}" in capsys.readouterr().out
        assert main(["outbox", "retry", str(ids[2])]) == 2  # pending: nothing to retry
        assert "只有发送失败的消息可以重试" in capsys.readouterr().err
        assert main(["outbox", "retry", "999"]) == 2
        assert main(["outbox", "retry", "--failed"]) == 0
        assert f"已重新排队 1 条消息：#{ids[1]}" in capsys.readouterr().out
        assert [r.status for r in rows(deps)] == ["pending"] * 3
        assert main(["outbox", "retry", "--failed"]) == 0
        assert "没有发送失败的消息" in capsys.readouterr().out
    finally:
        deps.close()


def test_outbox_send_command(cli_roster: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outbox", "send", "--to", "zhaojianguo01, somebody9", "测试", "消息"]) == 0
    out = capsys.readouterr().out
    assert "zhaojianguo01\t已排队" in out and "somebody9（不在花名册中）" in out
    deps = Deps.build(load_settings())
    try:
        queued = rows(deps)
    finally:
        deps.close()
    assert [(r.recipient, r.purpose, r.payload["content"]) for r in queued] == [
        ("zhaojianguo01", "test", "测试 消息"), ("somebody9", "test", "测试 消息")]
    assert main(["outbox", "send", "--to", "赵建国", "测试"]) == 2
    assert "收件人账号无效" in capsys.readouterr().err
    # WeCom is not configured here, so nothing sends it: --wait reports it still waiting, and fails.
    assert main(["outbox", "send", "--to", "zhaojianguo01", "--wait", "0.5", "再测"]) == 1
    assert capsys.readouterr().out.rstrip().endswith("待发送")


def test_healthz_reports_the_outbox(roster_deps: Deps) -> None:
    queue(roster_deps, "zhaojianguo01", Reply.of("提醒"), count=2)
    fail(roster_deps, rows(roster_deps)[0].id)
    advance(roster_deps, seconds=42)
    body = create_app(deps=roster_deps).test_client().get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["outbox"] == {"queued": 1, "due": 1, "sending": 0, "failed": 1, "lag_seconds": 42.0,
                              "oldest_queued_seconds": 42.0, "crisis_undelivered": 0}


def test_migration_matches_the_model(deps: Deps) -> None:
    with deps.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert [d for d in diff if "outbound_message" in repr(d)] == []
