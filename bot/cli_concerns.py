"""`contactbot concerns export`: every concern ticket of a school, one row each (jsonl or xlsx).

Example: `contactbot concerns export --format jsonl -o concerns.jsonl`. Anonymous tickets carry no
sender fields at all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli import UserError, _require_schema, _school
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
    from bot.concerns.export import concern_rows, write_jsonl, write_xlsx
    from bot.context import Deps

    if args.format == "xlsx" and not args.output:
        raise UserError("xlsx 格式需要用 -o 指定输出文件")
    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions() as db:
            rows = concern_rows(db, _school(db, args.school, settings), settings)
            if args.format == "xlsx":
                count = write_xlsx(rows, Path(args.output))
            elif args.output:
                with open(args.output, "w", encoding="utf-8") as out:
                    count = write_jsonl(rows, out)
            else:
                count = write_jsonl(rows, sys.stdout)
    finally:
        deps.close()
    if args.output:
        print(f"已导出 {count} 件反映到 {args.output}", file=sys.stderr)
    return 0
