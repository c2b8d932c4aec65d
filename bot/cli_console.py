"""`contactbot admin …`: local accounts for the web console (the demo, schools without WeCom, province staff).

Example: `contactbot admin create --username wang --role admin` asks for the password twice;
`echo "$PW" | contactbot admin create --username prov --role province` reads it from stdin.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from bot.cli import UserError, _require_schema, _school
from bot.config import Settings


def add_commands(sub: Any) -> None:
    admin = sub.add_parser("admin", help="console accounts").add_subparsers(dest="admin_command", metavar="ACTION")
    admin.required = True
    create = admin.add_parser("create", help="create a console account (password asked, or read from stdin)")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=("admin", "department_head", "leader", "province"))
    create.add_argument("--school", default="", help="school code (default: the default school; not for province)")
    create.add_argument("--userid", help="the roster person this account is (required for leader)")
    create.add_argument("--department", help="the department a department head sees (default: the person's)")
    create.add_argument("--name", default="", help="name shown in the console (default: the person's name)")
    create.set_defaults(fn=cmd_admin_create)
    listing = admin.add_parser("list", help="list console accounts")
    listing.set_defaults(fn=cmd_admin_list)
    unlock = admin.add_parser("unlock", help="clear the failed-login lock of a username")
    unlock.add_argument("--username", required=True)
    unlock.set_defaults(fn=cmd_admin_unlock)


def read_password(prompt: str = "密码: ") -> str:
    """Ask for the password twice on a terminal; read one line from stdin otherwise."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("再输入一次: ") != first:
            raise UserError("两次输入的密码不一致")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_admin_create(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.accounts import AccountError, create_account
    from bot.context import Deps

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions.begin() as db:
            school = None if args.role == "province" and not args.school else _school(db, args.school, settings)
            password = read_password()
            try:
                create_account(db, school, args.username, password, args.role, now=deps.clock(), userid=args.userid,
                               department=args.department or "", name=args.name, actor="cli")
            except AccountError as exc:
                raise UserError(str(exc)) from None
    finally:
        deps.close()
    print(f"已创建管理台账号 {args.username.strip().lower()}（{args.role}）")
    return 0


def cmd_admin_list(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.console.models import CONSOLE_ROLE_ZH, ConsoleAccount
    from bot.context import Deps
    from bot.models import School

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions() as db:
            schools = {s.id: s.code for s in db.scalars(select(School))}
            for a in db.scalars(select(ConsoleAccount).order_by(ConsoleAccount.username)):
                where = schools.get(a.school_id or 0, "全部学校")
                extra = " ".join(x for x in (a.userid or "", a.department) if x)
                state = "" if a.active else " 已停用"
                print(f"{a.username}\t{CONSOLE_ROLE_ZH.get(a.role, a.role)}\t{where}\t{extra}{state}")
    finally:
        deps.close()
    return 0


def cmd_admin_unlock(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.login import clear_failures
    from bot.context import Deps

    deps = Deps.build(settings)
    try:
        clear_failures(deps, args.username.strip().lower())
    finally:
        deps.close()
    print(f"已解除 {args.username} 的登录锁定")
    return 0
