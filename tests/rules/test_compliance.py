"""The compliance engine: each rule met / due / overdue, what counts and what does not, pauses,
periods split across months and quarters, and set-based queries (N1, N2, N4, N5, N7, N8, N11, N20)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import event

from bot.config import RuleEntry
from bot.rules.engine import DUE, EXCUSED, EXEMPT, MET, OVERDUE, Evaluation, evaluate
from bot.rules.queries import Scope
from tests.rules.conftest import World


def run(world: World, iso: str, *, as_of: date | None = None, person: int | None = None,
        records: bool = False) -> Evaluation:
    at = world.at(iso)
    scope = Scope(school_id=world.school_id, person_ids=(person,) if person else None)
    with world.session() as db:
        return evaluate(db, world.deps.settings, at, as_of=as_of, scope=scope, with_records=records)


def state(ev: Evaluation, person: int, rule: str) -> list[tuple[str, float, float]]:
    return [(o.state, o.done, o.required) for o in ev.people[person].of_rule(rule)]


def test_weekly_face_to_face_met_due_overdue(world: World) -> None:
    """N1: one face-to-face contact per teaching week; online never counts, deleted never counts."""
    world.contact(world.leader, "2026-11-23", "online", venue="online")
    world.contact(world.leader, "2026-11-24", deleted=True)
    ev = run(world, "2026-11-25T12:00")
    assert state(ev, world.leader, "weekly_face_to_face") == [(DUE, 0, 1)]
    world.contact(world.leader, "2026-11-25")
    ev = run(world, "2026-11-25T12:00", records=True)
    [o] = ev.people[world.leader].of_rule("weekly_face_to_face")
    assert (o.state, o.done) == (MET, 1) and len(o.contact_ids) == 1
    assert state(ev, world.leader2, "weekly_face_to_face") == [(DUE, 0, 1)]
    # Last week, judged on Monday: overdue for the leader who did nothing.
    ev = run(world, "2026-11-30T09:00", as_of=date(2026, 11, 29))
    assert state(ev, world.leader2, "weekly_face_to_face") == [(OVERDUE, 0, 1)]
    assert state(ev, world.leader, "weekly_face_to_face") == [(MET, 1, 1)]


def test_lecture_and_mentee_activity_are_face_to_face_too(world: World) -> None:
    """A leader's own ideology lecture and a mentee's class meeting put them in a room with students."""
    world.contact(world.leader, "2026-11-24", "ideology_lecture")
    world.contact(world.leader2, "2026-11-24", "mentee_activity", counterparts=[world.counselor])
    ev = run(world, "2026-11-25T12:00")
    assert state(ev, world.leader, "weekly_face_to_face")[0][0] == MET
    assert state(ev, world.leader2, "weekly_face_to_face")[0][0] == MET


def test_semester_ideology_lecture(world: World) -> None:
    """N2: one ideology or 形势与政策 lecture per semester, counted over the whole semester."""
    ev = run(world, "2026-11-25T12:00")
    assert state(ev, world.leader, "semester_ideology_lecture") == [(DUE, 0, 1)]
    world.contact(world.leader, "2026-09-10", "ideology_lecture")
    world.contact(world.leader2, "2026-09-01", "ideology_lecture")  # before the semester: does not count
    ev = run(world, "2026-11-25T12:00")
    assert state(ev, world.leader, "semester_ideology_lecture") == [(MET, 1, 1)]
    assert state(ev, world.leader2, "semester_ideology_lecture") == [(DUE, 0, 1)]
    assert ev.periods["semester"] is not None and ev.periods["semester"].key == "2026秋季学期"
    assert not ev.people[world.chief].of_rule("semester_ideology_lecture")  # school leaders only


def test_quarterly_mentee_talk_per_link(world: World) -> None:
    """N7: each linked counselor/teacher is met face to face once a quarter; counted per link."""
    world.contact(world.leader, "2026-10-12", "mentee_talk", counterparts=[world.counselor])
    world.contact(world.leader, "2026-09-30", "mentee_talk", counterparts=[world.teacher])  # last quarter
    ev = run(world, "2026-11-25T12:00")
    by_mentee = {o.mentee.name: o.state for o in ev.people[world.leader].of_rule("quarterly_mentee_talk") if o.mentee}
    assert by_mentee == {"王丽": MET, "张明华": DUE}
    assert [o.state for o in ev.people[world.chief].of_rule("quarterly_mentee_talk")] == [DUE]
    # A talk with someone else's mentee counts for nobody's link.
    world.contact(world.chief, "2026-11-02", "mentee_talk", counterparts=[world.counselor])
    ev = run(world, "2026-11-25T12:00")
    assert [o.state for o in ev.people[world.chief].of_rule("quarterly_mentee_talk")] == [DUE]


def test_semester_mentee_activity_per_link(world: World) -> None:
    """N8: once a semester, take part in each linked one's work (class meeting, talk, class)."""
    world.contact(world.chief, "2026-10-20", "mentee_activity", counterparts=[world.counselor2])
    ev = run(world, "2026-11-25T12:00")
    assert [o.state for o in ev.people[world.chief].of_rule("semester_mentee_activity")] == [MET]
    assert [o.state for o in ev.people[world.leader].of_rule("semester_mentee_activity")] == [DUE, DUE]


