"""The school calendar: semesters, ISO weeks, months and quarters, holidays and 调休 workdays, teaching
weeks, and working-time arithmetic for deadlines.

Example: `calendar_for(settings).week_info(date(2026, 10, 8))` (bot/schedule/school_calendar.py) tells that the
National Day week has three working days (Thursday, Friday and the 调休 Saturday) and whether it is a teaching week.
"""
