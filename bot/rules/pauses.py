"""Pauses and snoozes of reminders (N11): "出差到12月3日，暂停提醒" records a pause for a real absence
(it excuses the period it empties, shows in the digest and on the person's page, and ends by itself);
"下周再提醒", "这周别提醒了", "元旦后再提醒" snooze reminders only.

The parser gives the first day reminders resume (`Parsed.snooze_until`: "到12月3日" → 12月4日,
"下周再提醒" → next Monday, "元旦后" → 1月2日) and the reason (`Parsed.reason`). It leaves the lunar
holidays to us ("春节后再提醒"): the school calendar knows when they end. Only an absence (出差, 开会,
病假…) makes a pause that excuses obligations; "太忙了" or "放假" only snooze.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rules.models import Pause
from bot.schedule.school_calendar import SchoolCalendar
from bot.store.models import AuditLog, Person

# Holidays named in "X后再提醒", as chinese-calendar names them.
_HOLIDAY = re.compile(r"(春节|过年|中秋|端午|清明|元旦|五一|劳动节|国庆|十一)(?:假期|节|长假|小长假)?(?:之后|以后|过后|后|结束)")
_CC_NAME = {"过年": "春节", "五一": "劳动节", "国庆": "国庆节", "十一": "国庆节"}
# Real absences (N11): away from campus, so the period they empty is excused.
ABSENCES = re.compile(r"出差|开会|会议|培训|进修|学习|休假|年假|病假|生病|请假|住院|手术|外出|出国|出访|挂职|调研|考察|探亲")


@dataclass(frozen=True)
class PauseRequest:
    """What a snooze message asks: the first day reminders resume, and why."""

    resume: date
    reason: str | None

    @property
    def kind(self) -> str:
        """"pause" for a real absence (excuses the period), else "snooze" (reminders only)."""
        return "pause" if self.reason and ABSENCES.search(self.reason) else "snooze"


def resume_day(text: str, parsed_until: date | None, today: date, cal: SchoolCalendar) -> date | None:
    """Return the first day reminders resume: the parser's, or after a holiday the calendar knows."""
    if parsed_until is not None:
        return parsed_until
    holiday = _HOLIDAY.search(text)
    if holiday is None:
        return None
    name = _CC_NAME.get(holiday.group(1), holiday.group(1))
    block = cal.holidays.holiday_block(name, today)
    if block is None or (block[0] - today).days > 330:
        return None  # a year the calendar has no data for: ask for a date
    return cal.next_workday(block[1] + timedelta(days=1))


def add_pause(db: Session, person: Person, request: PauseRequest, today: date, now: datetime, text: str) -> Pause:
    """Record a pause from today, replacing the person's current and future ones (history kept)."""
    for old in db.scalars(select(Pause).where(Pause.person_id == person.id, Pause.until > today)):
        old.until = max(old.start, today)
        old.cancelled_at = now
    pause = Pause(school_id=person.school_id, person_id=person.id, kind=request.kind, reason=request.reason,
                  start=today, until=request.resume, source_text=text, created_at=now)
    db.add(pause)
    db.add(AuditLog(school_id=person.school_id, actor=person.userid, action=f"reminders.{request.kind}",
                    target=person.userid, detail={"until": request.resume.isoformat(), "reason": request.reason},
                    at=now))
    return pause


def end_pauses(db: Session, person: Person, today: date, now: datetime) -> int:
    """End the person's current and future pauses today ("恢复提醒"); return how many."""
    ended = 0
    for old in db.scalars(select(Pause).where(Pause.person_id == person.id, Pause.until > today)):
        old.until = max(old.start, today)
        old.cancelled_at = now
        ended += 1
    if ended:
        db.add(AuditLog(school_id=person.school_id, actor=person.userid, action="reminders.resume",
                        target=person.userid, detail={}, at=now))
    return ended
