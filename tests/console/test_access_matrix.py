"""Who sees what, as a matrix of role × route: every route of the console blueprint, for an admin, a
department head, a leader, the province, an auditor and nobody logged in — allowed (200, or 302 after a
change), denied (403) or sent to log in (302 to /login). Includes a leader opening another leader's pages.
What each role sees of each object's fields is tested in test_field_matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.console.conftest import Seed, csrf, login_as, post

ROLES = ("admin", "department_head", "leader", "province", "auditor", "anonymous")


@dataclass(frozen=True)
class Case:
    """One request and its expected status per role (a role missing from `expect` uses `default`)."""

    endpoint: str
    method: str
    url: Callable[[Seed], str]
    expect: dict[str, int]
    default: int = 403
    data: Callable[[Seed], dict[str, object]] | None = None


def ok(*roles: str, code: int = 200) -> dict[str, int]:
    return {role: code for role in roles}


ALL = ("admin", "department_head", "leader", "province")
STAFF = ("admin", "department_head", "province")

CASES = (
    Case("console.overview", "GET", lambda s: "/console/", ok(*ALL)),
    Case("console.people", "GET", lambda s: "/console/people", ok(*ALL)),
    Case("console.person", "GET", lambda s: f"/console/people/{s.zhao}", ok("admin", "leader", "province")),
    # A leader opening another leader's page, and a department head outside their department.
    Case("console.person", "GET", lambda s: f"/console/people/{s.qian}", ok("admin", "province")),
    Case("console.person", "GET", lambda s: f"/console/people/{s.kong}", ok("admin", "department_head", "province")),
    Case("console.person_record", "GET", lambda s: f"/console/people/{s.zhao}/record",
         ok("admin", "leader", "province")),
    Case("console.person_record", "GET", lambda s: f"/console/people/{s.qian}/record", ok("admin", "province")),
    Case("console.person_record_xlsx", "GET", lambda s: f"/console/people/{s.zhao}/record.xlsx",
         ok("admin", "leader", "province")),
    Case("console.person_record_xlsx", "GET", lambda s: f"/console/people/{s.qian}/record.xlsx",
         ok("admin", "province")),
    Case("console.person_record_json", "GET", lambda s: f"/console/people/{s.zhao}/record.json",
         ok("admin", "leader", "province")),
    Case("console.person_record_json", "GET", lambda s: f"/console/people/{s.qian}/record.json",
         ok("admin", "province")),
    Case("console.links", "GET", lambda s: "/console/links", ok(*STAFF)),
    Case("console.records", "GET", lambda s: "/console/records", ok(*ALL)),
    Case("console.record", "GET", lambda s: f"/console/records/{s.contact_zhao}", ok("admin", "leader", "province")),
    Case("console.record", "GET", lambda s: f"/console/records/{s.contact_qian}", ok("admin", "province")),
    Case("console.record", "GET", lambda s: f"/console/records/{s.contact_kong}",
         ok("admin", "department_head", "province")),
    Case("console.evidence_photo", "GET", lambda s: f"/console/records/{s.contact_zhao}/evidence/{s.photo_zhao}",
         ok("admin", "leader", code=404)),  # who may see it: not fetched yet; the others (province too): 403
    Case("console.concerns", "GET", lambda s: "/console/concerns", ok(*ALL)),
    Case("console.concern", "GET", lambda s: f"/console/concerns/{s.concern_dept}",
         ok("admin", "department_head", "province")),
    Case("console.concern", "GET", lambda s: f"/console/concerns/{s.concern_zhao}", ok("admin", "leader", "province")),
    Case("console.audit", "GET", lambda s: "/console/audit", ok("auditor")),
    Case("console.person_find", "GET", lambda s: "/console/people/find?userid=lisiqi01", ok("admin", code=302)),
    Case("console.person_data", "GET", lambda s: f"/console/people/{s.lisiqi}/data.json", ok("admin")),
    Case("console.person_erase", "POST", lambda s: f"/console/people/{s.lisiqi}/erase", ok("admin", code=302),
         data=lambda s: {"confirm": "not-the-userid"}),  # refused with a message: nothing erased
    # A student's page: the admin's only (the province sees leaders' compliance, never a student).
    Case("console.person", "GET", lambda s: f"/console/people/{s.lisiqi}", ok("admin")),
    Case("console.outbox", "GET", lambda s: "/console/outbox", ok("admin", "province")),
    Case("console.exports", "GET", lambda s: "/console/exports", ok(*ALL)),
    Case("console.export_progress", "GET", lambda s: "/console/exports/progress.xlsx", ok(*STAFF)),
    Case("console.export_progress_json", "GET", lambda s: "/console/exports/progress.json", ok(*STAFF)),
    Case("console.export_records", "GET", lambda s: "/console/exports/records.xlsx", ok(*ALL)),
    Case("console.export_records", "GET", lambda s: "/console/exports/records.csv", ok(*ALL)),
    # The records with their photos: not for the province, who may not see evidence (students' faces, rooms).
    Case("console.export_records", "GET", lambda s: "/console/exports/records.zip",
         ok("admin", "department_head", "leader")),
    Case("console.export_concerns", "GET", lambda s: "/console/exports/concerns.xlsx", ok(*ALL)),
    Case("console.export_concerns", "GET", lambda s: "/console/exports/concerns.csv", ok(*ALL)),
    # Changes: allowed ones redirect back (302) after writing; others are 403.
    Case("console.links_add", "POST", lambda s: "/console/links/add", ok("admin", code=302),
         data=lambda s: {"leader_id": s.qian, "mentee_id": s.free_mentee}),
    Case("console.links_accept", "POST", lambda s: "/console/links/accept", ok("admin", code=302),
         data=lambda s: {"fingerprint": "stale"}),
    Case("console.standing_set", "POST", lambda s: f"/console/people/{s.zhao}/standing", ok("admin", code=302),
         data=lambda s: {"kind": "class", "name": "计科2101"}),
    Case("console.standing_end", "POST", lambda s: f"/console/people/{s.zhao}/standing/end", ok("admin", code=302)),
    Case("console.links_end", "POST", lambda s: f"/console/links/{s.link_zhao}/end", ok("admin", code=302)),
    Case("console.concern_reply", "POST", lambda s: f"/console/concerns/{s.concern_dept}/reply",
         ok("admin", "department_head", code=302), data=lambda s: {"text": "已转教务处，下周答复"}),
    Case("console.concern_reply", "POST", lambda s: f"/console/concerns/{s.concern_zhao}/reply",
         ok("admin", "leader", code=302), data=lambda s: {"text": "已向人事处反映"}),
    Case("console.concern_status", "POST", lambda s: f"/console/concerns/{s.concern_resolved}/status",
         ok("admin", "department_head", code=302), data=lambda s: {"status": "reopened"}),
    Case("console.concern_deadline", "POST", lambda s: f"/console/concerns/{s.concern_anon}/deadline",
         ok("admin", code=302), data=lambda s: {"resolve_due": "2026-12-04"}),
    # Not a crisis: nobody may reveal who raised it (the crisis case is tested in test_field_matrix.py).
    Case("console.concern_reveal", "POST", lambda s: f"/console/concerns/{s.concern_anon}/reveal", {},
         data=lambda s: {"reason": "想知道是谁反映的"}),
    # Not a crisis: refused with a message (302) to those who may see the ticket (a crisis: test_crisis_console.py).
    Case("console.concern_crisis", "POST", lambda s: f"/console/concerns/{s.concern_dept}/crisis",
         ok("admin", "department_head", code=302), data=lambda s: {"action": "ack"}),
    Case("console.outbox_retry_failed", "POST", lambda s: "/console/outbox/retry-failed", ok("admin", code=302)),
    Case("console.outbox_retry", "POST", lambda s: "/console/outbox/999999/retry", ok("admin", code=404)),
    Case("console.outbox_acknowledge", "POST", lambda s: "/console/outbox/999999/acknowledge",
         ok("admin", code=404)),  # who may act: no such message; the others: 403
    # The crisis detector's labelled set: admins and the mental-health office (test_feedback_pages.py); marking a
    # missed crisis: the people on the ticket's case (the owner, zhao; local accounts are on no case).
    Case("console.feedback", "GET", lambda s: "/console/feedback", ok("admin")),
    Case("console.feedback_jsonl", "GET", lambda s: "/console/feedback.jsonl", ok("admin")),
    Case("console.concern_missed", "POST", lambda s: f"/console/concerns/{s.concern_zhao}/missed",
         ok("leader", code=302)),
    Case("console.group_reply", "POST", lambda s: f"/console/concerns/groups/{s.group}/reply", ok("admin", code=302),
         data=lambda s: {"text": "3号楼热水器已更换，今晚恢复供应"}),
)

# The public pages answer everyone the same way.
PUBLIC = (
    Case("console.login", "GET", lambda s: "/login", {}, default=200),
    Case("console.logout", "POST", lambda s: "/logout", {}, default=302),
    Case("console.wecom_login", "GET", lambda s: "/login/wecom", {}, default=404),  # WeCom is not configured here
    Case("console.wecom_callback", "GET", lambda s: "/login/wecom/callback?code=x&state=y", {}, default=400),
)


def expected(case: Case, role: str) -> int:
    if case in PUBLIC:
        return case.default
    if role == "anonymous":
        return 302  # to /login
    return case.expect.get(role, case.default)


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    routed = {rule.endpoint for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("console.") and rule.endpoint != "console.static"}
    assert routed == {c.endpoint for c in CASES + PUBLIC}


def test_every_guarded_view_declares_its_roles(app: Flask) -> None:
    from bot.console.blueprint import ROUTES

    for route in ROUTES:
        view = app.view_functions[f"console.{route.endpoint}"]
        if route.roles is None:
            assert not hasattr(view, "console_roles"), route.endpoint
        else:
            assert getattr(view, "console_roles", None) == route.roles, route.endpoint


@pytest.mark.parametrize("role", ROLES)
def test_role_by_route(role: str, client: FlaskClient, seed: Seed) -> None:
    if role != "anonymous":
        login_as(client, role)
    got: dict[str, tuple[int, int]] = {}
    for case in CASES + PUBLIC:
        url = case.url(seed)
        if case.method == "GET":
            response = client.get(url)
        else:
            response = post(client, url, **(case.data(seed) if case.data else {}))
        want = expected(case, role)
        if response.status_code != want:
            got[f"{case.method} {url}"] = (response.status_code, want)
        if role == "anonymous" and case not in PUBLIC:
            assert "/login?next=" in response.headers["Location"], url
        if case.endpoint == "console.logout" and role != "anonymous":
            login_as(client, role)  # logging out is public: log in again for the rest
        csrf(client)
    assert not got, f"{role}: (got, expected) {got}"


def test_province_may_narrow_to_one_school(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "province")
    both = client.get("/console/records").get_data(as_text=True)
    assert "李校长" in both and "赵建国" in both
    one = client.get("/console/records?school=second").get_data(as_text=True)
    assert "李校长" in one and "赵建国" not in one
    assert client.get("/console/records?school=nowhere").status_code == 404


def test_admin_sees_only_their_school(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "admin")
    assert "李校长" not in client.get("/console/records").get_data(as_text=True)
    assert "李校长" not in client.get("/console/people").get_data(as_text=True)
    # ?school= means nothing to an admin: still their own school.
    assert "李校长" not in client.get("/console/records?school=second").get_data(as_text=True)


def test_department_head_sees_their_department(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "department_head")
    people = client.get("/console/people").get_data(as_text=True)
    assert "孔令军" in people and "薛红" in people and "赵建国" not in people
    concerns = client.get("/console/concerns?status=all").get_data(as_text=True)
    assert "#2" in concerns and "#1<" not in concerns and "#5" not in concerns


def test_leader_sees_only_their_own(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "leader")
    records = client.get("/console/records").get_data(as_text=True)
    assert "赵建国" in records and "钱振华" not in records and "孔令军" not in records
    people = client.get("/console/people").get_data(as_text=True)
    assert "赵建国" in people and "钱振华" not in people
    concerns = client.get("/console/concerns?status=all").get_data(as_text=True)
    assert "#5" in concerns and "#2" not in concerns
    # The other leader, logged in, cannot open the first one's page either.
    from tests.console.conftest import login

    post(client, "/logout")
    assert login(client, "leader2").status_code == 302
    assert client.get(f"/console/people/{seed.zhao}").status_code == 403
    assert client.get(f"/console/people/{seed.qian}").status_code == 200
