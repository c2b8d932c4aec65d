"""Job `digest`: the weekly digest of the week before, once per school and week (Monday 08:30 by
default; a holiday Monday moves it to the week's first working day). Admins get the school's digest
as WeCom markdown with the .xlsx attached (`payload["file"]` holds its path for the outbox to upload),
department heads (middle chiefs) their department's, other leaders a short personal summary. With several
schools, `[report] province_recipients` get the province's digest, naming the schools with the highest
rates (N15).

Idempotent and catching up: the job runs every few minutes, and a `DigestRun` row per (school, week)
is claimed first, so a digest missed during downtime goes out once when the scheduler is back.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.chat.context import Deps
from bot.chat.messages import Attachment, Reply
from bot.chat.outbox import Outbox
from bot.config import Settings, school_settings
from bot.rules.digest_data import build_digest, department_digest
from bot.rules.digest_render import render_markdown, render_personal
from bot.rules.digest_xlsx import write_xlsx
from bot.rules.models import DigestRun, ReportRun
from bot.rules.province_digest import build_province_digest, render_province_markdown
from bot.rules.reminders import in_quiet_hours
from bot.schedule.periods import Period, week_of
from bot.schedule.school_calendar import calendar_for
from bot.store.models import Person, PersonRole, School
from bot.terms.clock_times import parse_time, parse_weekday
from bot.terms.roles import ADMIN, MIDDLE_CHIEF
from jobs.report import PROVINCE, province_recipients

log = logging.getLogger(__name__)


def digest_week_due(settings: Settings, now: datetime) -> Period | None:
    """Return the week to report when this week's digest moment has passed (else None)."""
    cal = calendar_for(settings)
    today = cal.local_day(now)
    current = week_of(today)
    first = current.start + timedelta(days=parse_weekday(settings.digest.weekday))
    day = cal.next_workday(first)
    if day >= current.end or not settings.digest.enabled:
        return None
    if now < cal.moment(day, parse_time(settings.digest.time)) or not cal.is_workday(today):
        return None
    if in_quiet_hours(settings, now):
        return None
    return week_of(current.start - timedelta(days=1))


def xlsx_path(settings: Settings, school: School, week: Period) -> Path:
    """Where a school's digest workbook for a week is kept."""
    return Path(settings.digest.directory).resolve() / school.code / f"{week.key}.xlsx"


def deliver_digest(db: Session, settings: Settings, school: School, week: Period, now: datetime) -> tuple[int, Path]:
    """Queue one school's digests of a week through the outbox; return (messages, workbook path)."""
    digest = build_digest(db, settings, school, week, now)
    path = write_xlsx(digest, xlsx_path(settings, school, week))
    outbox = Outbox(db, school, now)
    roles: dict[str, set[str]] = {}
    for userid, role in db.execute(
        select(Person.userid, PersonRole.role).join(PersonRole, PersonRole.person_id == Person.id)
        .where(Person.school_id == school.id, Person.active.is_(True))
    ):
        roles.setdefault(userid, set()).add(role)
    sent: set[str] = set()
    limit = settings.digest.markdown_limit

    def send(userid: str, markdown: str, title: str, file: Path | None = None) -> None:
        attachment = Attachment(str(file), f"{digest.title}.xlsx") if file is not None else None
        outbox.send(userid, Reply(text=title, markdown=markdown, attachment=attachment), purpose="digest",
                    dedupe_key=f"digest:{school.code}:{week.key}:{userid}")
        sent.add(userid)

    school_md = render_markdown(digest, limit)
    for userid in sorted(u for u, r in roles.items() if ADMIN in r):
        send(userid, school_md, digest.title, path)
    rows = {r.userid: r for r in digest.rows}
    if settings.digest.departments:
        departments = {r.department for r in digest.rows if MIDDLE_CHIEF in roles.get(r.userid, set())}
        for dept in sorted(departments):
            part = department_digest(digest, dept, settings.digest.examples)
            text = render_markdown(part, limit)
            for r in part.rows:
                if MIDDLE_CHIEF in roles.get(r.userid, set()) and r.userid not in sent:
                    send(r.userid, text, part.title)
    if settings.digest.personal:
        for userid, row in sorted(rows.items()):
            if userid not in sent:
                send(userid, render_personal(digest, row), f"{row.name}的联系情况（{week.label}）")
    return len(sent), path


def send_weekly_digest(deps: Deps) -> int:
    """Produce last week's digest for every school not yet done; return the number of messages queued."""
    now = deps.clock()
    week = digest_week_due(deps.settings, now)
    if week is None:
        return 0
    with deps.sessions() as db:
        school_ids = list(db.scalars(select(School.id).order_by(School.id)))
    total = 0
    for school_id in school_ids:
        try:
            with deps.sessions.begin() as db:
                if db.scalar(select(DigestRun.id).where(DigestRun.school_id == school_id, DigestRun.week == week.key)):
                    continue
                run = DigestRun(school_id=school_id, week=week.key, created_at=now, messages=0)
                db.add(run)
                db.flush()  # claims (school, week): a second scheduler fails here and rolls back
                school = db.get(School, school_id)
                assert school is not None
                settings = school_settings(deps.settings, school.code)  # its own rules and calendar
                run.messages, path = deliver_digest(db, settings, school, week, now)
                run.file_path = str(path)
                count = run.messages
            total += count
        except IntegrityError:
            log.info("digest %s for school %s already produced by another run", week.key, school_id)
    if len(school_ids) > 1 and deps.settings.report.province_recipients:
        total += send_province_digest(deps, week, now)
    return total


def send_province_digest(deps: Deps, week: Period, now: datetime) -> int:
    """Queue the province's digest of a week to `[report] province_recipients`, once; return messages queued."""
    settings = deps.settings
    try:
        with deps.sessions.begin() as db:
            if db.scalar(select(ReportRun.id).where(ReportRun.kind == "digest", ReportRun.scope == PROVINCE,
                                                    ReportRun.period == week.key)):
                return 0
            run = ReportRun(kind="digest", scope=PROVINCE, period=week.key, created_at=now, messages=0)
            db.add(run)
            db.flush()
            digest = build_province_digest(db, settings, week, now)
            markdown = render_province_markdown(digest, settings.digest.markdown_limit)
            for school, userid in province_recipients(db, settings):
                sent = Outbox(db, school, now).send(userid, Reply(text=digest.title, markdown=markdown), purpose="digest",
                                                    dedupe_key=f"digest:{PROVINCE}:{week.key}:{school.code}:{userid}")
                run.messages += sent is not None
            return run.messages
    except IntegrityError:
        log.info("province digest %s already produced by another run", week.key)
        return 0
