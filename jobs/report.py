"""Job `report`: the progress report sent upward (N21: 工作进展情况及时上报省教育厅思政体卫艺处), once a month
on `[report] day` at `[report] time` (a non-working day moves it to the next working day). Each school's
`[report] recipients` get its own report, `[report] province_recipients` the report over every school —
the spreadsheet `contactbot report province` writes, as a WeCom file through the outbox.

Idempotent and catching up: the job runs every few minutes; a `ReportRun` row per (scope, month) is claimed
first, so a report missed while the scheduler was down goes out once when it is back, and never twice.

Example: with `day = 5`, on Monday 2026-12-07 09:00 (the 5th was a Saturday) every school's admins get
"示例大学…工作进展（2026-2027学年秋季学期）.xlsx".
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.chat.context import Deps
from bot.chat.messages import Attachment, Reply
from bot.chat.outbox import Outbox
from bot.config import Settings, school_settings
from bot.rules.models import ReportRun
from bot.rules.reminders import in_quiet_hours
from bot.rules.report_data import Report, build_report
from bot.rules.report_xlsx import report_workbook
from bot.rules.terms import Term, current_semester, range_term, year_term
from bot.schedule.school_calendar import calendar_for
from bot.store.models import Person, PersonRole, School
from bot.terms.clock_times import parse_time

log = logging.getLogger(__name__)
PROVINCE = "province"


def report_month_due(settings: Settings, now: datetime) -> str | None:
    """Return this month's key ("2026-12") once this month's sending moment has passed, else None."""
    if not settings.report.enabled:
        return None
    cal = calendar_for(settings)
    today = cal.local_day(now)
    day = cal.next_workday(date(today.year, today.month, settings.report.day))
    if now < cal.moment(day, parse_time(settings.report.time)) or not cal.is_workday(today):
        return None
    if in_quiet_hours(settings, now):
        return None
    return f"{today.year}-{today.month:02d}"


def covered_term(settings: Settings, today: date) -> Term:
    """The span a report sent on `today` covers: the semester so far, the month before, or the year so far."""
    covers = settings.report.covers
    if covers == "month":
        last = today.replace(day=1) - timedelta(days=1)
        return range_term(last.replace(day=1), last)
    if covers == "year":
        return year_term(today.year)
    return current_semester(settings, today)


def recipients(db: Session, school: School, wanted: tuple[str, ...]) -> list[str]:
    """Resolve "userid" and "role:ROLE" entries to the school's active people's userids."""
    roles = {e[5:].strip() for e in wanted if e.startswith("role:")}
    userids = {e.strip() for e in wanted if not e.startswith("role:")}
    found = set(db.scalars(select(Person.userid).where(Person.school_id == school.id, Person.active.is_(True),
                                                       Person.userid.in_(userids)))) if userids else set()
    if roles:
        found |= set(db.scalars(select(Person.userid).join(PersonRole, PersonRole.person_id == Person.id)
                                .where(Person.school_id == school.id, Person.active.is_(True),
                                       PersonRole.role.in_(roles))))
    return sorted(found)


def province_recipients(db: Session, settings: Settings) -> list[tuple[School, str]]:
    """Resolve `[report] province_recipients` ("code:userid", or "userid" in the default school) to the active
    people of each school."""
    schools = {s.code: s for s in db.scalars(select(School))}
    out = []
    for entry in settings.report.province_recipients:
        code, _, userid = entry.rpartition(":")
        school = schools.get(code or settings.app.school)
        if school is not None and recipients(db, school, (userid,)):
            out.append((school, userid))
    return out


def _summary(report: Report) -> str:
    """The message sent with the file."""
    block = report.total if len(report.schools) > 1 else report.schools[0]
    c, rates = block.counts, block.rates
    parts = [f"面对面接触学生 {c.face_to_face} 次（线上 {c.n('online')} 次另计）"]
    for rule_id, label in (("weekly_face_to_face", "校领导每周面对面"), ("quarterly_mentee_talk", "每季度与联系对象交流"),
                           ("all", "各项要求总体")):
        value = rates[rule_id].value if rule_id in rates else None
        if value is not None:
            parts.append(f"{label}达标率 {100 * value:.1f}%")
    return (f"【工作进展报表】{report.title}\n" + "；".join(parts) + "。\n详见附件（达标率按通知规定的周期计，"
            "尚未结束的周期不计入）。请审核后报送省教育厅思政体卫艺处。")


def _send(db: Session, settings: Settings, report: Report, path: Path, to: list[tuple[School, str]], now: datetime,
          key: str) -> int:
    """Queue the report file to each (school, userid); return how many messages were queued."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(report_workbook(report, settings.tz))
    text = _summary(report)
    sent = 0
    for school, userid in to:
        reply = Reply(text=text, attachment=Attachment(str(path), f"{report.title}.xlsx"))
        row = Outbox(db, school, now).send(userid, reply, purpose="report", dedupe_key=f"report:{key}:{school.code}:{userid}")
        sent += row is not None
    return sent


def _claim(db: Session, scope: str, month: str, now: datetime) -> ReportRun | None:
    """Claim (scope, month) once; None if it is already done."""
    if db.scalar(select(ReportRun.id).where(ReportRun.kind == "report", ReportRun.scope == scope,
                                            ReportRun.period == month)):
        return None
    run = ReportRun(kind="report", scope=scope, period=month, created_at=now, messages=0)
    db.add(run)
    db.flush()  # a second scheduler fails here and rolls back
    return run


def send_reports(deps: Deps) -> int:
    """Send this month's reports not yet sent (each school's, and the province's); return messages queued."""
    settings, now = deps.settings, deps.clock()
    month = report_month_due(settings, now)
    if month is None:
        return 0
    folder = Path(settings.report.directory).resolve()
    with deps.sessions() as db:
        scopes: list[tuple[int | None, str]] = [(s.id, s.code) for s in db.scalars(select(School).order_by(School.id))]
    if settings.report.province_recipients:
        scopes.append((None, PROVINCE))
    total = 0
    for school_id, code in scopes:
        try:
            with deps.sessions.begin() as db:
                run = _claim(db, code, month, now)
                if run is None:
                    continue
                run.messages, path = _deliver(db, settings, school_id, month, folder, now)
                run.file_path = str(path) if path else None
                count = run.messages
            total += count
        except IntegrityError:
            log.info("report %s for %s already sent by another run", month, code)
    return total


def _deliver(db: Session, settings: Settings, school_id: int | None, month: str, folder: Path, now: datetime
             ) -> tuple[int, Path | None]:
    """Build and queue one school's report of a month (None: the province's); return (messages, file)."""
    today = calendar_for(settings).local_day(now)
    if school_id is None:
        to = province_recipients(db, settings)
        report = build_report(db, settings, now, covered_term(settings, today))
        path = folder / PROVINCE / f"{month}.xlsx"
        return _send(db, settings, report, path, to, now, f"{PROVINCE}:{month}"), path
    school = db.get(School, school_id)
    assert school is not None
    own = school_settings(settings, school.code)
    to = [(school, userid) for userid in recipients(db, school, settings.report.recipients)]
    if not to:
        return 0, None
    report = build_report(db, settings, now, covered_term(own, today), (school.id,))
    path = folder / school.code / f"{month}.xlsx"
    return _send(db, settings, report, path, to, now, month), path
