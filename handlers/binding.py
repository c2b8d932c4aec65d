"""Binding codes in chat: a counselor or admin issues the one-time code a student sends to the WeChat
Official Account to bind, so nobody can speak there as someone else.

Example: "绑定码 李思琪" (or "绑定码 lisiqi01") → 李思琪的绑定码：123456（72小时内有效，仅能使用一次）…
"""

from __future__ import annotations

import re

from sqlalchemy import or_, select

from bot.channels.binding import BindingError, issue_code
from bot.chat.context import Context
from bot.chat.messages import Incoming, Reply
from bot.store.models import Person
from bot.terms.roles import ADMIN, COUNSELOR

ISSUERS = frozenset({COUNSELOR, ADMIN})
COMMAND = re.compile(r"^\s*(?:生成)?绑定码\s*[:：]?\s*(\S*)\s*$")


def is_code_request(msg: Incoming, ctx: Context) -> bool:
    return COMMAND.match(msg.text) is not None


def issue_binding_code(msg: Incoming, ctx: Context) -> Reply:
    """Issue a code for the student named by name or userid."""
    m = COMMAND.match(msg.text)
    assert m is not None
    who = m.group(1)
    if not who:
        return Reply.of("请写明学生姓名或账号，例如：绑定码 李思琪")
    found = list(ctx.db.scalars(select(Person).where(
        Person.school_id == ctx.school.id, Person.active.is_(True), or_(Person.userid == who, Person.name == who))))
    if not found:
        return Reply.of(f"花名册中没有“{who}”。请检查姓名或账号。")
    if len(found) > 1:
        options = "、".join(f"{p.name}（{p.userid}，{p.class_name or p.department}）" for p in found)
        return Reply.of(f"有{len(found)}位同名：{options}。请改用账号，例如：绑定码 {found[0].userid}")
    student = found[0]
    try:
        code = issue_code(ctx.db, ctx.school, student, ctx.sender, ctx.now)
    except BindingError as exc:
        return Reply.of(str(exc))
    return Reply.of(f"{student.name}的绑定码：{code}（72小时内有效，仅能使用一次）。"
                    f"请让其关注学校公众号后发送“绑定 {code}”。")
