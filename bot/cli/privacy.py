"""`contactbot person | audit | keys | retention …`: one person's data (PIPL Art. 44–47), the audit chain,
the encryption keys and the retention purge, for the school's operator. Every read and change is audited
like the console's (actor "cli", address "cli:<system user>").

Examples: `contactbot person export lisiqi01 -o lisiqi01.json`; `contactbot person erase lisiqi01 --dry-run`;
`contactbot audit verify`; `contactbot keys generate --id k2`; `contactbot keys rotate`.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.main import UserError, _require_schema, _school
from bot.config import Settings


def add_commands(sub: Any) -> None:
    person = sub.add_parser("person", help="one person's data: a copy, or its erasure").add_subparsers(
        dest="person_command", metavar="ACTION")
    person.required = True
    exp = person.add_parser("export", help="everything held about a person (JSON to stdout, or -o FILE)")
    exp.add_argument("userid")
    exp.add_argument("-o", "--output", help="output file (required for xlsx)")
    exp.add_argument("--format", choices=("json", "xlsx"), default="json")
    exp.add_argument("--school", default="")
    exp.set_defaults(fn=cmd_person_export)
    erase = person.add_parser("erase", help="remove a person's concerns, evidence and identity in others' records")
    erase.add_argument("userid")
    erase.add_argument("--dry-run", action="store_true", help="say what would be removed, remove nothing")
    erase.add_argument("--school", default="")
    erase.set_defaults(fn=cmd_person_erase)

    audit = sub.add_parser("audit", help="the audit log").add_subparsers(dest="audit_command", metavar="ACTION")
    audit.required = True
    audit.add_parser("verify", help="check the audit log's hash chain").set_defaults(fn=cmd_audit_verify)

    keys = sub.add_parser("keys", help="encryption keys").add_subparsers(dest="keys_command", metavar="ACTION")
    keys.required = True
    gen = keys.add_parser("generate", help="print a new key line for [encryption] keys")
    gen.add_argument("--id", default="k1", help="key id (letters and digits)")
    gen.add_argument("--algorithm", choices=("aes256gcm", "sm4gcm"), default="aes256gcm")
    gen.set_defaults(fn=cmd_keys_generate)
    keys.add_parser("rotate", help="re-seal everything under the current key").set_defaults(fn=cmd_keys_rotate)

    retention = sub.add_parser("retention", help="data retention").add_subparsers(dest="retention_command",
                                                                                  metavar="ACTION")
    retention.required = True
    retention.add_parser("purge", help="remove now what is past its [retention] period").set_defaults(
        fn=cmd_retention_purge)


def cli_address() -> str:
    """Where a command-line act comes from, for its audit row."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def cmd_person_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from bot.people.person_data import export_person
    from bot.sheets import Sheet, workbook_bytes
    from bot.store.audit import record

    if args.format == "xlsx" and not args.output:
        raise UserError("xlsx 格式需要用 -o 指定输出文件")
    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions.begin() as db:
            person = _person(db, args.school, args.userid, settings)
            data = export_person(db, person)
            record(db, school_id=person.school_id, actor="cli", action="person.export", target=f"person#{person.id}",
                   detail={"format": args.format}, at=deps.clock(), address=cli_address())
    finally:
        deps.close()
    if args.format == "xlsx":
        sheets = [Sheet("花名册", ("项目", "内容"), list(data["roster"].items()))]
        for name, rows in data.items():
            if isinstance(rows, list) and rows:
                headers = tuple(rows[0])
                sheets.append(Sheet(name[:31], headers, [[_cell(r.get(h)) for h in headers] for r in rows]))
        Path(args.output).write_bytes(workbook_bytes(sheets))
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    if args.output:
        print(f"已导出 {args.userid} 的个人信息到 {args.output}", file=sys.stderr)
    return 0


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value


def _person(db: Any, school_code: str, userid: str, settings: Settings) -> Any:
    from sqlalchemy import select

    from bot.store.models import Person

    school = _school(db, school_code, settings)
    person = db.scalar(select(Person).where(Person.school_id == school.id, Person.userid == userid))
    if person is None:
        raise UserError(f"本校没有账号为“{userid}”的人员")
    return person


def cmd_person_erase(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from bot.people.person_data import erase_person
    from bot.store.audit import record

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        db = deps.sessions()
        try:
            person = _person(db, args.school, args.userid, settings)
            person_id, school_id = person.id, person.school_id
            done = erase_person(db, person, deps.clock(), settings)
            if args.dry_run:
                db.rollback()
            else:
                record(db, school_id=school_id, actor="cli", action="person.erase", target=f"person#{person_id}",
                       detail=done.counts, at=deps.clock(), address=cli_address())
                db.commit()
        finally:
            db.close()
    finally:
        deps.close()
    print(("（试运行，未删除）将删除：" if args.dry_run else f"已删除 {args.userid} 的以下信息：")
          + "\n  " + "\n  ".join(done.lines()))
    return 0


def cmd_audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from bot.store.audit import verify

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions() as db:
            verdict = verify(db)
    finally:
        deps.close()
    if verdict.ok:
        print(f"审计日志完整：{verdict.rows} 条记录，哈希链无误")
        return 0
    print(f"审计日志有 {len(verdict.problems)} 处问题（共 {verdict.rows} 条记录）：", file=sys.stderr)
    for problem in verdict.problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


def cmd_keys_generate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store.crypto import generate_key

    if not args.id.isalnum() or len(args.id) > 16:
        raise UserError("--id 只能是字母和数字，最长16位")
    print(generate_key(args.id, args.algorithm))
    print("把这一行加入 [encryption] keys（或环境变量 CONTACTBOT_ENCRYPTION_KEYS），妥善保管；丢失密钥将无法读取加密的数据。",
          file=sys.stderr)
    return 0


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from bot.cli.key_rotation import reseal
    from bot.store.audit import record

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions.begin() as db:
            counts = reseal(db, settings)
            current = deps.keyring.current.id if deps.keyring.current else ""
            record(db, school_id=None, actor="cli", action="keys.rotate", target=current or "plain",
                   detail=counts, at=deps.clock(), address=cli_address())
    finally:
        deps.close()
    where = f"当前密钥 {current}" if current else "明文（未配置密钥）"
    print(f"已把全部加密数据转为{where}：" + "，".join(f"{k} {n}" for k, n in counts.items()))
    return 0


def cmd_retention_purge(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from jobs.purge import purge_expired

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        removed = purge_expired(deps)
    finally:
        deps.close()
    print(f"已按保存期限删除 {removed} 项")
    return 0
