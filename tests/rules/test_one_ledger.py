"""One definition of each count, everywhere: the console's chart, the weekly digest, "我的进度", the province
report (.xlsx and JSON), the leader's record (.xlsx and JSON) and the department summary all count
face-to-face contacts the same way (lectures and part in a mentee's work included, online never) — on a
two-school deployment whose second school has its own rules and semesters, with lectures, online contacts
and a pause, and on the demo's data."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from bot.chat.context import Deps
from bot.config import Settings, school_settings
from bot.console.charts import weeks_window
from bot.console.compliance import leader_statuses, standing_and_weeks
from bot.console.stats import leaders
from bot.rules.digest_data import build_digest
from bot.rules.leader_record import leader_record, summary_pairs
from bot.rules.progress import compliance_for
from bot.rules.report_data import build_report
from bot.rules.report_json import record_json, report_json
from bot.rules.report_xlsx import record_workbook, report_workbook
from bot.rules.terms import Term, range_term
from bot.schedule.periods import parse_week_key, week_of
from bot.store.db import school_by_code
from bot.store.models import Person
from tests.rules.conftest import World

W47 = parse_week_key("2026-W47")  # 16–22 November 2026
def xlsx(data: bytes) -> dict[str, list[list[Any]]]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    out = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    wb.close()
    return out


def column(table: list[list[Any]], header: str, key_header: str) -> dict[Any, Any]:
    head = table[0]
    rows = [row + [None] * (len(head) - len(row)) for row in table[1:]]  # read-only mode drops empty tails
    return {row[head.index(key_header)]: row[head.index(header)] for row in rows}


F2F = "面对面接触学生（含讲课、参与工作）"


def every_count(deps: Deps, settings: Settings, at: datetime, week: Term, semester: Term,
                userid: str, school_code: str) -> dict[str, int]:
    """A leader's and their school's face-to-face count as each surface shows it."""
    with deps.sessions() as db:
        school = school_by_code(db, school_code, settings)
        assert school is not None
        own = school_settings(settings, school.code)
        leader = db.scalar(select(Person).where(Person.school_id == school.id, Person.userid == userid))
        assert leader is not None
        people = leaders(db, Person.school_id == school.id)
        monday = week.start - timedelta(days=week.start.weekday())
        _, chart = standing_and_weeks(db, settings, people, at, (school.id,), (monday, monday + timedelta(days=7)))
        digest = build_digest(db, own, school, week_of(week.start), at)
        report = build_report(db, settings, at, week, (school.id,))
        book = xlsx(report_workbook(report, settings.tz))
        data = report_json(report, settings.tz)
        record = leader_record(db, own, at, leader, week)
        record_book = xlsx(record_workbook(record, settings.tz))
        department = build_report(db, settings, at, week, (school.id,), department=leader.department)
        progress = compliance_for(db, leader, at, own)
        so_far = build_report(db, settings, at, semester, (school.id,))
        so_far_record = leader_record(db, own, at, leader, semester)
    pairs = dict(summary_pairs(record))
    return {
        "chart (school)": chart.get(monday, 0),
        "digest (school)": digest.in_person,
        "report xlsx (school)": column(book["学校汇总"], F2F, "学校")[school.name],
        "report json (school)": data["schools"][0]["face_to_face"],
        "department summary (leader)": department.leaders[[x.person.userid for x in department.leaders].index(userid)]
        .counts.face_to_face,
        "digest (leader)": next(r.contacts for r in digest.rows if r.userid == userid),
        "report xlsx (leader)": column(book["领导干部明细"], F2F, "账号")[userid],
        "report json (leader)": next(x["face_to_face"] for x in data["schools"][0]["leaders"] if x["userid"] == userid),
        "record (leader)": record.counts.face_to_face,
        "record page (leader)": int(pairs["面对面接触学生"].split("次")[0]),
        "record xlsx (leader)": int(column(record_book["汇总"], "内容", "项目")["面对面接触学生"].split("次")[0]),
        "record json (leader)": json.loads(json.dumps(record_json(record, settings.tz)))["face_to_face"],
        "progress so far (leader)": progress.so_far.face_to_face,
        "report so far (leader)": next(x.counts.face_to_face for x in so_far.leaders if x.person.userid == userid),
        "record so far (leader)": so_far_record.counts.face_to_face,
    }


def agree(counts: dict[str, int], school: int, leader: int, so_far: int) -> None:
    """Each surface shows the expected count for its subject."""
    expected = {name: school if "(school)" in name else so_far if "so far" in name else leader for name in counts}
    assert counts == expected


def test_two_schools_count_face_to_face_the_same_everywhere(two: World) -> None:
    at = two.at("2026-11-25T12:00")
    settings = two.deps.settings
    week = range_term(W47.start, W47.last_day)
    # 赵建国: dorm, lecture, part in 王丽's work (not the online one, not the talk with a teacher); plus 钱振华's
    # class during his pause and 孙立新's club (not the one taken back): 5 in school A.
    semester_a = range_term(date(2026, 9, 7), date(2026, 11, 25))
    agree(every_count(two.deps, settings, at, week, semester_a, "zhao", "default"), school=5, leader=3, so_far=4)
    # 李校长: canteen and lecture (not online); 马院长: dorm and part in 陈辅导员's work: 4 in school B.
    semester_b = range_term(date(2026, 8, 31), date(2026, 11, 25))
    agree(every_count(two.deps, settings, at, week, semester_b, "lee", "hbut"), school=4, leader=2, so_far=2)


def test_the_province_report_adds_the_schools_up(two: World) -> None:
    at = two.at("2026-11-25T12:00")
    with two.session() as db:
        report = build_report(db, two.deps.settings, at, range_term(W47.start, W47.last_day))
    assert [b.name for b in report.schools] == ["示例大学", "河北第二大学"]
    assert report.total.counts.face_to_face == 9 and report.total.counts.n("online") == 2
    assert report.total.counts.n("ideology_lecture") == 2
    book = xlsx(report_workbook(report, two.deps.settings.tz))
    assert column(book["学校汇总"], F2F, "学校")["合计（2所学校）"] == 9
    assert column(book["学校汇总"], "线上联系（不计入面对面）", "学校")["合计（2所学校）"] == 2


def test_a_school_with_its_own_rule_and_semester_is_judged_by_them(two: World) -> None:
    at = two.at("2026-11-25T12:00")
    with two.session() as db:
        report = build_report(db, two.deps.settings, at, range_term(date(2026, 8, 31), date(2026, 11, 25)))
    a, b = report.schools
    sun = next(x for x in a.leaders if x.person.userid == "sun")
    ma = next(x for x in b.leaders if x.person.userid == "ma")
    months_a = {o.period.key: o for o in sun.obligations if o.rule.id == "monthly_chief_contact"}
    months_b = {o.period.key: o for o in ma.obligations if o.rule.id == "monthly_chief_contact"}
    assert months_a["2026-11"].required == 2 and months_b["2026-11"].required == 1  # hbut's own [[schools.rule]]
    assert months_b["2026-11"].state == "met" and months_a["2026-11"].state == "due"  # 1 of 1; 1 of 2, in progress
    zhao = next(x for x in a.leaders if x.person.userid == "zhao")
    lee = next(x for x in b.leaders if x.person.userid == "lee")
    weeks_a = [o for o in zhao.obligations if o.rule.id == "weekly_face_to_face"]
    weeks_b = [o for o in lee.obligations if o.rule.id == "weekly_face_to_face"]
    assert weeks_b[0].period.key == "2026-W36" and weeks_a[0].period.key == "2026-W37"  # hbut starts a week earlier
    assert weeks_a[-1].period.key == "2026-W48" and not weeks_a[-1].ended  # this week: in progress, not yet due
    assert zhao.rates["weekly_face_to_face"].due == len(weeks_a) - 1


def test_a_pause_excuses_the_week_in_every_surface(two: World) -> None:
    at = two.at("2026-11-25T12:00")
    with two.session() as db:
        qian = db.scalar(select(Person).where(Person.userid == "qian"))
        assert qian is not None
        record = leader_record(db, two.deps.settings, at, qian, range_term(W47.start, W47.last_day))
        school = school_by_code(db, "", two.deps.settings)
        assert school is not None
        digest = build_digest(db, two.deps.settings, school, W47, at)
    (week,) = [o for o in record.line.obligations if o.rule.id == "weekly_face_to_face"]
    # Away Monday–Thursday: one working day left, so the week is excused — yet his class on Friday met it.
    assert week.state == "met" and record.counts.face_to_face == 1
    assert next(r for r in digest.rows if r.userid == "qian").cells["week"] == "✔ 1/1"


def test_the_demo_counts_agree(deps: Deps) -> None:
    from bot.demo.run import demo_semesters, prepare_demo

    deps.settings = replace(deps.settings, semesters=demo_semesters(date(2026, 11, 25)))
    prepare_demo(deps)
    at = deps.clock()
    with deps.sessions() as db:
        school = school_by_code(db, "", deps.settings)
        assert school is not None
        people = leaders(db, Person.school_id == school.id)
        first, end = weeks_window(deps.today(at))
        _, chart = standing_and_weeks(db, deps.settings, people, at, (school.id,), (first, end))
        for monday in sorted(chart)[-4:]:
            week = range_term(monday, monday + timedelta(days=6))
            report = build_report(db, deps.settings, at, week, (school.id,))
            digest = build_digest(db, deps.settings, school, week_of(monday), at)
            counted = {line.person.userid: line.counts.face_to_face for line in report.leaders}
            assert chart[monday] == report.schools[0].counts.face_to_face == digest.in_person == sum(counted.values())
            assert {r.userid: r.contacts for r in digest.rows} == counted
            busiest = max(counted, key=lambda u: counted[u])
            person = db.scalar(select(Person).where(Person.userid == busiest))
            assert person is not None
            assert leader_record(db, deps.settings, at, person, week).counts.face_to_face == counted[busiest]
        assert sum(chart.values()) > 10  # the demo has a few weeks of history


def test_the_overview_stands_each_leader_where_evaluate_does(two: World) -> None:
    """The overview reads where each leader stands from the chart's ledger; it must say what `evaluate` says."""
    at = two.at("2026-11-25T12:00")
    with two.session() as db:
        people = leaders(db, Person.id.is_not(None))
        schools = tuple(sorted({p.school_id for p in people}))
        from_ledger, _ = standing_and_weeks(db, two.deps.settings, people, at, schools, weeks_window(date(2026, 11, 25)))
        evaluated = leader_statuses(db, two.deps.settings, people, at, schools)
    assert [(s.person.userid, s.obligations) for s in from_ledger] == [(s.person.userid, s.obligations) for s in evaluated]
    assert any(s.obligations for s in evaluated) and any(s.unmet for s in evaluated)
