"""The school calendar: semesters, ISO weeks, months and quarters, holidays and 调休 workdays, teaching
weeks, and working-time arithmetic for deadlines.

Example: `calendar_for(settings).week_info(date(2026, 10, 8))` tells that the National Day week has
three working days (Thursday, Friday and the 调休 Saturday) and whether it is a teaching week.
"""

from bot.schedule.periods import Period, month_of, parse_week_key, quarter_of, week_of
from bot.schedule.school_calendar import SchoolCalendar, WeekInfo, calendar_for

__all__ = ["Period", "SchoolCalendar", "WeekInfo", "calendar_for", "month_of", "parse_week_key", "quarter_of",
           "week_of"]
