"""When paused reminders resume, and why: "出差到12月3日" -> Dec 4, "下周再提醒" -> next Monday, "元旦后" -> Jan 2.

Example message: "出差到12月3日暂停提醒" (today 2026-11-23) -> 2026-12-04, reason 出差.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.parse.dates import DateHit, find_dates, week_monday
from bot.parse.numerals import to_int

_REASON = re.compile(
    r"出差|开会|会议|休假|请假|年假|病假|培训|进修|学习|生病|住院|手术|外出|考察|调研|探亲|出国|出访|挂职|放假|假期|寒假|暑假|忙"
)
_REASON_NAME = {"会议": "开会"}
# Fixed-date holidays, as (month, first day, last day); lunar ones (春节, 中秋) are left to the handler.
_HOLIDAYS = {
    "元旦": (1, 1, 1),
    "五一": (5, 1, 5),
    "劳动节": (5, 1, 5),
    "国庆": (10, 1, 7),
    "十一": (10, 1, 7),
    "清明": (4, 4, 6),
}
_HOLIDAY = re.compile("|".join(_HOLIDAYS))
_UNTIL = re.compile(r"(?:到|至|直到|截至|截止|一直到)\s*$")
_BEFORE = re.compile(r"^\s*(?:之|以)?前")
_BARE_WEEKDAY = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天1-7]")
_AFTER = re.compile(r"^\s*(?:以后|之后|后|过后|结束后?|回来后)")
_SKIP = re.compile(r"^\s*(?:都|也|就|先)?\s*(?:别|不要|不用|勿|暂停|停|免|不必)")
_NEXT_NEXT_WEEK = re.compile(r"下下(?:个)?(?:周|星期|礼拜)")
_NEXT_WEEK = re.compile(r"下(?:个)?(?:周|星期|礼拜)|这(?:个)?(?:周|星期|礼拜)|本(?:周|星期|礼拜)|这几天")
_NEXT_MONTH = re.compile(r"下(?:个)?月|这个?月|本月|月底")
_SPAN = re.compile(r"([0-9一二两三四五六七八九十半]+)\s*(?:个)?\s*(周|星期|礼拜|天|日|月)")


def find_reason(text: str) -> str | None:
    """Return why reminders are paused (出差, 开会, 休假, ...), or None."""
    match = _REASON.search(text)
    return None if match is None else _REASON_NAME.get(match.group(), match.group())


def find_resume_day(text: str, today: date) -> date | None:
    """Return the first day reminders resume, or None when the message does not say."""
    day, start, end = _first_day(text, today)
    if day is not None:
        before, after = text[:start], text[end:]
        if _UNTIL.search(before) or _AFTER.match(after) or (_SKIP.match(after) and day <= today):
            return day + timedelta(days=1)
        return day
    if _NEXT_NEXT_WEEK.search(text):
        return week_monday(today) + timedelta(days=14)
    if _NEXT_WEEK.search(text):
        return week_monday(today) + timedelta(days=7)
    if _NEXT_MONTH.search(text):
        return date(today.year + today.month // 12, today.month % 12 + 1, 1)
    span = _SPAN.search(text)
    if span:
        return _after_span(span.group(1), span.group(2), today)
    return None


def _first_day(text: str, today: date) -> tuple[date | None, int, int]:
    """Find the dated word that bounds the pause (a date or a holiday), resolved forwards, with its position.

    "12月2日前先别提醒" names the resume day itself and wins; otherwise the end of a range ("到12月3日")
    wins over its start. The end of "下周一到周三" is in the same week as its start.
    """
    hits = find_dates(text, today, future=True)
    before = [h for h in hits if _BEFORE.match(text[h.end :])]
    if before:
        return before[0].day, before[0].start, before[0].end  # reminders resume on that day
    until = [_same_week_as_start(text, hits, h) for h in hits if _UNTIL.search(text[: h.start])]
    hit = until[0] if until else (hits[0] if hits else None)
    holiday = _HOLIDAY.search(text)
    if holiday and (hit is None or holiday.start() <= hit.start):
        month, first, last = _HOLIDAYS[holiday.group()]
        year = today.year if date(today.year, month, last) >= today else today.year + 1
        ends_after = _AFTER.match(text[holiday.end() :]) or _UNTIL.search(text[: holiday.start()])
        return date(year, month, last if ends_after else first), holiday.start(), holiday.end()
    if hit is None:
        return None, 0, 0
    return hit.day, hit.start, hit.end


def _same_week_as_start(text: str, hits: list[DateHit], end: DateHit) -> DateHit:
    """Move a bare weekday ending a range ("下周一到周三") into the week of the range's start."""
    earlier = [h for h in hits if h.end <= end.start and not text[h.end : end.start].strip(" 到至-~—")]
    if not earlier or not _BARE_WEEKDAY.fullmatch(text[end.start : end.end]):
        return end
    start = earlier[-1].day
    day = start + timedelta(days=(end.day.weekday() - start.weekday()) % 7)
    return DateHit(day, end.start, end.end)


def _after_span(amount: str, unit: str, today: date) -> date | None:
    """Resolve a duration such as 一周 / 三天 / 两个月 from today."""
    count = 0.5 if amount == "半" else to_int(amount)
    if not count:
        return None
    if unit == "月":
        months = max(1, int(count))
        index = today.year * 12 + today.month - 1 + months
        return date(index // 12, index % 12 + 1, min(today.day, 28))
    days = count * 7 if unit in ("周", "星期", "礼拜") else count
    return today + timedelta(days=int(days))
