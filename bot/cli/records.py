"""`contactbot records export` and `contactbot parse`: the records a school keeps, and the parser itself."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bot.cli.main import UserError, _school
from bot.config import Settings


def add_commands(sub: Any) -> None:
    records = sub.add_parser("records", help="contact records").add_subparsers(dest="records_command",
                                                                                metavar="ACTION")
    records.required = True
    exp = records.add_parser("export", help="one row per contact record (jsonl, csv or xlsx)")
    exp.add_argument("--format", choices=("jsonl", "csv", "xlsx"), default="jsonl")
    exp.add_argument("-o", "--output", help="output file (default: stdout; required for xlsx)")
    exp.add_argument("--since", help="only records on or after this date (YYYY-MM-DD)")
    exp.add_argument("--school", default="")
    exp.add_argument("--with-evidence", action="store_true",
                     help="a .zip of the records' xlsx and their evidence photos, named by record id (N16)")
    exp.set_defaults(fn=cmd_records_export)

    parse = sub.add_parser("parse", help="print what the bot understands of messages (JSON)")
    parse.add_argument("--jsonl", action="store_true", help='read {"id","sender","today","text"} lines on stdin')
    parse.add_argument("--as", dest="sender", metavar="USERID")
    parse.add_argument("--today", help="the day the message is sent (YYYY-MM-DD; default: today)")
    parse.add_argument("--school", default="")
    parse.add_argument("text", nargs="*")
    parse.set_defaults(fn=cmd_parse)


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{what} 不是合法日期（YYYY-MM-DD）: {text!r}") from None


def cmd_records_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from bot.contacts.export import record_rows, write_evidence_zip, write_records

    if args.with_evidence and not (args.output or "").lower().endswith(".zip"):
        raise UserError("--with-evidence 需要用 -o 指定 .zip 输出文件，例如 -o 材料.zip")
    if args.format == "xlsx" and not args.output:
        raise UserError("xlsx 格式需要用 -o 指定输出文件")
    since = _date(args.since, "--since") if args.since else None
    from bot.cli.privacy import cli_address
    from bot.store.audit import record

    deps = Deps.build(settings)
    photos = 0
    try:
        with deps.sessions.begin() as db:
            school = _school(db, args.school, settings)
            rows = record_rows(db, school, settings, since)
            if args.with_evidence:
                count, photos = write_evidence_zip(db, settings, deps.keyring, rows, Path(args.output))
            else:
                count = write_records(rows, args.format, Path(args.output) if args.output else None)
            target = "records.zip" if args.with_evidence else f"records.{args.format}"
            record(db, school_id=school.id, actor="cli", action="export.records", target=target,
                   detail={"rows": count, "photos": photos}, at=deps.clock(), address=cli_address())
    finally:
        deps.close()
    if args.output:
        extra = f"和 {photos} 张佐证照片" if args.with_evidence else ""
        print(f"已导出 {count} 条记录{extra}到 {args.output}", file=sys.stderr)
    return 0


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from bot.chat.understanding import load_people
    from bot.parse import parse

    deps = Deps.build(settings)
    try:
        with deps.sessions() as db:
            people = load_people(db, _school(db, args.school, settings))
    finally:
        deps.close()
    if args.jsonl:
        for line_no, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                today = _date(item["today"], "today") if item.get("today") else deps.today()
                out = {"id": item.get("id"), **parse(item["text"], item["sender"], today, people).contract()}
            except (ValueError, KeyError, TypeError, UserError) as exc:
                out = {"id": None, "error": f"第{line_no}行无法解析: {exc}"}
            print(json.dumps(out, ensure_ascii=False), flush=False)
        return 0
    if not args.sender or not args.text:
        raise UserError("用法: contactbot parse --as USERID [--today DATE] TEXT，或 contactbot parse --jsonl")
    today = _date(args.today, "--today") if args.today else deps.today()
    result = parse(" ".join(args.text), args.sender, today, people)
    print(json.dumps(result.contract(), ensure_ascii=False))
    return 0
