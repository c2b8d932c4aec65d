"""The `contactbot` command line: database, roster, the server, and talking to the bot.

Example: `contactbot roster import roster.csv --dry-run`.
Errors print one line on stderr and exit non-zero; user mistakes never show a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.chat.context import Deps
    from bot.store.models import School


class UserError(Exception):
    """A mistake the user can fix; printed as one line."""


Command = Callable[[argparse.Namespace, Settings], int]

# Modules that add subcommands: each has `add_commands(sub)` and sets `fn(args, settings) -> int`.
COMMAND_MODULES: list[str] = ["bot.cli.records", "bot.cli.concerns", "bot.cli.wecom", "bot.cli.console", "bot.cli.rules"]
COMMAND_MODULES.append("bot.cli.privacy")  # person export/erase, audit verify, keys, retention (issue 19)
COMMAND_MODULES.append("bot.cli.reports")  # the province's report and a leader's record (issue 20)
COMMAND_MODULES.append("bot.cli.understanding")  # retrain the crisis and category model (issue 12)
COMMAND_MODULES.append("bot.cli.jobs")  # run the due jobs once at a moment (issue 14)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="contactbot", description="基层联系助手 contactbot")
    p.add_argument("--config", help="TOML config file (default: $CONTACTBOT_CONFIG, else built-in defaults)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", metavar="ACTION")
    db.required = True
    db.add_parser("upgrade", help="create or migrate the database to the newest schema").set_defaults(fn=cmd_db_upgrade)

    roster = sub.add_parser("roster", help="import or export the school's people").add_subparsers(
        dest="roster_command", metavar="ACTION")
    roster.required = True
    imp = roster.add_parser("import", help="load a roster CSV/XLSX (refused whole if any row is invalid)")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    imp.add_argument("--school", default="", help="school code (default: the default school)")
    imp.set_defaults(fn=cmd_roster_import)
    exp = roster.add_parser("export", help="write the roster CSV to stdout")
    exp.add_argument("--school", default="")
    exp.set_defaults(fn=cmd_roster_export)

    serve = sub.add_parser("serve", help="run the web app with the development server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.set_defaults(fn=cmd_serve)

    demo = sub.add_parser("demo", help="start a working demo bot on this machine (no accounts needed)")
    demo.add_argument("--port", type=int, default=5000)
    demo.set_defaults(fn=cmd_demo)

    say = sub.add_parser("say", help="send one message to the bot as a person and print the reply")
    say.add_argument("--as", dest="sender", required=True, metavar="USERID")
    say.add_argument("--at", help="the moment the message is sent (YYYY-MM-DD[THH:MM], school time)")
    say.add_argument("--school", default="")
    say.add_argument("text", nargs="+")
    say.set_defaults(fn=cmd_say)

    for module in COMMAND_MODULES:  # capabilities add their own commands
        importlib.import_module(module).add_commands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        settings = load_settings(args.config)
        logging.getLogger().setLevel(settings.app.log_level.upper())
        logging.getLogger("alembic").setLevel(logging.WARNING)
        return int(args.fn(args, settings))
    except (ConfigError, UserError) as exc:
        print(f"contactbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a database that is down, a Redis that refuses: one line, not a traceback
        import redis
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, (OperationalError, redis.ConnectionError)):
            print(f"contactbot: 无法连接数据库或 Redis: {str(exc).splitlines()[0]}", file=sys.stderr)
            return 3
        raise


def parse_moment(text: str, settings: Settings) -> datetime:
    """Read --at: an ISO date or datetime in the school's timezone; return UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time()).replace(hour=12)
        except ValueError:
            raise UserError(f"无法识别的时间 {text!r}，请用 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=settings.tz)
    return moment.astimezone(timezone.utc)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store.crypto import Keyring
    from bot.store.db import make_engine, make_sessions, upgrade

    keyring = Keyring.from_settings(settings)  # the key comes from config or the environment, like every setting
    engine = make_engine(settings.database_url, keyring=keyring)
    try:
        upgrade(engine, settings)
        if keyring.enabled:  # seal what was stored before a key was configured (migration 0007 marked it plain)
            from bot.cli.key_rotation import reseal

            with make_sessions(engine).begin() as db:
                sealed = sum(reseal(db, settings).values())
            if sealed:
                print(f"已用密钥 {keyring.current.id if keyring.current else ''} 加密 {sealed} 项既有数据")
    finally:
        engine.dispose()
    print(f"数据库已是最新结构: {engine.url.render_as_string(hide_password=True)}")
    return 0


def cmd_roster_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from bot.people.roster import RosterError, apply_roster, read_roster, validate

    try:
        rows, problems = read_roster(args.file)
    except RosterError as exc:
        raise UserError(str(exc)) from None
    problems += validate(rows)
    if problems:
        print(f"花名册有 {len(problems)} 处问题，未导入任何数据：", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    deps = Deps.build(settings)
    db = deps.sessions()
    try:
        school = _school(db, args.school, settings)
        now = deps.clock()
        summary = apply_roster(db, school, rows, deps.today(now), now)
        if args.dry_run:
            db.rollback()
            print("（试运行，未写入）" + summary.describe())
        else:
            db.commit()
            print(summary.describe())
    finally:
        db.close()
        deps.close()
    return 0


def cmd_roster_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from bot.people.roster import export_roster

    deps = Deps.build(settings)
    try:
        with deps.sessions() as db:
            sys.stdout.write(export_roster(db, _school(db, args.school, settings)))
    finally:
        deps.close()
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server.web import create_app

    app = create_app(settings)
    app.run(host=args.host, port=args.port, threaded=True)
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo.run import run_demo

    return run_demo(settings, args.port)


def cmd_say(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps, fixed_clock, system_clock
    from bot.server.console_channel import ConsoleChannel

    at = parse_moment(args.at, settings) if args.at else None
    deps = Deps.build(settings, clock=fixed_clock(at) if at else system_clock)
    try:
        _require_schema(deps)
        reply = ConsoleChannel(deps, school=args.school).say(args.sender, " ".join(args.text), at=at)
    finally:
        deps.close()
    print(reply.plain())
    for more in reply.extra:
        print(more)
    return 0


def _school(db: Session, code: str, settings: Settings) -> School:
    from bot.store.db import school_by_code

    school = school_by_code(db, code, settings)
    if school is None:
        raise UserError(f"学校“{code or settings.app.school}”不存在；请先运行 contactbot db upgrade")
    return school


def _require_schema(deps: Deps) -> None:
    from sqlalchemy import inspect

    if not inspect(deps.engine).has_table("school"):
        raise UserError("数据库尚未初始化；请先运行 contactbot db upgrade")


if __name__ == "__main__":
    sys.exit(main())
