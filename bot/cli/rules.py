"""`contactbot links|reminders|digest|scheduler`: link assignment (N6, N3), what reminders would go out,
the weekly digest, and the scheduler process.

Examples:
    contactbot links suggest
    contactbot reminders preview --at 2026-11-26T17:00 --json
    contactbot digest --week 2026-W47 --xlsx digest.xlsx
    contactbot digest --province
    contactbot scheduler
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.main import UserError, _require_schema, _school, parse_moment
from bot.config import Settings


def add_commands(sub: Any) -> None:
    """Register the rules capability's subcommands."""
    links = sub.add_parser("links", help="leaders' links to counselors/teachers (N6) and standing links (N3)")
    links_sub = links.add_subparsers(dest="links_command", metavar="ACTION")
    links_sub.required = True
    suggest = links_sub.add_parser("suggest", help="propose 1–3 counselors/teachers per leader (nothing is changed)")
    suggest.add_argument("--json", action="store_true")
    suggest.add_argument("--school", default="")
    suggest.set_defaults(fn=cmd_links_suggest)
    apply = links_sub.add_parser("apply", help="apply the proposal of `links suggest` (history kept)")
    apply.add_argument("--school", default="")
    apply.set_defaults(fn=cmd_links_apply)
    standing = links_sub.add_parser("standing", help="a school leader's standing class, dorm or club (N3)")
    standing.add_argument("userid", nargs="?", help="the leader (omit with --from-roster)")
    kind = standing.add_mutually_exclusive_group(required=True)
    kind.add_argument("--class", dest="class_name", metavar="NAME")
    kind.add_argument("--dorm", metavar="NAME")
    kind.add_argument("--club", metavar="NAME")
    kind.add_argument("--end", action="store_true", help="end the leader's standing link")
    kind.add_argument("--from-roster", action="store_true", help="from the school leaders' `class` column")
    standing.add_argument("--school", default="")
    standing.set_defaults(fn=cmd_links_standing)

    reminders = sub.add_parser("reminders", help="reminders").add_subparsers(dest="reminders_command",
                                                                              metavar="ACTION")
    reminders.required = True
    preview = reminders.add_parser("preview", help="print what would be sent at a moment, sending nothing")
    preview.add_argument("--at", required=True, help="YYYY-MM-DD[THH:MM], school time")
    preview.add_argument("--json", action="store_true", help='an array of {"to", "rule", "text", ...}')
    preview.add_argument("--school", default="", help="one school (default: every school)")
    preview.set_defaults(fn=cmd_reminders_preview)

    digest = sub.add_parser("digest", help="the weekly digest of a week (default: last week)")
    digest.add_argument("--week", help="YYYY-Www, e.g. 2026-W47")
    out = digest.add_mutually_exclusive_group()
    out.add_argument("--markdown", action="store_true", help="WeCom markdown (the default), without length limit")
    out.add_argument("--json", action="store_true")
    out.add_argument("--xlsx", metavar="FILE", help="write the workbook to FILE")
    digest.add_argument("--school", default="")
    digest.add_argument("--province", action="store_true", help="the province's digest over every school (N15)")
    digest.set_defaults(fn=cmd_digest)

    sched = sub.add_parser("scheduler", help="run the scheduled jobs (reminders, digest, outbox) until stopped")
    sched.set_defaults(fn=cmd_scheduler)


def cmd_links_suggest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from bot.rules.links import suggest_links

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions() as db:
            suggestion = suggest_links(db, _school(db, args.school, settings), deps.today())
    finally:
        deps.close()
    print(json.dumps(suggestion.as_json(), ensure_ascii=False, indent=2) if args.json else suggestion.describe())
    return 0


