"""The outbox page for admins: how many messages wait, are being sent or failed, per purpose, how late
the oldest is, and the failed and overdue messages (who, what for, why; never what they say), with a
button to queue failures again; and the banner every console page shows while a crisis alert has not
reached anyone, with the button to acknowledge it once handled another way.

Example: GET /console/outbox — "待发送 3 · 发送中 1 · 失败 2 · 最久等待 12 秒"; POST …/retry queues #41 again.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from flask import abort, flash, g, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from bot.chat.outbox import acknowledge, requeue
from bot.console.access import visible_or_403
from bot.console.audit_log import write_audit
from bot.console.models import ADMIN, PROVINCE
from bot.store.models import OutboundMessage, Person
from bot.store.outbox_status import in_schools, outbox_lag, outbox_summary, undelivered_crisis

PURPOSE_ZH = {
    "reminder": "联系提醒",
    "digest": "周报",
    "confirmation": "确认请求",
    "reply": "回复",
    "concern_new": "问题反映通知",
    "concern_reply": "问题答复",
    "concern_followup": "问题跟进",
    "concern_reopened": "问题重新打开",
    "common_problem": "共性问题",
    "crisis_alert": "危机预警",
    "test": "测试消息",
    "notice": "通知",
}
STATUS_ZH = {"pending": "待发送", "sending": "发送中", "sent": "已发送", "failed": "失败", "dropped": "已确认处理"}
ROWS_SHOWN = 50


def show_outbox() -> str:
    """Render the outbox page for the schools in view."""
    db, scope, deps = g.db, g.scope, g.deps
    now = deps.clock()
    day_start = datetime.combine(deps.today(now), time.min, tzinfo=deps.settings.tz)
    schools = scope.school_ids
    failed = list(db.scalars(select(OutboundMessage).where(
        OutboundMessage.status == "failed", OutboundMessage.acknowledged_at.is_(None), in_schools(schools))
        .order_by(OutboundMessage.id.desc()).limit(ROWS_SHOWN)))
    overdue = list(db.scalars(select(OutboundMessage).where(
        OutboundMessage.status.in_(("pending", "sending")), OutboundMessage.next_attempt_at <= now,
        in_schools(schools)).order_by(OutboundMessage.next_attempt_at).limit(ROWS_SHOWN)))
    return render_template("console/outbox.html", lag=outbox_lag(db, now, schools),
                           summary=outbox_summary(db, now, schools, day_start), failed=failed, overdue=overdue,
                           names=_names(db, failed + overdue), purpose_zh=PURPOSE_ZH, status_zh=STATUS_ZH, now=now,
                           give_up_hours=deps.settings.outbox.give_up_hours, can_act=g.viewer.role == ADMIN)


def _names(db: Session, rows: list[OutboundMessage]) -> dict[tuple[int, str], str]:
    """The roster names of the recipients, by (school, userid)."""
    userids = {r.recipient for r in rows}
    if not userids:
        return {}
    people = db.execute(select(Person.school_id, Person.userid, Person.name).where(Person.userid.in_(userids)))
    return {(school_id, userid): name for school_id, userid, name in people}


def retry_one(row_id: int) -> Response:
    """Queue one failed message again."""
    row: OutboundMessage = visible_or_403(g.db, OutboundMessage, row_id, in_schools(g.scope.school_ids))
    if requeue(g.db, g.deps.clock(), ids=[row.id]):
        write_audit("outbox.retry", f"outbox#{row.id}", {"purpose": row.purpose}, row.school_id)
        flash(f"已将 #{row.id} 重新排队，几秒内发送。", "ok")
    else:
        flash(f"#{row.id} 不是发送失败的消息，无需重试。", "error")
    return redirect(url_for("console.outbox"))


def retry_failed() -> Response:
    """Queue every failed message of the schools in view again."""
    again = requeue(g.db, g.deps.clock(), school_ids=g.scope.school_ids)
    if again:
        write_audit("outbox.retry", "outbox", {"ids": again[:200], "count": len(again)}, g.scope.single_school)
    flash(f"已将 {len(again)} 条失败的消息重新排队。" if again else "没有发送失败的消息。", "ok")
    return redirect(url_for("console.outbox"))


def acknowledge_alert(row_id: int) -> Response:
    """Mark an undeliverable urgent message as handled another way (it is no longer retried)."""
    row: OutboundMessage = visible_or_403(g.db, OutboundMessage, row_id, in_schools(g.scope.school_ids))
    if not row.urgent or row.status == "sent" or row.acknowledged_at is not None:
        abort(400, "该消息不是未送达的紧急消息。")
    acknowledge(g.db, row, g.viewer.actor, g.deps.clock())
    write_audit("outbox.acknowledge", f"outbox#{row.id}", {"purpose": row.purpose, "to": row.recipient},
                row.school_id)
    flash(f"已确认 #{row.id} 已另行处理，不再重发。", "ok")
    return redirect(url_for("console.outbox"))


def crisis_banner() -> list[dict[str, Any]]:
    """The undelivered crisis alerts an admin (or the province) must see on every page."""
    viewer = g.get("viewer")
    if viewer is None or viewer.role not in (ADMIN, PROVINCE) or g.get("scope") is None:
        return []
    with g.deps.sessions() as db:  # its own session: error pages render after the request's has ended
        rows = undelivered_crisis(db, g.deps.clock(), g.scope.school_ids)
        names = _names(db, rows)
    return [{"id": r.id, "to": names.get((r.school_id, r.recipient), r.recipient), "status": STATUS_ZH[r.status],
             "since": r.created_at, "error": r.last_error or ""} for r in rows]
