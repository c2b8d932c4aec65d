"""`contactbot admin …`: local accounts for the web console (the demo, schools without WeCom, province staff,
auditors): create (printing the otpauth:// URI when the role needs a TOTP code), list, disable, enable,
reset-password, reset-totp, unlock. Disabling an account or resetting its password ends its sessions.

Example: `contactbot admin create --username wang --role admin` asks for the password twice;
`echo "$PW" | contactbot admin create --username prov --role province` reads it from stdin.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any

from bot.cli.main import UserError, _require_schema, _school
from bot.config import Settings


def add_commands(sub: Any) -> None:
    admin = sub.add_parser("admin", help="console accounts").add_subparsers(dest="admin_command", metavar="ACTION")
    admin.required = True
    create = admin.add_parser("create", help="create a console account (password asked, or read from stdin)")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=("admin", "department_head", "leader", "province", "auditor"))
    create.add_argument("--school", default="",
                        help="school code (default: the default school; not for province; an auditor without it "
                             "reads every school's audit log: --all-schools)")
    create.add_argument("--all-schools", action="store_true", help="an auditor of the whole deployment")
    create.add_argument("--userid", help="the roster person this account is (required for leader)")
    create.add_argument("--department", help="the department a department head sees (default: the person's)")
    create.add_argument("--name", default="", help="name shown in the console (default: the person's name)")
    create.set_defaults(fn=cmd_admin_create)
    listing = admin.add_parser("list", help="list console accounts")
    listing.set_defaults(fn=cmd_admin_list)
    unlock = admin.add_parser("unlock", help="clear the failed-login lock of a username")
    unlock.add_argument("--username", required=True)
    unlock.set_defaults(fn=cmd_admin_unlock)
    for name, help_text, fn in (("disable", "disable an account and end its sessions", cmd_admin_disable),
                                ("enable", "enable a disabled account", cmd_admin_enable),
                                ("reset-password", "set a new password (asked, or read from stdin); ends its sessions",
                                 cmd_admin_reset_password),
                                ("reset-totp", "issue a new TOTP secret and print its otpauth:// URI; ends its sessions",
                                 cmd_admin_reset_totp)):
        action = admin.add_parser(name, help=help_text)
        action.add_argument("--username", required=True)
        action.set_defaults(fn=fn)


def read_password(prompt: str = "密码: ") -> str:
    """Ask for the password twice on a terminal; read one line from stdin otherwise."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("再输入一次: ") != first:
            raise UserError("两次输入的密码不一致")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_admin_create(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from bot.console.accounts import AccountError, create_account, totp_uri

    deps = Deps.build(settings)
    uri = ""
    try:
        _require_schema(deps)
        with deps.sessions.begin() as db:
            whole = args.role == "province" or (args.role == "auditor" and args.all_schools)
            school = None if whole and not args.school else _school(db, args.school, settings)
            password = read_password()
            try:
                account = create_account(db, school, args.username, password, args.role, now=deps.clock(),
                                         settings=settings, userid=args.userid, department=args.department or "",
                                         name=args.name, actor="cli")
            except AccountError as exc:
                raise UserError(str(exc)) from None
            if account.totp_secret:
                uri = totp_uri(account, school.name if school else settings.app.school_name)
    finally:
        deps.close()
    print(f"已创建管理台账号 {args.username.strip().lower()}（{args.role}）")
    if uri:
        print(f"该角色登录需要动态口令。请用验证器（如企业微信、Microsoft Authenticator）添加：\n{uri}")
    return 0


def _change_account(args: argparse.Namespace, settings: Settings, change: Callable[..., object],
                    end: bool = True) -> tuple[str, str]:
    """Run one change on an account in a transaction (ending its sessions); return (username, TOTP URI or "")."""
    from bot.chat.context import Deps
    from bot.console.accounts import AccountError, find_account, totp_uri
    from bot.console.sessions import end_sessions
    from bot.store.models import School

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions.begin() as db:
            try:
                account = find_account(db, args.username)
                change(db, account, deps)
            except AccountError as exc:
                raise UserError(str(exc)) from None
            school = db.get(School, account.school_id) if account.school_id else None
            uri = totp_uri(account, school.name if school else settings.app.school_name) \
                if change is _new_totp else ""
            username, account_id = account.username, account.id
        if end:
            end_sessions(deps, f"account:{account_id}")
    finally:
        deps.close()
    return username, uri


def cmd_admin_disable(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.accounts import set_active

    username, _ = _change_account(args, settings, lambda db, a, deps: set_active(db, a, False, deps.clock()))
    print(f"已停用管理台账号 {username}，其登录会话已全部结束")
    return 0


def cmd_admin_enable(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.accounts import set_active

    username, _ = _change_account(args, settings, lambda db, a, deps: set_active(db, a, True, deps.clock()),
                                  end=False)
    print(f"已启用管理台账号 {username}")
    return 0


def cmd_admin_reset_password(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.accounts import reset_password

    password = read_password("新密码: ")
    username, _ = _change_account(
        args, settings, lambda db, a, deps: reset_password(db, a, password, deps.clock(), settings))
    print(f"已重置 {username} 的密码，其登录会话已全部结束")
    return 0


def _new_totp(db: Any, account: Any, deps: Any) -> None:
    from bot.console.accounts import reset_totp

    reset_totp(db, account, deps.clock())


def cmd_admin_reset_totp(args: argparse.Namespace, settings: Settings) -> int:
    username, uri = _change_account(args, settings, _new_totp)
    print(f"已为 {username} 重新生成动态口令密钥（旧密钥作废，其登录会话已全部结束）。请用验证器添加：\n{uri}")
    return 0


def cmd_admin_list(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.chat.context import Deps
    from bot.console.models import CONSOLE_ROLE_ZH, ConsoleAccount
    from bot.store.models import School

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
    from bot.chat.context import Deps
    from bot.console.login import clear_failures

    deps = Deps.build(settings)
    try:
        clear_failures(deps, args.username.strip().lower())
    finally:
        deps.close()
    print(f"已解除 {args.username} 的登录锁定")
    return 0
