"""The ledger: every obligation in the notice's own periods over a span — each teaching week (N1, N5),
month (N4), quarter for each linked counselor/teacher (N7), semester (N2; N8 per link) — met, not met,
excused by a pause, or in progress; a week is due only once it has ended."""

from __future__ import annotations

from datetime import date

from bot.rules.engine import DUE, EXCUSED, MET, OVERDUE, Evaluation, ledger
from bot.rules.queries import Scope
from bot.rules.report_data import rates_of
from tests.rules.conftest import World


def run(world: World, iso: str, start: str, end: str, person: int) -> Evaluation:
    at = world.at(iso)
    with world.session() as db:
        return ledger(db, world.deps.settings, at, date.fromisoformat(start), date.fromisoformat(end),
                      scope=Scope(school_id=world.school_id, person_ids=(person,)))


def states(ev: Evaluation, person: int, rule: str) -> dict[str, str]:
    return {o.period.key + (f"/{o.mentee.name}" if o.mentee else ""): o.state
            for o in ev.people[person].obligations if o.rule.id == rule}


def test_a_week_is_due_only_once_it_has_ended(world: World) -> None:
    world.contact(world.leader, "2026-11-18")  # in 2026-W47
    sunday = run(world, "2026-11-22T23:59", "2026-11-16", "2026-11-30", world.leader)
    assert states(sunday, world.leader, "weekly_face_to_face") == {"2026-W47": MET}
    early = rates_of(sunday.people[world.leader].obligations)["weekly_face_to_face"]
    assert (early.due, early.met_early) == (0, 1)  # met already, but not yet ended: not yet due
    monday = run(world, "2026-11-23T00:01", "2026-11-16", "2026-11-30", world.leader)
    weeks = {o.period.key: o for o in monday.people[world.leader].of_rule("weekly_face_to_face")}
    assert weeks["2026-W47"].ended and weeks["2026-W47"].state == MET
    assert weeks["2026-W48"].state == DUE and not weeks["2026-W48"].ended  # in progress, not held against him
    rate = rates_of(monday.people[world.leader].obligations)["weekly_face_to_face"]
    assert (rate.met, rate.due, rate.in_progress, rate.met_early, rate.value) == (1, 1, 1, 0, 1.0)
    later = run(world, "2026-11-30T00:01", "2026-11-16", "2026-11-30", world.leader)
    assert states(later, world.leader, "weekly_face_to_face") == {"2026-W47": MET, "2026-W48": OVERDUE}


def test_each_quarter_each_linked_counselor(world: World) -> None:
    """N7: a pair met once in the term is met for that quarter only, and each linked one on their own."""
    world.contact(world.leader, "2026-09-15", "mentee_talk", counterparts=[world.counselor])
    world.contact(world.leader, "2026-11-10", "mentee_talk", counterparts=[world.teacher])
    ev = run(world, "2027-01-05T10:00", "2026-09-07", "2027-01-18", world.leader)
    assert states(ev, world.leader, "quarterly_mentee_talk") == {
        "2026-Q3/王丽": MET, "2026-Q3/张明华": OVERDUE, "2026-Q4/王丽": OVERDUE, "2026-Q4/张明华": MET,
        "2027-Q1/王丽": DUE, "2027-Q1/张明华": DUE}


def test_the_year_record_is_not_done_by_two_november_talks(world: World) -> None:
    """A 2026 record with two November talks: Q4 met, Q3 not (the links began on 09-01), the year not done."""
    world.contact(world.leader, "2026-11-10", "mentee_talk", counterparts=[world.counselor])
    world.contact(world.leader, "2026-11-12", "mentee_talk", counterparts=[world.teacher])
    ev = run(world, "2027-01-05T10:00", "2026-01-01", "2027-01-01", world.leader)
    talks = states(ev, world.leader, "quarterly_mentee_talk")
    assert talks == {"2026-Q3/王丽": OVERDUE, "2026-Q3/张明华": OVERDUE, "2026-Q4/王丽": MET, "2026-Q4/张明华": MET}
    rate = rates_of(ev.people[world.leader].obligations)["quarterly_mentee_talk"]
    assert (rate.met, rate.due) == (2, 4)


def test_each_month_for_a_chief_and_each_week_for_front_line_time(world: World) -> None:
    for day in ("2026-09-10", "2026-09-24", "2026-10-15"):
        world.contact(world.chief, day)
    world.contact(world.frontline, "2026-11-16", "frontline", half_days=6)
    ev = run(world, "2026-12-01T10:00", "2026-09-07", "2026-12-01", world.chief)
    assert states(ev, world.chief, "monthly_chief_contact") == {"2026-09": MET, "2026-10": OVERDUE, "2026-11": OVERDUE}
    front = run(world, "2026-12-01T10:00", "2026-11-16", "2026-11-30", world.frontline)
    weeks = {o.period.key: o for o in front.people[world.frontline].of_rule("weekly_frontline_share")}
    assert weeks["2026-W47"].state == MET and weeks["2026-W47"].required == 5  # half of 5 days' 10 half-days
    assert weeks["2026-W48"].state == OVERDUE and weeks["2026-W48"].done == 0


def test_a_pause_excuses_its_periods_with_the_reason(world: World) -> None:
    world.pause(world.leader, "2026-11-16", "2026-11-21", reason="赴京学习")
    ev = run(world, "2026-12-01T10:00", "2026-11-16", "2026-11-30", world.leader)
    weeks = {o.period.key: o for o in ev.people[world.leader].of_rule("weekly_face_to_face")}
    assert weeks["2026-W47"].state == EXCUSED and "赴京学习" in weeks["2026-W47"].note
    assert weeks["2026-W48"].state == OVERDUE
    rate = rates_of(ev.people[world.leader].obligations)["weekly_face_to_face"]
    assert (rate.met, rate.due, rate.excused) == (0, 1, 1)


def test_vacation_weeks_and_months_carry_nothing(world: World) -> None:
    """Between semesters (2027-01-18 to 02-28) there is no week to answer for, and February — with no working
    day inside a semester — no month (January, half in the autumn semester, still is one)."""
    ev = run(world, "2027-03-10T10:00", "2027-01-18", "2027-03-08", world.chief)
    assert set(states(ev, world.chief, "monthly_chief_contact")) == {"2027-01", "2027-03"}
    leader = run(world, "2027-03-10T10:00", "2027-01-18", "2027-03-08", world.leader)
    assert set(states(leader, world.leader, "weekly_face_to_face")) == {"2027-W09"}  # 03-01, the spring's first
