"""Several schools in one deployment, as the console shows them: each school's admins see their own
school's name, a province account's lists over several schools carry a school column (two tickets #1 side
by side are told apart), and its overview compares the schools by rate, side by side."""

from __future__ import annotations

import re
from datetime import timedelta

from flask.testing import FlaskClient

from bot.chat.context import Deps
from bot.store.db import school_by_code
from bot.store.models import Concern, ConcernMessage, Person
from tests.console.conftest import SECOND_SCHOOL, Seed, add_account, local, login, login_as


def header(html: str) -> str:
    match = re.search(r'<a class="brand"[^>]*>(.*?)</a>', html, re.S)
    assert match, html[:500]
    return re.sub(r"<[^>]+>", " ", match.group(1))


def test_each_schools_admin_sees_their_own_schools_name(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    add_account(console_deps, "admin-b", "admin", school="second")
    assert login(client, "admin-b").status_code == 302
    page = client.get("/console/").get_data(as_text=True)
    assert SECOND_SCHOOL in header(page) and "示例大学" not in header(page)
    login_as(client, "admin")
    page = client.get("/console/").get_data(as_text=True)
    assert "示例大学" in header(page) and SECOND_SCHOOL not in header(page)


def test_province_header_names_the_pick(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "province")
    assert "全部学校（2所）" in header(client.get("/console/").get_data(as_text=True))
    assert SECOND_SCHOOL in header(client.get("/console/?school=second").get_data(as_text=True))


def second_schools_ticket_one(deps: Deps) -> None:
    """Give the second school its own ticket #1, like the first school's."""
    with deps.sessions.begin() as db:
        school = school_by_code(db, "second", deps.settings)
        assert school is not None
        student = Person(school_id=school.id, userid="stu01", name="学生乙", department="机电学院")
        db.add(student)
        db.flush()
        at = local(deps, "2026-11-24T09:00")
        ticket = Concern(school_id=school.id, number=1, sender_id=student.id, category="life", status="open",
                         owner_office="后勤处", text="食堂排队太长", created_at=at,
                         first_response_due=at + timedelta(days=1), resolve_due=at + timedelta(days=7))
        db.add(ticket)
        db.flush()
        db.add(ConcernMessage(concern_id=ticket.id, author_id=student.id, role="sender", text=ticket.text, at=at))


def school_column(html: str, table: str) -> list[str]:
    """The first column of a table's rows."""
    body = re.search(rf'<table id="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, html[:300]
    return [re.sub(r"<[^>]+>|\s", "", cell) for cell in re.findall(r"<tr>\s*<td[^>]*>(.*?)</td>", body.group(1), re.S)]


def test_mixed_lists_carry_a_school_column(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    second_schools_ticket_one(console_deps)
    login_as(client, "province")
    concerns = client.get("/console/concerns?status=all").get_data(as_text=True)
    assert "<th>学校</th>" in concerns
    assert {"示例大学", SECOND_SCHOOL} <= set(school_column(concerns, "concerns"))
    records = client.get("/console/records").get_data(as_text=True)
    assert "<th>学校</th>" in records and SECOND_SCHOOL in records
    people = client.get("/console/people").get_data(as_text=True)
    assert "<th>学校</th>" in people and SECOND_SCHOOL in people
    one = client.get("/console/concerns?status=all&school=second").get_data(as_text=True)
    assert "<th>学校</th>" not in one  # one school in view: no column
    login_as(client, "admin")
    assert "<th>学校</th>" not in client.get("/console/records").get_data(as_text=True)


def test_province_overview_compares_schools_by_rate(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "province")
    page = client.get("/console/").get_data(as_text=True)
    table = re.search(r'<table id="school-rates">.*?</table>', page, re.S)
    assert table, page[:500]
    rows = re.findall(r"<tr><td><a [^>]*>(.*?)</a>(.*?)</tr>", table.group(0), re.S)
    assert [name for name, _ in rows] == ["示例大学", SECOND_SCHOOL]  # best overall rate first
    first = re.findall(r'<td class="num">(?:<strong>)?([^<]*)', rows[0][1])
    assert first[:3] == ["40", "5", "1"]  # leaders, face-to-face (lectures included), online
    # Weeks and months met among those ended this semester (the suite's clock is Wednesday 2026-11-25: the week
    # of 11-23 and November are in progress and not counted).
    assert first[-1] == f"{100 * 3 / 204:.1f}%"