def cmd_links_apply(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from bot.rules.links import apply_links, suggest_links

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions.begin() as db:
            school = _school(db, args.school, settings)
            suggestion = suggest_links(db, school, deps.today())
            added, ended = apply_links(db, school, suggestion, deps.today(), deps.clock())
    finally:
        deps.close()
    print(f"已应用联系安排：新增 {added} 条，结束 {ended} 条（历史保留）。")
    return 0


def cmd_links_standing(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.chat.context import Deps
    from bot.rules.standing import end_standing, set_standing, sync_from_roster
    from bot.store.models import Person

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions.begin() as db:
            school = _school(db, args.school, settings)
            if args.from_roster:
                print(f"已按花名册设置 {sync_from_roster(db, school.id, deps.today())} 位校领导的联系班级。")
                return 0
            if not args.userid:
                raise UserError("请指定校领导的账号，或使用 --from-roster")
            person = db.scalar(select(Person).where(Person.school_id == school.id, Person.userid == args.userid))
            if person is None or "school_leader" not in person.roles:
                raise UserError(f"“{args.userid}”不是本校的校领导")
            if args.end:
                done = end_standing(db, person.id, deps.today())
                print(f"已结束{person.name}的固定联系。" if done else f"{person.name}目前没有固定联系的班级、宿舍或社团。")
                return 0
            kind, name = next((k, v) for k, v in (("class", args.class_name), ("dorm", args.dorm),
                                                   ("club", args.club)) if v)
            link = set_standing(db, person, kind, name, deps.today())
            print(f"{person.name}固定联系：{link.name}")
    finally:
        deps.close()
    return 0


def cmd_reminders_preview(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.chat.context import Deps, fixed_clock
    from bot.config import school_settings
    from bot.rules.queries import Scope
    from bot.rules.reminders import due_reminders
    from bot.store.models import School

    at = parse_moment(args.at, settings)
    deps = Deps.build(settings, clock=fixed_clock(at))
    try:
        _require_schema(deps)
        with deps.sessions() as db:
            schools = [_school(db, args.school, settings)] if args.school else list(db.scalars(select(School)))
            plans = [p for school in schools for p in due_reminders(db, school_settings(settings, school.code), at,
                                                                    Scope(school_id=school.id))]
    finally:
        deps.close()
    if args.json:
        print(json.dumps([p.as_json() for p in plans], ensure_ascii=False, indent=2))
    elif not plans:
        print("该时刻没有需要发送的提醒。")
    else:
        for plan in plans:
            print(f"→ {plan.person.userid}（{plan.person.name}）[{', '.join(i.rule.id for i in plan.items)}]")
            print(plan.text + "\n")
    return 0


def cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import timedelta

    from bot.chat.context import Deps
    from bot.config import school_settings
    from bot.rules.digest_data import build_digest
    from bot.rules.digest_render import digest_json, render_markdown
    from bot.rules.digest_xlsx import write_xlsx
    from bot.rules.province_digest import build_province_digest, render_province_markdown
    from bot.schedule.periods import parse_week_key, week_of

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        now = deps.clock()
        if args.week:
            try:
                week = parse_week_key(args.week)
            except ValueError:
                raise UserError(f"无法识别的周 {args.week!r}，请用 YYYY-Www，例如 2026-W47") from None
        else:
            week = week_of(deps.today(now) - timedelta(days=7))
        with deps.sessions() as db:
            if args.province:
                if args.xlsx or args.json:
                    raise UserError("--province 只输出 markdown；各校明细请用 contactbot report province")
                print(render_province_markdown(build_province_digest(db, settings, week, now)))
                return 0
            school = _school(db, args.school, settings)
            digest = build_digest(db, school_settings(settings, school.code), school, week, now)
    finally:
        deps.close()
    if args.xlsx:
        path = write_xlsx(digest, Path(args.xlsx))
        print(f"已写入 {path}", file=sys.stderr)
    elif args.json:
        print(json.dumps(digest_json(digest), ensure_ascii=False, indent=2))
    else:
        print(render_markdown(digest))
    return 0


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.context import Deps
    from jobs.scheduler import run_scheduler

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        return run_scheduler(deps)
    finally:
        deps.close()
