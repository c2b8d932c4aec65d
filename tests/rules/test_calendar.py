"""The school calendar: holidays, 调休 workdays, vacation and exam weeks, a year without chinese-calendar
data (2027), assumed semesters, weeks split across months and quarters, working-time arithmetic, and
config refusals that name the key."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from bot.config import CalendarSettings, ConfigError, HolidayEntry, Settings, load_settings
from bot.schedule.periods import month_of, parse_week_key, quarter_of, week_of
from bot.schedule.school_calendar import calendar_for
from bot.schedule.working_time import add_working_days, add_working_hours, working_hours_between
from tests.rules.conftest import AUTUMN, SPRING, local


@pytest.fixture
def settings() -> Settings:
    return replace(load_settings(env={}), semesters=(AUTUMN, SPRING))


def test_public_holiday_and_adjusted_workday(settings: Settings) -> None:
    cal = calendar_for(settings)
    assert not cal.is_workday(date(2026, 10, 1)) and cal.holidays.holiday_name(date(2026, 10, 1)) == "国庆节"
    assert cal.is_workday(date(2026, 10, 10))  # Saturday worked for National Day (调休)
    assert cal.holidays.is_adjusted_workday(date(2026, 10, 10))
    assert not cal.is_workday(date(2026, 11, 28))  # an ordinary Saturday


def test_teaching_week_needs_enough_working_days(settings: Settings) -> None:
    """W41 (5–11 October 2026) has Thursday, Friday and the 调休 Saturday: a teaching week at N=3, not at N=4."""
    week = calendar_for(settings).week_info(date(2026, 10, 8))
    assert week.teaching and [d.day for d in week.working_days] == [8, 9, 10]
    strict = calendar_for(replace(settings, calendar=CalendarSettings(min_working_days=4))).week_info(date(2026, 10, 8))
    assert not strict.teaching and "仅3个工作日" in strict.reason


def test_vacation_and_exam_weeks(settings: Settings) -> None:
    cal = calendar_for(settings)
    vacation = cal.week_info(date(2027, 5, 5))  # spring week 10, configured as a vacation week
    assert vacation.semester_week == 10 and vacation.vacation and not vacation.teaching
    assert "假期周" in vacation.reason
    exam = cal.week_info(date(2027, 1, 6))  # autumn week 18
    assert exam.exam and exam.teaching
    no_exam = calendar_for(replace(settings, calendar=CalendarSettings(weekly_in_exam_weeks=False)))
    assert not no_exam.week_info(date(2027, 1, 6)).teaching
    assert not cal.week_info(date(2027, 2, 10)).teaching and cal.semester_at(date(2027, 2, 10)) is None


def test_year_without_calendar_data(settings: Settings) -> None:
    """chinese-calendar 1.11.0 raises for 2027; we never ask it, and config fills the year."""
    cal = calendar_for(settings)
    assert cal.is_workday(date(2027, 1, 1))  # unknown: Monday–Friday are worked
    assert len(cal.calendar_gaps(date(2027, 1, 15))) == 31 and cal.calendar_gaps(date(2026, 12, 1)) == []
    assert cal.week_info(date(2027, 1, 1)).teaching
    filled = calendar_for(replace(settings, holidays=(
        HolidayEntry(start=date(2027, 1, 1), end=date(2027, 1, 3), name="元旦"),
        HolidayEntry(start=date(2027, 2, 20), name="春节调休", workday=True))))
    assert not filled.is_workday(date(2027, 1, 1)) and filled.holidays.holiday_name(date(2027, 1, 2)) == "元旦"
    assert filled.is_workday(date(2027, 2, 20)) and filled.calendar_gaps(date(2027, 1, 15)) == []
    assert filled.holidays.holiday_block("元旦", date(2026, 12, 1)) == (date(2027, 1, 1), date(2027, 1, 3))


def test_config_holidays_override_chinese_calendar(settings: Settings) -> None:
    cal = calendar_for(replace(settings, holidays=(HolidayEntry(start=date(2026, 11, 27), name="校庆"),)))
    assert not cal.is_workday(date(2026, 11, 27)) and cal.holidays.holiday_name(date(2026, 11, 27)) == "校庆"


def test_assumed_semesters_without_config() -> None:
    cal = calendar_for(load_settings(env={}))
    assert cal.semesters_assumed
    autumn = cal.semester_at(date(2026, 11, 25))
    assert autumn is not None and "默认" in autumn.name and autumn.start == date(2026, 8, 31)
    spring = cal.semester_at(date(2027, 4, 1))
    assert spring is not None and spring.start == date(2027, 2, 22)
    assert cal.semester_at(date(2026, 8, 1)) is None


def test_week_split_across_months_quarters_and_years() -> None:
    week = week_of(date(2027, 1, 2))
    assert (week.key, week.start, week.end) == ("2026-W53", date(2026, 12, 28), date(2027, 1, 4))
    assert week.label == "2026年12月28日–2027年1月3日"
    assert quarter_of(date(2026, 12, 31)).key == "2026-Q4" and quarter_of(date(2027, 1, 1)).key == "2027-Q1"
    assert week_of(date(2026, 12, 3)).label == "11月30日–12月6日"
    assert month_of(date(2026, 12, 31)).end == date(2027, 1, 1)
    assert parse_week_key("2026-W47").start == date(2026, 11, 16)
    with pytest.raises(ValueError):
        parse_week_key("47")


def test_working_hours_skip_nights_weekends_and_holidays(settings: Settings) -> None:
    friday = local("2026-11-27T16:30")
    assert add_working_hours(friday, 24, settings) == local("2026-12-02T13:30")
    assert add_working_hours(local("2026-09-30T16:00"), 3, settings) == local("2026-10-08T10:00")
    assert add_working_hours(local("2026-11-28T10:00"), 1, settings) == local("2026-11-30T09:30")
    assert add_working_days(local("2026-10-09T10:00"), 1, settings) == local("2026-10-10T10:00")  # 调休 Saturday
    assert add_working_days(local("2026-11-27T20:00"), 2, settings) == local("2026-12-01T17:30")
    assert working_hours_between(local("2026-11-27T17:00"), local("2026-11-30T09:30"), settings) == 1.5
    assert working_hours_between(friday, friday, settings) == 0.0
    assert add_working_hours(datetime(2027, 1, 1, 1, 0, tzinfo=timezone.utc), 1, settings).year == 2027


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ('[reminders]\nweekly_stages = ["thursday"]\n', "weekly_stages"),
        ('[reminders]\nquiet_start = "25:00"\n', "quiet_start"),
        ('[calendar]\nmin_working_days = 0\n', "min_working_days"),
        ('[[semesters]]\nname = "a"\nstart = 2026-09-07\nend = 2026-09-01\n', "semesters[0]"),
        ('[[semesters]]\nname = "a"\nstart = 2026-09-07\n', "semesters[0]"),
        ('[[semesters]]\nname = "a"\nstart = 2026-09-07\nend = 2027-01-10\n'
         '[[semesters]]\nname = "b"\nstart = 2027-01-01\nend = 2027-06-10\n', "overlap"),
        ('[[holidays]]\nname = "x"\n', "holidays[0]"),
        ('[[rule]]\nid = "weekly_hugs"\n', "weekly_hugs"),
        ('[[rule]]\nid = "weekly_face_to_face"\nkinds = ["online"]\n', "online"),
        ('[[rule]]\nid = "monthly_chief_contact"\nroles = ["wizard"]\n', "wizard"),
        ('[digest]\nweekday = "someday"\n', "weekday"),
    ],
)
def test_bad_rules_config_names_the_key(tmp_path: Path, toml: str, named: str) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(named)):
        load_settings(cfg, env={})


def test_env_overrides_rules_keys() -> None:
    s = load_settings(env={"CONTACTBOT_REMINDERS_QUIET_START": "22:30", "CONTACTBOT_CALENDAR_MIN_WORKING_DAYS": "4",
                           "CONTACTBOT_REMINDERS_QUARTERLY_WEEKS_BEFORE": "4,2"})
    assert s.reminders.quiet_start == "22:30" and s.calendar.min_working_days == 4
    assert [int(x) for x in s.reminders.quarterly_weeks_before] == [4, 2]