def test_monthly_chief_contact_default_two(world: World) -> None:
    """N4: the school sets it; by default two face-to-face contacts a month for middle chiefs."""
    world.contact(world.chief, "2026-11-03")
    world.contact(world.chief, "2026-10-30")  # last month
    ev = run(world, "2026-11-25T12:00")
    assert state(ev, world.chief, "monthly_chief_contact") == [(DUE, 1, 2)]
    world.contact(world.chief, "2026-11-20", "online", venue="online")
    world.contact(world.chief, "2026-11-21", "mentee_activity", counterparts=[world.counselor2])
    ev = run(world, "2026-11-25T12:00")
    assert state(ev, world.chief, "monthly_chief_contact") == [(MET, 2, 2)]
    assert not ev.people[world.chief].of_rule("weekly_face_to_face")


def test_rule_numbers_come_from_config(world: World) -> None:
    """A school changes numbers and roles in config without code."""
    world.deps.settings = replace(world.deps.settings, rule=(
        RuleEntry(id="monthly_chief_contact", count=3),
        RuleEntry(id="weekly_face_to_face", roles=("school_leader", "middle_chief")),
        RuleEntry(id="semester_ideology_lecture", enabled=False),
    ))
    world.contact(world.chief, "2026-11-03")
    world.contact(world.chief, "2026-11-04")
    ev = run(world, "2026-11-25T12:00")
    assert state(ev, world.chief, "monthly_chief_contact") == [(DUE, 2, 3)]
    assert state(ev, world.chief, "weekly_face_to_face") == [(DUE, 0, 1)]
    assert not ev.people[world.leader].of_rule("semester_ideology_lecture")


def test_frontline_share_of_working_half_days(world: World) -> None:
    """N5: front-line time at least half the week's working half-days (5 of 10 in a full week)."""
    world.contact(world.frontline, "2026-11-23", "frontline", half_days=2)
    world.contact(world.frontline, "2026-11-24", "frontline", half_days=1)
    ev = run(world, "2026-11-25T12:00")
    assert state(ev, world.frontline, "weekly_frontline_share") == [(DUE, 3, 5)]
    world.contact(world.frontline, "2026-11-25", "frontline", half_days=2)
    ev = run(world, "2026-11-25T12:00")
    assert state(ev, world.frontline, "weekly_frontline_share") == [(MET, 5, 5)]


def test_frontline_share_shrinks_with_holidays(world: World) -> None:
    """A holiday week has fewer working half-days: National Day week W41 has Thu, Fri and the 调休 Saturday."""
    world.contact(world.frontline, "2026-10-08", "frontline", half_days=2)
    ev = run(world, "2026-10-09T12:00")
    assert state(ev, world.frontline, "weekly_frontline_share") == [(DUE, 2, 3)]
    world.contact(world.frontline, "2026-10-10", "frontline", half_days=1)
    assert state(run(world, "2026-10-10T12:00"), world.frontline, "weekly_frontline_share")[0][0] == MET


def test_backdated_and_disputed_still_count_marked(world: World) -> None:
    """N20: back-dated and disputed records count, and carry their marks."""
    world.contact(world.leader, "2026-11-23", backdated=True)
    world.contact(world.leader, "2026-10-12", "mentee_talk", counterparts=[world.counselor], confirmation="disputed")
    ev = run(world, "2026-11-25T12:00", person=world.leader, records=True)
    assert state(ev, world.leader, "weekly_face_to_face")[0][0] == MET
    talks = {o.mentee.name: o for o in ev.people[world.leader].of_rule("quarterly_mentee_talk") if o.mentee}
    assert talks["王丽"].state == MET
    flags = sorted(f for r in ev.records.values() for f in r.flags)
    assert flags == ["对方有异议", "补记"]


