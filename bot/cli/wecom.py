"""`contactbot outbox …`, `contactbot wecom menu` and `contactbot official code`: the channels' commands.

Example: `contactbot outbox send --to zhaojianguo01 测试消息 --wait 30` queues a test message, waits for the
scheduler to send it and prints 已发送 (or why not); `contactbot outbox retry --failed` queues failures again;
`contactbot outbox list --json` prints each message with its `body`: the API requests that send it, as the
platform gets them (a template card in full).
"""

from __future__ import annotations

import argparse
import json
import re
from typing import TYPE_CHECKING, Any

from bot.cli.main import UserError, _require_schema, _school
from bot.config import Settings

if TYPE_CHECKING:  # the commands import what they use when run, so `contactbot --help` stays quick
    from bot.chat.context import Deps
    from bot.chat.messages import Reply
    from bot.store.models import OutboundMessage

USERID = re.compile(r"[A-Za-z0-9_.@:-]{1,64}")  # a WeCom userid (or an openid: recipient)
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
    retry = outbox.add_parser("retry", help="queue failed messages again (parts already sent are not repeated)")
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?", type=int, help="the message's number (#ID in `outbox list`)")
    which.add_argument("--failed", action="store_true", help="every failed message")
    retry.set_defaults(fn=cmd_outbox_retry)
    send = outbox.add_parser("send", help="queue a test message to people, sent like every other message")
    send.add_argument("--to", required=True, metavar="USERID[,USERID…]", help="WeCom userids, comma-separated")
    send.add_argument("--channel", default="wecom", choices=("wecom", "official"))
    send.add_argument("--school", default="", help="school code (default: the default school)")
    send.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                      help="wait up to this long for the scheduler to send them, and report")
    send.add_argument("text", nargs="+")
    send.set_defaults(fn=cmd_outbox_send)

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

    from bot.chat.context import Deps
    from bot.store.models import OutboundMessage, School
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
    from bot.channels.base import Step
    from bot.channels.registry import build_channel

    channel = build_channel(deps, row.channel, school, http=None)
    if channel is None:
        return [dict(row.payload)]
    bodies = []
    for index, part in enumerate(channel.parts(reply)):
        step = Step(f"ob{row.id}p{index}", int(row.payload.get("variant", 0) or 0))
        if part.attachment is not None:
            bodies.append({"touser": row.recipient, "msgtype": "file",
                           "file": {"path": part.attachment.path, "name": part.attachment.name}})
        else:
            bodies.append(channel.request(row.recipient, part, step)[1])
    return bodies


def cmd_outbox_flush(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from jobs.outbox import flush_outbox

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        sent = flush_outbox(deps)
    finally:
        deps.close()
    print(f"已发送 {sent} 条消息。")
    return 0


def cmd_outbox_retry(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from bot.chat.outbox import requeue
    from bot.store.models import OutboundMessage

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions.begin() as db:
            if args.failed:
                again = requeue(db, deps.clock())
            else:
                row = db.get(OutboundMessage, args.id)
                if row is None:
                    raise UserError(f"没有编号为 #{args.id} 的消息")
                if row.status != "failed":
                    raise UserError(f"#{args.id} 的状态是“{STATUS_ZH.get(row.status, row.status)}”，只有发送失败的消息可以重试")
                again = requeue(db, deps.clock(), ids=[args.id])
    finally:
        deps.close()
    if not again:
        print("没有发送失败的消息。")
    else:
        print(f"已重新排队 {len(again)} 条消息：" + "、".join(f"#{i}" for i in again) + "。调度器将在几秒内发送。")
    return 0


def cmd_outbox_send(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from sqlalchemy import select

    from bot.chat.context import Deps
    from bot.chat.messages import Reply
    from bot.chat.outbox import Outbox
    from bot.store.models import OutboundMessage, Person

    recipients = list(dict.fromkeys(u.strip() for u in args.to.split(",") if u.strip()))
    bad = [u for u in recipients if not USERID.fullmatch(u)]
    if not recipients or bad:
        raise UserError(f"收件人账号无效：{'、'.join(bad) or '（空）'}；请用英文逗号分隔企业微信账号")
    text = " ".join(args.text).strip()
    if not text:
        raise UserError("消息内容不能为空")
    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions.begin() as db:
            school = _school(db, args.school, settings)
            known = set(db.scalars(select(Person.userid).where(Person.school_id == school.id,
                                                               Person.userid.in_(recipients))))
            outbox = Outbox(db, school, deps.clock(), default_channel=args.channel)
            rows = [outbox.send(u, Reply.of(text), purpose="test", channel=args.channel) for u in recipients]
            db.flush()
            ids = {row.recipient: row.id for row in rows if row is not None}
        for userid in recipients:
            note = "" if userid in known else "（不在花名册中）"
            print(f"#{ids[userid]}\t{userid}{note}\t已排队")
        if args.wait <= 0:
            print("调度器将在几秒内发送；用 contactbot outbox list 查看结果。")
            return 0
        deadline = time.monotonic() + args.wait
        while True:
            with deps.sessions() as db:
                final = {r.id: r for r in db.scalars(select(OutboundMessage).where(OutboundMessage.id.in_(ids.values())))}
            if all(r.status in ("sent", "failed") for r in final.values()) or time.monotonic() >= deadline:
                break
            time.sleep(0.5)
    finally:
        deps.close()
    for userid in recipients:
        row = final[ids[userid]]
        error = f"\t{row.last_error}" if row.status != "sent" and row.last_error else ""
        print(f"#{row.id}\t{userid}\t{STATUS_ZH.get(row.status, row.status)}{error}")
    return 0 if all(r.status == "sent" for r in final.values()) else 1


def cmd_wecom_menu(args: argparse.Namespace, settings: Settings) -> int:
    import requests

    from bot.channels.registry import build_channel
    from bot.channels.wecom import WecomChannel
    from bot.channels.wecom_api import ApiError, TransportError
    from bot.chat.context import Deps

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
    from bot.chat.context import Deps
    from bot.store.models import Person

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
