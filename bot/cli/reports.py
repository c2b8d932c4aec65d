"""`contactbot report province|leader|department`: the progress report sent upward (N21) and a leader's
record for appraisal (N19), as .xlsx or JSON, for a semester, a year or any range of days.

Examples:
    contactbot report province --semester 2026-2027学年秋季学期 -o 进展报表.xlsx
    contactbot report province --from 2026-09-01 --to 2026-11-30 --format json
    contactbot report leader zhaojianguo01 --year 2026 --format json
    contactbot report department 计算机学院 -o 计算机学院.xlsx
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.cli.main import UserError, _require_schema, _school, parse_moment
from bot.config import Settings, school_settings


def add_commands(sub: Any) -> None:
    """Register `contactbot report …`."""
    report = sub.add_parser("report", help="progress report for the province (N21), a leader's record (N19)")
    kinds = report.add_subparsers(dest="report_command", metavar="KIND")
    kinds.required = True
    province = kinds.add_parser("province", help="every school (or --school): summary, leaders, shortfalls")
    _span_options(province)
    province.add_argument("--school", default="", help="one school's report (default: every school)")
    province.set_defaults(fn=cmd_report_province)
    leader = kinds.add_parser("leader", help="one leader's record: obligations per period, links, evidence")
    leader.add_argument("userid")
    _span_options(leader)
    leader.add_argument("--school", default="", help="the leader's school (default: the default school)")
    leader.set_defaults(fn=cmd_report_leader)
    department = kinds.add_parser("department", help="one department's leaders, for 述职评议")
    department.add_argument("name", help="the roster's department, e.g. 计算机学院")
    _span_options(department)
    department.add_argument("--school", default="")
    department.set_defaults(fn=cmd_report_department)


def _span_options(p: argparse.ArgumentParser) -> None:
    span = p.add_mutually_exclusive_group()
    span.add_argument("--semester", metavar="NAME", help="a semester by name (default: the current one)")
    span.add_argument("--year", type=int, help="a calendar year")
    span.add_argument("--from", dest="date_from", metavar="DATE", help="first day (YYYY-MM-DD), with --to")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day, included (default: --at's day)")
    p.add_argument("--at", help="the moment reported on (YYYY-MM-DD[THH:MM], school time; default: now)")
    p.add_argument("--format", choices=("xlsx", "json"), help="default: xlsx for -o FILE.xlsx, else json")
    p.add_argument("-o", "--output", help="output file (default: stdout; required for xlsx)")


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{what} 不是合法日期（YYYY-MM-DD）: {text!r}") from None


def resolve_span(args: argparse.Namespace, settings: Settings, today: date) -> Any:
    """Return the Term the options name (default: the semester holding today, or the last one begun)."""
    from bot.rules.terms import current_semester, range_term, semester_named, year_term

    if args.date_to and not args.date_from:
        raise UserError("--to 需要与 --from 一起使用")
    if args.date_from:
        first = _date(args.date_from, "--from")
        last = _date(args.date_to, "--to") if args.date_to else today
        if last < first:
            raise UserError("--to 不能早于 --from")
        return range_term(first, last)
    if args.year:
        return year_term(args.year)
    if args.semester:
        found = semester_named(settings, args.semester, today)
        if found is None:
            from bot.rules.terms import semesters_before

            known = "、".join(p.label for p in semesters_before(settings, today, 6)) or "无"
            raise UserError(f"没有名为“{args.semester}”的学期（已知：{known}）")
        return found
    return current_semester(settings, today)


def _format(args: argparse.Namespace) -> str:
    fmt = args.format or ("xlsx" if args.output and args.output.lower().endswith(".xlsx") else "json")
    if fmt == "xlsx" and not args.output:
        raise UserError("xlsx 格式需要用 -o 指定输出文件")
    return str(fmt)


def _write(args: argparse.Namespace, fmt: str, data: bytes | dict[str, Any], what: str) -> None:
    if fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    else:
        assert isinstance(data, bytes)
        Path(args.output).write_bytes(data)
    if args.output:
        print(f"已写入{what}：{args.output}", file=sys.stderr)


def _moment(args: argparse.Namespace, settings: Settings, now: datetime) -> datetime:
    return parse_moment(args.at, settings) if args.at else now


def _audit(db: Any, school_id: int | None, action: str, target: str, detail: dict[str, Any], at: datetime) -> None:
    """Log the export in the audit log, as every export is (the command line acts as the school's operator)."""
    from bot.cli.privacy import cli_address
    from bot.store.audit import record

    record(db, school_id=school_id, actor="cli", action=action, target=target, detail=detail, at=at,
           address=cli_address())


def cmd_report_province(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from bot.rules.report_data import build_report
    from bot.rules.report_json import report_json
    from bot.rules.report_xlsx import report_workbook

    fmt = _format(args)
    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        at = _moment(args, settings, deps.clock())
        with deps.sessions.begin() as db:
            school = _school(db, args.school, settings) if args.school else None
            own = school_settings(settings, school.code) if school else settings
            term = resolve_span(args, own, deps.today(at))
            report = build_report(db, settings, at, term, (school.id,) if school else None)
            data = report_json(report, settings.tz) if fmt == "json" else report_workbook(report, settings.tz)
            _audit(db, school.id if school else None, "export.progress", f"progress.{fmt}?term={term.key}",
                   {"schools": [b.code for b in report.schools]}, deps.clock())
    finally:
        deps.close()
    _write(args, fmt, data, f"{report.title}")
    return 0


def cmd_report_department(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from bot.rules.report_data import build_report
    from bot.rules.report_json import report_json
    from bot.rules.report_xlsx import report_workbook

    fmt = _format(args)
    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        at = _moment(args, settings, deps.clock())
        with deps.sessions.begin() as db:
            school = _school(db, args.school, settings)
            own = school_settings(settings, school.code)
            report = build_report(db, settings, at, resolve_span(args, own, deps.today(at)), (school.id,),
                                  department=args.name)
            if not report.leaders:
                raise UserError(f"{school.name}没有部门为“{args.name}”的领导干部")
            data = report_json(report, settings.tz) if fmt == "json" else report_workbook(report, settings.tz)
            _audit(db, school.id, "export.progress", f"progress.{fmt}?term={report.term.key}",
                   {"department": args.name}, deps.clock())
    finally:
        deps.close()
    _write(args, fmt, data, report.title)
    return 0


def cmd_report_leader(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.chat.context import Deps
    from bot.rules.leader_record import leader_record
    from bot.rules.report_json import record_json
    from bot.rules.report_xlsx import record_workbook
    from bot.store.models import Person

    fmt = _format(args)
    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        at = _moment(args, settings, deps.clock())
        with deps.sessions.begin() as db:
            school = _school(db, args.school, settings)
            person = db.scalar(select(Person).where(Person.school_id == school.id, Person.userid == args.userid))
            if person is None:
                raise UserError(f"{school.name}没有账号为“{args.userid}”的人员")
            own = school_settings(settings, school.code)
            record = leader_record(db, own, at, person, resolve_span(args, own, deps.today(at)))
            data = record_json(record, settings.tz) if fmt == "json" else record_workbook(record, settings.tz)
            _audit(db, school.id, "export.person_record", f"person#{person.id}",
                   {"person_id": person.id, "term": record.term.key, "format": fmt}, deps.clock())
    finally:
        deps.close()
    _write(args, fmt, data, f"{person.name}的联系工作记录（{record.term.label}）")
    return 0
