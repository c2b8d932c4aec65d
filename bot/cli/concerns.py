"""`contactbot concerns export`: every concern ticket of a school, one row each (jsonl or xlsx).

Example: `contactbot concerns export --format jsonl -o concerns.jsonl`. Anonymous tickets carry no
sender fields at all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.main import UserError, _require_schema, _school
from bot.config import Settings


def add_commands(sub: Any) -> None:
    concerns = sub.add_parser("concerns", help="concern tickets raised in chat").add_subparsers(
        dest="concerns_command", metavar="ACTION")
    concerns.required = True
    exp = concerns.add_parser("export", help="one row per ticket (jsonl or xlsx)")
    exp.add_argument("--format", choices=("jsonl", "xlsx"), default="jsonl")
    exp.add_argument("-o", "--output", help="output file (default: stdout; required for xlsx)")
    exp.add_argument("--school", default="")
    exp.set_defaults(fn=cmd_concerns_export)


def cmd_concerns_export(args: argparse.Namespace, settings: Settings) -> int:
    """Export the school's tickets as its operator sees them (bot/console/access.py), with an audit row."""
    from sqlalchemy import select

    from bot.chat.context import Deps
    from bot.cli.privacy import cli_address
    from bot.concerns.export import concern_rows, write_jsonl, write_xlsx
    from bot.console.access import cases_for, concern_view, operator, redact_concern_row
    from bot.store.audit import record
    from bot.store.models import Concern

    if args.format == "xlsx" and not args.output:
        raise UserError("xlsx 格式需要用 -o 指定输出文件")
    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions.begin() as db:
            school = _school(db, args.school, settings)
            viewer = operator(school)
            cases = cases_for(db, viewer, settings)
            tickets = {c.id: c for c in db.scalars(select(Concern).where(Concern.school_id == school.id))}
            rows = (redact_concern_row(row, concern_view(viewer, cases, tickets[row["id"]]))
                    for row in concern_rows(db, school, settings))
            if args.format == "xlsx":
                count = write_xlsx(rows, Path(args.output))
            elif args.output:
                with open(args.output, "w", encoding="utf-8") as out:
                    count = write_jsonl(rows, out)
            else:
                count = write_jsonl(rows, sys.stdout)
            record(db, school_id=school.id, actor="cli", action="export.concerns",
                   target=f"concerns.{args.format}", detail={"rows": count}, at=deps.clock(), address=cli_address())
    finally:
        deps.close()
    if args.output:
        print(f"已导出 {count} 件反映到 {args.output}", file=sys.stderr)
    return 0
