"""Reminders: each stage of each rule, quiet hours, holidays and 调休, merging to one message a day,
pauses and snoozes, catching up once after downtime, and the once-only guarantee — all on a fixed clock."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from bot.config import HolidayEntry
from bot.rules.models import ReminderSent
from bot.rules.queries import Scope
from bot.rules.reminders import due_reminders
from bot.store.db import school_by_code
from jobs.reminders import send_due_reminders
from tests.rules.conftest import World, outbox_rows, with_holidays


def plans(world: World, iso: str) -> dict[str, list[str]]:
    """The reminders due at a school-local moment: {userid: [rule ids]} (nothing is sent)."""
    at = world.at(iso)
    with world.session() as db:
        return {p.person.userid: [i.rule.id for i in p.items]
                for p in due_reminders(db, world.deps.settings, at, Scope(world.school_id))}


def texts(world: World, iso: str) -> dict[str, str]:
    at = world.at(iso)
    with world.session() as db:
        return {p.person.userid: p.text for p in due_reminders(db, world.deps.settings, at, Scope(world.school_id))}


def send(world: World, iso: str) -> int:
    world.at(iso)
    return send_due_reminders(world.deps)


def reminders_to(world: World, userid: str) -> list[dict[str, Any]]:
    return [payload for to, _, payload in outbox_rows(world.deps, "reminder") if to == userid]


def test_weekly_face_to_face_thursday_then_final_friday(world: World) -> None:
    """N1: none by Thursday 17:00 of a teaching week → a reminder; a last one Friday 17:00."""
    world.contact(world.leader, "2026-11-24")
    assert "qian" not in plans(world, "2026-11-26T16:59")
    due = plans(world, "2026-11-26T17:00")
    assert due["qian"] == ["weekly_face_to_face"] and "zhao" not in due
    assert "本周（11月23日–29日）您还没有与学生面对面接触" in texts(world, "2026-11-26T17:00")["qian"]
    assert send(world, "2026-11-26T17:00") >= 1
    assert "qian" not in plans(world, "2026-11-26T18:00")  # stage 1 sent
    final = texts(world, "2026-11-27T17:00")["qian"]
    assert final.startswith("钱振华您好") and "本周即将结束" in final
    send(world, "2026-11-27T17:00")
    assert len(reminders_to(world, "qian")) == 2
    assert "qian" not in plans(world, "2026-11-27T18:00")


def test_frontline_share_reminder(world: World) -> None:
    """N5: a student-affairs head behind on front-line time on Thursday is told how much is missing."""
    world.contact(world.frontline, "2026-11-23", "frontline", half_days=2)
    text = texts(world, "2026-11-26T17:00")["shi"]
    assert "一线的时间已记录2个半天" in text and "还差3个半天" in text
    world.contact(world.frontline, "2026-11-26", "frontline", half_days=3)
    assert "weekly_frontline_share" not in plans(world, "2026-11-26T17:00").get("shi", [])


def test_monthly_stages_move_off_weekends(world: World) -> None:
    """N4: 10 and 3 days before the month ends; 21 and 28 November are Saturdays → the next Monday."""
    assert plans(world, "2026-11-23T09:59").get("sun") is None
    assert plans(world, "2026-11-23T10:00")["sun"] == ["monthly_chief_contact"]
    world.contact(world.chief, "2026-11-02")
    text = texts(world, "2026-11-23T10:00")["sun"]
    assert "2026年11月与学生面对面接触1/2次" in text
    send(world, "2026-11-23T10:00")
    assert plans(world, "2026-11-27T10:00").get("sun") is None
    assert plans(world, "2026-11-30T10:00")["sun"] == ["monthly_chief_contact"]


def test_quarterly_names_unmet_mentees_and_merges_with_weekly(world: World) -> None:
    """N7: 3 weeks before the quarter ends, naming who is not yet met; one message a day, merged."""
    world.contact(world.leader, "2026-10-15", "mentee_talk", counterparts=[world.counselor])
    world.contact(world.leader2, "2026-12-08")  # met this week: no weekly reminder for 钱振华
    for leader in (world.leader, world.leader2):  # semester obligations met: only the quarter is due
        world.contact(leader, "2026-10-16", "ideology_lecture")
    world.contact(world.leader, "2026-10-16", "mentee_activity", counterparts=[world.counselor, world.teacher])
    world.contact(world.leader2, "2026-10-16", "mentee_activity", counterparts=[world.counselor])
    world.contact(world.chief, "2026-10-16", "mentee_activity", counterparts=[world.counselor2])
    due = plans(world, "2026-12-11T10:00")  # Friday: 3 weeks before 1 January
    assert due["sun"] == ["quarterly_mentee_talk"] and due["qian"] == ["quarterly_mentee_talk"]
    assert "zhao" not in due  # held: the weekly final stage comes at 17:00 today
    assert "尚未与李娜面对面交流" in texts(world, "2026-12-11T10:00")["sun"]
    send(world, "2026-12-11T10:00")
    merged = texts(world, "2026-12-11T17:00")
    assert plans(world, "2026-12-11T17:00")["zhao"] == ["weekly_face_to_face", "quarterly_mentee_talk"]
    assert "尚未与张明华面对面交流" in merged["zhao"] and "王丽" not in merged["zhao"].split("尚未")[1]
    assert "1. " in merged["zhao"] and "2. " in merged["zhao"]
    send(world, "2026-12-11T17:00")
    assert len(reminders_to(world, "zhao")) == 1 and len(reminders_to(world, "sun")) == 1
    assert plans(world, "2026-12-25T10:00")["sun"] == ["quarterly_mentee_talk", "monthly_chief_contact"]  # 1 week before


def test_semester_stages_six_and_two_weeks_before(world: World) -> None:
    """N2, N8: 6 and 2 weeks before the semester ends (17 January 2027, a year without calendar data)."""
    world.contact(world.chief, "2026-10-20", "mentee_activity", counterparts=[world.counselor2])
    assert "semester_ideology_lecture" not in plans(world, "2026-12-04T10:00").get("zhao", [])
    due = plans(world, "2026-12-07T10:00")  # Monday: 6 weeks before 18 January
    assert due["zhao"] == ["semester_ideology_lecture", "semester_mentee_activity"]
    assert "semester_mentee_activity" not in due.get("sun", [])
    text = texts(world, "2026-12-07T10:00")["zhao"]
    assert "本学期还有6周结束" in text and "尚未参与王丽、张明华的工作" in text
    send(world, "2026-12-07T10:00")
    assert plans(world, "2027-01-04T10:00")["zhao"] == ["semester_ideology_lecture", "semester_mentee_activity"]


def test_quiet_hours_then_catch_up_once(world: World) -> None:
    """Nothing in quiet hours; a stage missed during downtime goes out once when the scheduler is back."""
    assert plans(world, "2026-11-23T21:30") == {}
    assert plans(world, "2026-11-24T07:59") == {}
    assert send(world, "2026-11-24T08:05") >= 1  # Monday's 10:00 monthly stage, caught up on Tuesday
    assert len(reminders_to(world, "sun")) == 1
    assert send(world, "2026-11-24T08:10") == 0
    assert len(reminders_to(world, "sun")) == 1


def test_never_on_a_holiday_and_weekly_stage_moves_back(world: World) -> None:
    """Mid-Autumn Friday 2026-09-25 is off: the Thursday stage is the final one; nothing on the holiday."""
    assert plans(world, "2026-09-25T17:00") == {}
    assert plans(world, "2026-09-26T17:00") == {}  # Saturday
    text = texts(world, "2026-09-24T17:00")["zhao"]
    assert "本周即将结束" in text
    # National Day week 2026-W40: Thursday and Friday are holidays → both stages move to Wednesday.
    assert "weekly_face_to_face" in plans(world, "2026-09-30T17:00")["zhao"]
    assert plans(world, "2026-10-01T17:00") == {}


def test_adjusted_workday_carries_the_final_stage(world: World) -> None:
    """A school holiday on Friday with a 调休 Saturday: the final stage goes out on the Saturday."""
    with_holidays(world.deps, HolidayEntry(start=date(2026, 11, 27), name="校庆"),
                  HolidayEntry(start=date(2026, 11, 28), name="校庆调休", workday=True))
    assert plans(world, "2026-11-27T17:00") == {}
    due = plans(world, "2026-11-28T17:00")
    assert due["zhao"] == ["weekly_face_to_face"]
    assert "本周即将结束" in texts(world, "2026-11-28T17:00")["zhao"]


def test_pause_and_snooze_quiet_reminders_and_end_by_themselves(world: World) -> None:
    """N11: no reminders while paused or snoozed; they resume by themselves on `until`."""
    world.pause(world.leader, "2026-11-23", "2026-11-27", reason="出差")
    world.pause(world.leader2, "2026-11-25", "2026-11-27", kind="snooze", reason=None)
    due = plans(world, "2026-11-26T17:00")
    assert "zhao" not in due and "qian" not in due
    due = plans(world, "2026-11-27T17:00")
    assert "zhao" not in due  # the week is excused: four of five working days away
    assert due["qian"] == ["weekly_face_to_face"]  # a snooze excuses nothing


def test_once_only_across_runs_restarts_and_other_schedulers(world: World) -> None:
    """Each (person, rule, period, stage) goes out once: repeated runs, a restart, a claim already taken."""
    with world.session() as db:
        school = school_by_code(db, "", world.deps.settings)
        assert school is not None
        db.add(ReminderSent(school_id=school.id, person_id=world.leader2, rule="weekly_face_to_face",
                            period="2026-W48", stage=1, sent_on=date(2026, 11, 25), sent_at=world.at("2026-11-25T17:00")))
        db.commit()
    first = send(world, "2026-11-26T17:00")
    assert first >= 1 and send(world, "2026-11-26T17:00") == 0
    assert reminders_to(world, "qian") == []  # its stage was claimed by "another scheduler"
    assert len(reminders_to(world, "zhao")) == 1
    from bot.chat.context import Deps

    restarted = Deps(settings=world.deps.settings, engine=world.deps.engine, sessions=world.deps.sessions,
                     clock=world.deps.clock, _redis=world.deps._redis)
    assert send_due_reminders(restarted) == 0
    with world.session() as db:
        keys = db.execute(select(ReminderSent.person_id, ReminderSent.rule, ReminderSent.period,
                                 ReminderSent.stage)).all()
    assert len(keys) == len(set(keys))


def test_year_without_calendar_data_crashes_nothing(world: World) -> None:
    """2027 has no chinese-calendar data: weekdays are worked unless [[holidays]] says otherwise."""
    assert plans(world, "2027-01-01T10:00")  # New Year's Day, unknown to chinese-calendar: a working Friday
    with_holidays(world.deps, HolidayEntry(start=date(2027, 1, 1), end=date(2027, 1, 3), name="元旦"))
    assert plans(world, "2027-01-01T10:00") == {}
    assert send(world, "2027-01-04T10:00") >= 1