def test_vacation_and_short_weeks_carry_no_weekly_obligation(world: World) -> None:
    """No weekly obligation in vacation weeks, outside semesters, or with fewer than N working days."""
    ev = run(world, "2027-02-10T12:00")  # winter vacation
    assert state(ev, world.leader, "weekly_face_to_face")[0][0] == EXEMPT
    assert state(ev, world.leader, "semester_ideology_lecture")[0][0] == EXEMPT
    ev = run(world, "2027-05-05T12:00")  # spring semester week 10, a configured vacation week
    [o] = ev.people[world.leader].of_rule("weekly_face_to_face")
    assert o.state == EXEMPT and "假期周" in o.note
    assert state(ev, world.frontline, "weekly_frontline_share")[0][0] == EXEMPT


def test_pause_excuses_the_week_but_snooze_does_not(world: World) -> None:
    """N11: a pause for a real absence excuses the period; a snooze only quiets reminders."""
    world.pause(world.leader, "2026-11-23", "2026-11-28", reason="出差")
    world.pause(world.leader2, "2026-11-23", "2026-11-28", kind="snooze", reason=None)
    ev = run(world, "2026-11-25T12:00")
    [o] = ev.people[world.leader].of_rule("weekly_face_to_face")
    assert o.state == EXCUSED and "出差" in o.note and "11月23日–27日" in o.note
    assert state(ev, world.leader2, "weekly_face_to_face")[0][0] == DUE
    # A two-day trip leaves three working days: still a week to do it in.
    world.pause(world.chief, "2026-11-23", "2026-11-25", reason="开会")
    world.deps.settings = replace(
        world.deps.settings, rule=(RuleEntry(id="weekly_face_to_face", roles=("school_leader", "middle_chief")),))
    ev = run(world, "2026-11-25T12:00")
    assert state(ev, world.chief, "weekly_face_to_face")[0][0] == DUE
    # The quarter is not excused by a week away.
    assert {o.state for o in ev.people[world.leader].of_rule("quarterly_mentee_talk")} == {DUE}


def test_week_split_across_months_quarters_and_years(world: World) -> None:
    """2026-W53 runs 2026-12-28 to 2027-01-03: one week, two months, two quarters, two years."""
    world.contact(world.chief, "2026-12-29")
    world.contact(world.leader, "2026-12-30", "mentee_talk", counterparts=[world.counselor])
    world.contact(world.leader, "2027-01-02", "mentee_talk", counterparts=[world.teacher])
    world.contact(world.leader, "2027-01-02")
    ev = run(world, "2026-12-31T12:00")
    assert ev.week.period.key == "2026-W53" and ev.periods["quarter"].key == "2026-Q4"  # type: ignore[union-attr]
    assert state(ev, world.leader, "weekly_face_to_face")[0][0] == MET  # the Saturday counts for the week
    talks = {o.mentee.name: o.state for o in ev.people[world.leader].of_rule("quarterly_mentee_talk") if o.mentee}
    assert talks == {"王丽": MET, "张明华": DUE}  # the 2027 talk belongs to Q1
    assert state(ev, world.chief, "monthly_chief_contact") == [(DUE, 1, 2)]
    ev = run(world, "2027-01-02T12:00")  # no chinese-calendar data for 2027: nothing crashes
    assert ev.periods["quarter"].key == "2027-Q1"  # type: ignore[union-attr]
    talks = {o.mentee.name: o.state for o in ev.people[world.leader].of_rule("quarterly_mentee_talk") if o.mentee}
    assert talks == {"王丽": DUE, "张明华": MET}
    assert state(ev, world.chief, "monthly_chief_contact") == [(DUE, 0, 2)]
    assert state(ev, world.leader, "weekly_face_to_face")[0][0] == MET


def test_whole_school_costs_a_few_queries(world: World) -> None:
    """Set-based: the number of SELECTs does not grow with the number of people."""
    for i in range(5):
        world.contact(world.leader, f"2026-11-2{i}")
    statements: list[str] = []
    with world.session() as db:
        engine = db.get_bind()
        target = engine.engine if hasattr(engine, "engine") else engine

        def count(conn: object, cursor: object, statement: str, *args: object) -> None:
            statements.append(statement)

        event.listen(target, "before_cursor_execute", count)
        try:
            ev = evaluate(db, world.deps.settings, world.at("2026-11-25T12:00"), scope=Scope(world.school_id),
                          with_records=True)
        finally:
            event.remove(target, "before_cursor_execute", count)
    assert len(ev.people) == 4
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 8  # the half-days apart
