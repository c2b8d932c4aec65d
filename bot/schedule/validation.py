"""Start-up checks of the calendar, rule, reminder, digest and scheduler settings.

`bot.config` calls `schedule_problems()` while loading; the first problem stops start-up with the key
named, e.g. "[reminders] weekly_stages: not a weekly stage ("thu 17:00"): 'thursday'".
"""

from __future__ import annotations

from datetime import date

from bot.config import Settings
from bot.roles import ALL_ROLES
from bot.schedule.clock_times import parse_time, parse_weekday, parse_weekly_stage


def _positive_ints(values: tuple[object, ...], key: str, problems: list[str]) -> None:
    for value in values:
        try:
            number = int(str(value))
        except ValueError:
            problems.append(f"{key}: {value!r} is not a whole number")
            continue
        if number <= 0:
            problems.append(f"{key}: {value!r} must be positive")


def _time(text: str, key: str, problems: list[str]) -> None:
    try:
        parse_time(text)
    except ValueError as exc:
        problems.append(f"{key}: {exc}")


def schedule_problems(s: Settings) -> list[str]:
    """Return every problem in the rules capability's settings, each naming its key."""
    from bot.rules.catalog import CONTACT_KINDS, DEFAULT_RULES

    problems: list[str] = []
    if not 1 <= s.calendar.min_working_days <= 7:
        problems.append("[calendar] min_working_days must be between 1 and 7")
    _time(s.calendar.work_start, "[calendar] work_start", problems)
    _time(s.calendar.work_end, "[calendar] work_end", problems)
    if not problems and parse_time(s.calendar.work_end) <= parse_time(s.calendar.work_start):
        problems.append("[calendar] work_end must be after work_start")
    if s.rules.confirm_days < 1:
        problems.append("[rules] confirm_days must be at least 1")
    if s.rules.pause_max_days < 1:
        problems.append("[rules] pause_max_days must be at least 1")
    _time(s.reminders.quiet_start, "[reminders] quiet_start", problems)
    _time(s.reminders.quiet_end, "[reminders] quiet_end", problems)
    _time(s.reminders.period_time, "[reminders] period_time", problems)
    for stage in s.reminders.weekly_stages:
        try:
            parse_weekly_stage(stage)
        except ValueError as exc:
            problems.append(f"[reminders] weekly_stages: {exc}")
    for name in ("monthly_days_before", "quarterly_weeks_before", "semester_weeks_before"):
        _positive_ints(getattr(s.reminders, name), f"[reminders] {name}", problems)
    try:
        parse_weekday(s.digest.weekday)
    except ValueError as exc:
        problems.append(f"[digest] weekday: {exc}")
    _time(s.digest.time, "[digest] time", problems)
    _time(s.report.time, "[report] time", problems)
    if s.digest.examples < 0:
        problems.append("[digest] examples must not be negative")
    if not 200 <= s.digest.markdown_limit <= 2048:
        problems.append("[digest] markdown_limit must be between 200 and 2048 bytes")
    for name in ("lease_seconds", "reminders_minutes", "digest_minutes", "confirmations_minutes", "report_minutes"):
        if getattr(s.scheduler, name) < 1:
            problems.append(f"[scheduler] {name} must be at least 1")
    problems += _semester_problems(s)
    for i, h in enumerate(s.holidays):
        where = f"[holidays[{i}]]"
        if not isinstance(h.start, date):
            problems.append(f"{where} start is required (YYYY-MM-DD)")
        elif h.end is not None and (not isinstance(h.end, date) or h.end < h.start):
            problems.append(f"{where} end must be a date on or after start")
    known = {r.id for r in DEFAULT_RULES}
    for i, r in enumerate(s.rule):
        where = f"[rule[{i}]]"
        if r.id not in known:
            problems.append(f"{where} id: unknown rule {r.id!r} (known: {', '.join(sorted(known))})")
        for role in r.roles:
            if role not in ALL_ROLES:
                problems.append(f"{where} roles: unknown role {role!r}")
        for kind in r.kinds:
            if kind not in CONTACT_KINDS or kind == "online":
                problems.append(f"{where} kinds: {kind!r} cannot count (online never counts as face-to-face)")
        if r.count < 0:
            problems.append(f"{where} count must not be negative")
        if not 0 <= r.share <= 1:
            problems.append(f"{where} share must be between 0 and 1")
    return problems


def _semester_problems(s: Settings) -> list[str]:
    problems: list[str] = []
    names: set[str] = set()
    spans: list[tuple[date, date, str]] = []
    for i, sem in enumerate(s.semesters):
        where = f"[semesters[{i}]]"
        if not sem.name:
            problems.append(f"{where} name is required")
        elif sem.name in names:
            problems.append(f"{where} name {sem.name!r} is used twice")
        names.add(sem.name)
        if not isinstance(sem.start, date) or not isinstance(sem.end, date):
            problems.append(f"{where} start and end are required dates (YYYY-MM-DD)")
            continue
        if sem.end < sem.start:
            problems.append(f"{where} end must not be before start")
        _positive_ints(sem.exam_weeks, f"{where} exam_weeks", problems)
        _positive_ints(sem.vacation_weeks, f"{where} vacation_weeks", problems)
        spans.append((sem.start, sem.end, sem.name))
    spans.sort()
    for (_, end, name), (start, _, other) in zip(spans, spans[1:], strict=False):
        if start <= end:
            problems.append(f"[[semesters]] {name!r} and {other!r} overlap")
    return problems
