"""The console's calls into the school calendar and the rules (bot/schedule, bot/rules), in one place: the
settings the schools in view run on (a school may have its own rules and calendar), and the semester
holding a day.

Example: `view_settings()` is the picked school's settings for a province viewer who picked one, the
deployment's for a view over several schools.
"""

from __future__ import annotations

from datetime import date

from flask import g

from bot.config import Settings
from bot.rules.school_groups import settings_of
from bot.schedule.periods import Period
from bot.schedule.school_calendar import calendar_for


def view_settings() -> Settings:
    """Return the settings of the one school in view, or the deployment's for several."""
    school_id = g.scope.single_school
    return settings_of(g.db, g.deps.settings, school_id) if school_id is not None else g.deps.settings


def semester_at(settings: Settings, day: date) -> Period | None:
    """Return the semester holding a day, or None between semesters."""
    return calendar_for(settings).semester_period(day)
