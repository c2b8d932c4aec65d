"""The school calendar one deployment runs on: working days, semesters, teaching weeks, periods.

A week carries the weekly obligations (N1, N5) when it is a teaching week: inside a semester, not a
vacation week (nor an exam week when `[calendar] weekly_in_exam_weeks = false`), and with at least
`[calendar] min_working_days` working days inside the semester.
Example: `calendar_for(settings).week_info(date(2026, 10, 1)).teaching`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.schedule.holidays import HolidayBook
from bot.schedule.periods import Period, month_of, quarter_of, week_of
from bot.schedule.semesters import Semester, assumed_semesters, configured_semesters, find_semester
from bot.terms.clock_times import parse_time


@dataclass(frozen=True)
class WeekInfo:
    """One ISO week as the weekly rules see it."""

    period: Period
    working_days: tuple[date, ...]  # working days of the week inside the semester
    semester: Semester | None
    semester_week: int | None
    exam: bool
    vacation: bool
    teaching: bool
    reason: str  # why it is not a teaching week, in Chinese ("" for a teaching week)


class SchoolCalendar:
    """Working days, semesters and periods in the school's timezone."""

    def __init__(self, settings: Settings) -> None:
        self.tz: ZoneInfo = settings.tz
        self.holidays = HolidayBook(settings.holidays)
        self.semesters = configured_semesters(settings.semesters)
        self.min_working_days = settings.calendar.min_working_days
        self.weekly_in_exam_weeks = settings.calendar.weekly_in_exam_weeks
        self.work_start: time = parse_time(settings.calendar.work_start)
        self.work_end: time = parse_time(settings.calendar.work_end)
        self._weeks: dict[date, WeekInfo] = {}

    # --- days ---

    def is_workday(self, day: date) -> bool:
        """Tell whether a day is worked (weekends and holidays are not; 调休 Saturdays are)."""
        return self.holidays.is_workday(day)

    def working_days(self, start: date, end: date) -> list[date]:
        """Return the working days in [start, end)."""
        return [d for d in (start + timedelta(days=i) for i in range((end - start).days)) if self.is_workday(d)]

    def next_workday(self, day: date) -> date:
        """Return the day itself if worked, else the next working day."""
        for _ in range(60):  # the longest Chinese holiday is under two weeks
            if self.is_workday(day):
                return day
            day += timedelta(days=1)
        return day

    def calendar_gaps(self, month: date) -> list[date]:
        """Return the days of a month whose holidays are unknown (no chinese-calendar data, no config)."""
        period = month_of(month)
        return [d for d in period.days() if not self.holidays.has_data(d)]

    # --- time ---

    def local_day(self, at: datetime) -> date:
        """Return the school-local date of a UTC moment."""
        return at.astimezone(self.tz).date()

    def moment(self, day: date, at: time) -> datetime:
        """Return the UTC moment of a school-local day and time."""
        return datetime.combine(day, at, tzinfo=self.tz).astimezone(timezone.utc)

    # --- semesters and periods ---

    @property
    def semesters_assumed(self) -> bool:
        """Tell whether no [[semesters]] are configured (an assumed calendar is used)."""
        return not self.semesters

    def semester_at(self, day: date) -> Semester | None:
        """Return the semester holding a day, or None in a vacation between semesters."""
        return find_semester(self.semesters, day)

    def semester_period(self, day: date) -> Period | None:
        """Return the semester holding a day as a Period, or None."""
        s = self.semester_at(day)
        if s is None:
            return None
        return Period("semester", s.name, s.start, s.end + timedelta(days=1), s.name)

    def semesters_between(self, start: date, end: date) -> list[Semester]:
        """Return the semesters overlapping [start, end), in date order (configured, or else assumed)."""
        known = list(self.semesters) or [s for year in range(start.year - 1, end.year + 1)
                                         for s in assumed_semesters(year)]
        return sorted((s for s in known if s.start < end and s.end >= start), key=lambda s: s.start)

    def periods_between(self, kind: str, start: date, end: date) -> list[Period]:
        """Return the periods of a kind (week/month/quarter/semester) overlapping [start, end), in order."""
        if kind == "semester":
            return [Period("semester", s.name, s.start, s.end + timedelta(days=1), s.name)
                    for s in self.semesters_between(start, end)]
        step = {"week": week_of, "month": month_of, "quarter": quarter_of}.get(kind)
        if step is None:
            raise ValueError(f"unknown period kind {kind!r}")
        out, day = [], start
        while day < end:
            period = step(day)
            out.append(period)
            day = period.end
        return out

    def off_session(self, period: Period) -> str:
        """Say why a month or quarter carries no obligation ("" when it does): fewer than
        `[calendar] min_working_days` of its working days fall inside a semester (August, most of February)."""
        if period.kind not in ("month", "quarter"):
            return ""
        inside = sum(1 for d in period.days() if self.is_workday(d) and self.semester_at(d) is not None)
        if inside >= self.min_working_days:
            return ""
        return f"{period.label}学期内仅{inside}个工作日（假期）"

    def period(self, kind: str, day: date) -> Period | None:
        """Return the period of a kind (week/month/quarter/semester) holding a day."""
        if kind == "week":
            return week_of(day)
        if kind == "month":
            return month_of(day)
        if kind == "quarter":
            return quarter_of(day)
        if kind == "semester":
            return self.semester_period(day)
        raise ValueError(f"unknown period kind {kind!r}")

    def week_info(self, day: date) -> WeekInfo:
        """Describe the ISO week holding a day: working days, semester week, teaching or not, and why."""
        week = week_of(day)
        cached = self._weeks.get(week.start)
        if cached is not None:
            return cached
        semester = self.semester_at(week.start) or self.semester_at(week.last_day)
        if semester is None:
            info = WeekInfo(week, (), None, None, False, False, False, "假期（不在学期内）")
        else:
            inside = [d for d in week.days() if semester.contains(d) and self.is_workday(d)]
            number = semester.week_number(week.start)
            exam = number in semester.exam_weeks
            vacation = number in semester.vacation_weeks
            reason = ""
            if vacation:
                reason = f"第{number}周为假期周"
            elif exam and not self.weekly_in_exam_weeks:
                reason = f"第{number}周为考试周"
            elif len(inside) < self.min_working_days:
                reason = f"本周仅{len(inside)}个工作日（少于{self.min_working_days}天）"
            info = WeekInfo(week, tuple(inside), semester, number, exam, vacation, not reason, reason)
        if len(self._weeks) < 2000:
            self._weeks[week.start] = info
        return info


@lru_cache(maxsize=16)
def calendar_for(settings: Settings) -> SchoolCalendar:
    """Return the calendar for a configuration (built once per Settings, which are frozen)."""
    return SchoolCalendar(settings)
