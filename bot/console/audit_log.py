"""The audit trail of the console (N20, PIPL): every change made in the console, and every read of a
concern, a person, a record, a photo or an export, writes one AuditLog row (who, what object, when, from
which address — never the content); the audit page lists them to an auditor (their school, or all).

Example: accepting a suggested link writes `links.accept` with the pairs added, by `console:wang`;
opening ticket #12 writes `concern.read` with target `concern#12`.
"""

from __future__ import annotations

from typing import Any

from flask import g, render_template, request
from sqlalchemy import func, select

from bot.console.paging import Page, paginate
from bot.store.audit import record
from bot.store.models import AuditLog, School

ACTION_ZH = {
    "console.login": "登录管理台",
    "console.logout": "退出管理台",
    "console.lockout": "登录失败次数过多，账号暂时锁定",
    "console.account_create": "创建管理台账号",
    "links.apply": "采纳联系关系建议",
    "links.add": "新增联系关系",
    "links.end": "结束联系关系",
    "links.standing": "设置校领导联系的班级/宿舍/社团",
    "links.standing_end": "结束校领导联系的班级/宿舍/社团",
    "concern.reply": "答复问题",
    "concern.group_reply": "答复共性问题",
    "concern.status": "更改问题状态",
    "concern.deadline": "更改办结期限",
    "concern.reveal_sender": "查看匿名提问人身份",
    "roster.import": "导入花名册",
    "outbox.retry": "重新发送失败的消息",
    "outbox.acknowledge": "确认未送达的危机预警已另行处理",
    "concern.list": "查看问题列表",
    "concern.read": "查看问题",
    "person.read": "查看人员",
    "person.record_read": "查看工作记录",
    "record.read": "查看联系记录",
    "evidence.read": "查看证明照片",
    "export.progress": "导出工作进展报表",
    "export.records": "导出联系记录",
    "export.concerns": "导出问题反映",
    "export.person_record": "导出个人工作记录",
    "person.export": "导出个人信息",
    "person.erase": "删除个人信息",
    "console.account_disable": "停用管理台账号",
    "console.account_enable": "启用管理台账号",
    "console.password_reset": "重置管理台密码",
    "concern.mark_missed": "标记漏报的危机",
    "feedback.add": "加入误报漏报样本",
    "feedback.list": "查看误报漏报样本",
    "feedback.export": "下载误报漏报样本",
    "audit.purge": "按保存期限删除日志",
    "retention.purge": "按保存期限删除数据",
}


def write_audit(action: str, target: str, detail: dict[str, Any], school_id: int | None) -> None:
    """Add an AuditLog row for what the current viewer did or read (inside the request's transaction)."""
    record(g.db, school_id=school_id, actor=g.viewer.actor, action=action, target=target, detail=detail,
           at=g.deps.clock(), address=request.remote_addr or "")


def show_audit() -> str:
    """List the audit log, newest first, optionally filtered by action."""
    scope = g.scope
    action = request.args.get("action", "")
    where = [scope.audit()]
    if action:
        where.append(AuditLog.action == action)
    query = select(AuditLog).where(*where).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    total = g.db.scalar(select(func.count(AuditLog.id)).where(*where)) or 0
    page: Page[AuditLog] = paginate(g.db, query, total)
    actions = sorted(g.db.scalars(select(AuditLog.action).where(scope.audit()).distinct()))
    schools = {s.id: s.name for s in g.db.scalars(select(School))}
    return render_template("console/audit.html", page=page, action=action, actions=actions, schools=schools,
                           action_zh=ACTION_ZH)
