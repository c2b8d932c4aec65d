"""The console's outbox page (admins: counts per purpose, failures with a retry button) and the banner every
page shows an admin while a crisis alert has not reached anyone, until it is acknowledged."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from bot.chat.context import Deps
from bot.chat.messages import Reply
from bot.chat.outbox import Outbox
from bot.store.db import school_by_code
from bot.store.models import AuditLog, OutboundMessage
from tests.console.conftest import Seed, login_as, post
from tests.wecom.test_outbox import queue, rows
from tests.wecom.test_outbox_ops import fail


def crisis_row(deps: Deps, minutes_ago: int) -> int:
    with deps.sessions.begin() as db:
        school = school_by_code(db, "", deps.settings)
        assert school is not None
        row = Outbox(db, school, deps.clock() - timedelta(minutes=minutes_ago)).send(
            "qinyaqin01", Reply.of("【紧急·危机预警】#9"), purpose="crisis_alert", urgent=True)
        assert row is not None
        db.flush()
        return row.id


def test_the_crisis_banner_shows_on_every_page_until_acknowledged(client: FlaskClient, console_deps: Deps,
                                                                  seed: Seed) -> None:
    fresh = crisis_row(console_deps, 0)
    login_as(client, "admin")
    assert "危机预警未送达" not in client.get("/console/").get_data(as_text=True)  # still within its minute
    late = crisis_row(console_deps, 5)
    for page in ("/console/", "/console/people", "/console/concerns"):
        html = client.get(page).get_data(as_text=True)
        assert "危机预警未送达（1 条）" in html and f"#{late} 发给 秦雅琴" in html and f"#{fresh} " not in html
    assert "【紧急·危机预警】" not in client.get("/console/").get_data(as_text=True)  # never the words themselves
    assert post(client, f"/console/outbox/{late}/acknowledge").status_code == 302
    assert "危机预警未送达" not in client.get("/console/").get_data(as_text=True)
    with console_deps.sessions() as db:
        row = db.get(OutboundMessage, late)
        assert row is not None and row.status == "dropped" and row.acknowledged_by == "console:admin1"
        assert db.scalar(select(AuditLog.action).where(AuditLog.target == f"outbox#{late}")) == "outbox.acknowledge"
    assert post(client, f"/console/outbox/{fresh}/acknowledge").status_code == 302  # it may be handled early too


def test_leaders_see_no_banner(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    crisis_row(console_deps, 5)
    login_as(client, "leader")
    assert "危机预警未送达" not in client.get("/console/").get_data(as_text=True)


def test_the_outbox_page_counts_and_retries(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    queue(console_deps, "zhaojianguo01", Reply.of("提醒"), count=2)
    queue(console_deps, "qianzhenhua01", Reply.of("答复"))
    failed = rows(console_deps)[0].id
    fail(console_deps, failed)
    login_as(client, "admin")
    html = client.get("/console/outbox").get_data(as_text=True)
    assert "发件箱" in html and "通知" in html and f"#{failed}" in html and "赵建国" in html
    assert "超过 24 小时仍未送达" in html and "重新发送" in html and "提醒" not in html.split("outbox-failed")[1]
    assert post(client, f"/console/outbox/{failed}/retry").status_code == 302
    assert "已将" in client.get("/console/outbox").get_data(as_text=True)
    assert [r.status for r in rows(console_deps)] == ["pending"] * 3
    with console_deps.sessions() as db:
        assert db.scalar(select(AuditLog.action).where(AuditLog.target == f"outbox#{failed}")) == "outbox.retry"
