"""`contactbot outbox …`, `contactbot wecom menu` and `contactbot official code`: the channels' commands.

Example: `contactbot outbox list --json` prints every queued and sent message as JSON lines, each with
its `body`: the API requests that send it, as the platform gets them (a template card in full).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from bot.cli import UserError, _require_schema, _school
from bot.config import Settings

if TYPE_CHECKING:  # the commands import what they use when run, so `contactbot --help` stays quick
    from bot.context import Deps
    from bot.messages import Reply
    from bot.models import OutboundMessage

STATUS_ZH = {"pending": "待发送", "sending": "发送中", "sent": "已发送", "failed": "失败", "dropped": "已丢弃"}


def add_commands(sub: Any) -> None:
    outbox = sub.add_parser("outbox", help="messages the bot sends on its own").add_subparsers(
        dest="outbox_command", metavar="ACTION")
    outbox.required = True
    lst = outbox.add_parser("list", help="show queued and sent messages (to, text, status, attempts)")
    lst.add_argument("--json", action="store_true", help="one JSON object per line, with the full request body")
    lst.add_argument("--status", choices=sorted(STATUS_ZH), help="only messages with this status")
    lst.add_argument("--limit", type=int, default=100, help="newest N messages (default 100)")
    lst.set_defaults(fn=cmd_outbox_list)
    flush = outbox.add_parser("flush", help="send the due messages once (what the scheduler does)")
    flush.set_defaults(fn=cmd_outbox_flush)

    wecom = sub.add_parser("wecom", help="the WeCom app").add_subparsers(dest="wecom_command", metavar="ACTION")
    wecom.required = True
    menu = wecom.add_parser("menu", help="install the app menu (记录 / 进度 / 帮助) through the WeCom API")
    menu.add_argument("--school", default="")
    menu.set_defaults(fn=cmd_wecom_menu)

    official = sub.add_parser("official", help="the WeChat Official Account").add_subparsers(
        dest="official_command", metavar="ACTION")
    official.required = True
    code = official.add_parser("code", help="issue a one-time binding code for a person (valid 72 hours)")
    code.add_argument("--for", dest="student", required=True, metavar="USERID")
    code.add_argument("--by", dest="issuer", metavar="USERID", help="the counselor or admin issuing it")
    code.set_defaults(fn=cmd_official_code)


def cmd_outbox_list(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.context import Deps
    from bot.models import OutboundMessage, School
    from jobs.outbox import stored_reply

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions() as db:
            query = select(OutboundMessage).order_by(OutboundMessage.id.desc()).limit(args.limit)
            if args.status:
                query = query.where(OutboundMessage.status == args.status)
            rows = list(reversed(db.scalars(query).all()))
            schools = {s.id: s.code for s in db.scalars(select(School))}
        bodies = [request_bodies(deps, row, stored_reply(row.msgtype, row.payload), schools.get(row.school_id, ""))
                  for row in rows] if args.json else []
    finally:
        deps.close()
    for index, row in enumerate(rows):
        text = stored_reply(row.msgtype, row.payload).plain()
        item = {"id": row.id, "to": row.recipient, "channel": row.channel, "msgtype": row.msgtype, "text": text,
                "status": row.status, "attempts": row.attempts, "purpose": row.purpose,
                "created_at": row.created_at.isoformat(), "sent_at": row.sent_at.isoformat() if row.sent_at else None,
                "last_error": row.last_error, "body": bodies[index] if bodies else None}
        if args.json:
            print(json.dumps(item, ensure_ascii=False))
        else:
            one_line = text.replace("\n", " ")
            short = one_line if len(one_line) <= 40 else one_line[:39] + "…"
            print(f"#{row.id}\t{row.recipient}\t{STATUS_ZH.get(row.status, row.status)}\t尝试{row.attempts}次\t{short}")
    if not rows and not args.json:
        print("发件箱为空。")
    return 0


def request_bodies(deps: Deps, row: OutboundMessage, reply: Reply, school: str) -> list[dict[str, Any]]:
    """What the row sends, request by request, as the platform gets it (a card with its task id); a file is
    uploaded at send time, so it shows as its path. Unconfigured channels show the stored payload."""
    from bot.channels.official import OfficialChannel
    from bot.channels.registry import build_channel
    from bot.channels.wecom import WecomChannel

    channel = build_channel(deps, row.channel, school, http=None)
    if isinstance(channel, WecomChannel):
        bodies = [body for _, body in channel.calls(row.recipient, reply, task_prefix=f"ob{row.id}")]
    elif isinstance(channel, OfficialChannel):
        bodies = channel.bodies(row.recipient, reply)
    else:
        return [dict(row.payload)]
    if reply.attachment is not None:
        bodies.append({"touser": row.recipient, "msgtype": "file",
                       "file": {"path": reply.attachment.path, "name": reply.attachment.name}})
    return bodies


def cmd_outbox_flush(args: argparse.Namespace, settings: Settings) -> int:
    from bot.context import Deps
    from jobs.outbox import flush_outbox

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        sent = flush_outbox(deps)
    finally:
        deps.close()
    print(f"已发送 {sent} 条消息。")
    return 0


def cmd_wecom_menu(args: argparse.Namespace, settings: Settings) -> int:
    import requests

    from bot.channels.registry import build_channel
    from bot.channels.wecom import WecomChannel
    from bot.channels.wecom_api import ApiError, TransportError
    from bot.context import Deps

    deps = Deps.build(settings)
    try:
        with requests.Session() as http:
            channel = build_channel(deps, "wecom", args.school, http)
            if not isinstance(channel, WecomChannel):
                raise UserError("企业微信应用未配置：请在 [wecom]（或 [[schools]]）中填写 corp_id、secret、token、encoding_aes_key")
            try:
                channel.install_menu()
            except (ApiError, TransportError) as exc:
                raise UserError(f"企业微信接口出错：{exc}") from None
    finally:
        deps.close()
    print("已设置应用菜单：记录 / 进度 / 帮助")
    return 0


def cmd_official_code(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.channels.binding import BindingError, issue_code
    from bot.context import Deps
    from bot.models import Person

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions.begin() as db:
            school = _school(db, "", settings)

            def person(userid: str) -> Person:
                found = db.scalar(select(Person).where(Person.school_id == school.id, Person.userid == userid))
                if found is None:
                    raise UserError(f"花名册中没有账号 {userid}")
                return found

            student = person(args.student)
            issuer = person(args.issuer) if args.issuer else None
            try:
                code = issue_code(db, school, student, issuer, deps.clock())
            except BindingError as exc:
                raise UserError(str(exc)) from None
    finally:
        deps.close()
    print(f"{student.name}的绑定码：{code}（72小时内有效，仅能使用一次）。请让其关注公众号后发送“绑定 {code}”。")
    return 0
