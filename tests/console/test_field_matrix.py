"""What each role sees of each object's fields (bot/console/access.py's MATRIX), through the real console:
the province and an admin without care of concerns never see a student's name, userid, class or words of a
sensitive concern, on pages or in exports; care of concerns shows named senders; the words of crisis and
mental-health concerns reach only the people on the case, who alone may reveal an anonymous sender — for a
crisis, with a reason; every read and export writes exactly one audit row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from bot.chat.context import Deps
from bot.config import PrivacySettings
from bot.server.web import create_app
from bot.store.db import school_by_code
from bot.store.models import AuditLog, ConcernMessage, OutboundMessage
from tests.console.conftest import Seed, add_account, concern, login, login_as, person, post

STUDENTS = ("李思琪", "张浩然", "王子涵", "刘雨欣", "lisiqi01", "zhanghaoran01", "wangzihan01", "liuyuxin01")
CLASSES = ("计科2101", "计科2203", "软工2302")
CRISIS_WORDS = "最近失眠很严重，不想活了"
MENTAL_WORDS = "压力太大每天都睡不着"
ORDINARY_WORDS = "希望学院多开一些考研辅导讲座"


@pytest.fixture
def cases(console_deps: Deps, seed: Seed) -> dict[str, int]:
    """A crisis ticket (#7, anonymous) and a mental-health one (#8, named), and accounts on the case."""
    with console_deps.sessions.begin() as db:
        school = school_by_code(db, "", console_deps.settings)
        assert school is not None
        lisiqi, zhang = person(db, school, "lisiqi01"), person(db, school, "zhanghaoran01")
        head, counselor = person(db, school, "yinlihua01"), person(db, school, "wangli01")
        crisis = concern(db, console_deps, school, 7, lisiqi, "2026-11-25T09:00", category="mental", crisis=True,
                         anonymous=True, owner_office="心理健康教育中心", owner_id=head.id, counselor_id=counselor.id,
                         text=CRISIS_WORDS)
        mental = concern(db, console_deps, school, 8, zhang, "2026-11-25T10:00", category="mental",
                         owner_office="心理健康教育中心", owner_id=head.id, text=MENTAL_WORDS)
        ids = {"crisis": crisis.id, "mental": mental.id}
    add_account(console_deps, "duty1", "admin", "qiuchenyang01")  # a roster admin: on duty by default
    add_account(console_deps, "psych1", "department_head", "yinlihua01", "心理健康教育中心")
    return ids


def with_care(deps: Deps, *roles: str) -> Flask:
    settings = replace(deps.settings, privacy=PrivacySettings(care_roles=roles))
    return create_app(deps=Deps(settings=settings, engine=deps.engine, sessions=deps.sessions, clock=deps.clock,
                                _redis=deps.redis))


def text_of(response: object) -> str:
    """A page or a download (xlsx cells, csv) as one string."""
    data: bytes = response.get_data()  # type: ignore[attr-defined]
    if data[:2] == b"PK":
        book = load_workbook(io.BytesIO(data))
        return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    return data.decode("utf-8-sig")


def everything(client: FlaskClient, seed: Seed, cases: dict[str, int]) -> Iterator[tuple[str, str]]:
    """Every page and export about concerns, records and students the viewer may open (403s skipped)."""
    urls = ["/console/", "/console/concerns?status=all", "/console/exports/concerns.xlsx?status=all",
            "/console/exports/concerns.csv?status=all", "/console/exports/records.xlsx",
            "/console/exports/records.csv", "/console/records", f"/console/records/{seed.contact_zhao}",
            f"/console/people/{seed.lisiqi}", f"/console/people/{seed.zhao}/record",
            f"/console/people/{seed.zhao}/record.xlsx", "/console/exports/progress.xlsx"]
    urls += [f"/console/concerns/{i}" for i in (seed.concern_anon, seed.concern_dept, seed.concern_resolved,
                                               cases["crisis"], cases["mental"])]
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            yield url, text_of(response)


def test_province_never_sees_a_student(client: FlaskClient, seed: Seed, cases: dict[str, int]) -> None:
    login_as(client, "province")
    seen = dict(everything(client, seed, cases))
    assert f"/console/concerns/{cases['crisis']}" in seen and "/console/exports/concerns.xlsx?status=all" in seen
    for url, text in seen.items():
        for secret in (*STUDENTS, *CLASSES, CRISIS_WORDS, MENTAL_WORDS, ORDINARY_WORDS, "热水器坏了"):
            assert secret not in text, (url, secret)
    assert client.get(f"/console/people/{seed.lisiqi}").status_code == 403
    # What the province does see: that the cases exist, their category, state and deadlines.
    board = seen["/console/concerns?status=all"]
    assert "#7" in board and "紧急" in board and "心理" in board and "仅处理该问题的人员可见" in board


def test_admin_without_care_sees_words_of_ordinary_concerns_only(client: FlaskClient, seed: Seed,
                                                                 cases: dict[str, int]) -> None:
    login_as(client, "admin")  # a local admin with no roster person: on no case; no care by default
    seen = dict(everything(client, seed, cases))
    page = seen[f"/console/concerns/{seed.concern_dept}"]
    assert ORDINARY_WORDS in page and "张浩然" not in page and "身份不显示" in page
    for url, text in seen.items():
        if url != f"/console/people/{seed.lisiqi}":  # the roster's own page of the student: the admin's to see
            for secret in (*STUDENTS, CRISIS_WORDS, MENTAL_WORDS):
                assert secret not in text, (url, secret)
    assert ORDINARY_WORDS in seen["/console/exports/concerns.xlsx?status=all"]


def test_care_of_concerns_shows_named_senders_never_anonymous_ones(console_deps: Deps, seed: Seed,
                                                                   cases: dict[str, int]) -> None:
    client = with_care(console_deps, "admin").test_client()
    login_as(client, "admin")
    page = client.get(f"/console/concerns/{seed.concern_dept}").get_data(as_text=True)
    assert "张浩然" in page and "计科2101" in page
    exported = text_of(client.get("/console/exports/concerns.xlsx?status=all"))
    assert "张浩然" in exported and "zhanghaoran01" in exported
    assert "李思琪" not in exported and "刘雨欣" not in exported  # anonymous: never
    assert MENTAL_WORDS not in exported  # care of concerns is not being on a mental-health case
    # A department head has no care unless configured, even for their own department's tickets.
    login(client, "dept1")
    assert "张浩然" not in client.get(f"/console/concerns/{seed.concern_dept}").get_data(as_text=True)


@pytest.mark.parametrize("username", ["duty1", "psych1"])
def test_people_on_the_case_read_crisis_and_mental_words(client: FlaskClient, seed: Seed, cases: dict[str, int],
                                                         username: str) -> None:
    assert login(client, username).status_code == 302
    crisis = client.get(f"/console/concerns/{cases['crisis']}").get_data(as_text=True)
    mental = client.get(f"/console/concerns/{cases['mental']}").get_data(as_text=True)
    assert CRISIS_WORDS in crisis and "匿名" in crisis and "李思琪" not in crisis
    assert MENTAL_WORDS in mental and "张浩然" in mental  # on the case: the named student, to reach them
    assert CRISIS_WORDS in text_of(client.get("/console/exports/concerns.csv?status=all"))


def test_reveal_needs_a_crisis_the_case_and_a_reason(client: FlaskClient, console_deps: Deps, seed: Seed,
                                                     cases: dict[str, int]) -> None:
    login_as(client, "admin")  # not on the case
    assert post(client, f"/console/concerns/{cases['crisis']}/reveal", reason="有自伤风险").status_code == 403
    login(client, "duty1")
    assert post(client, f"/console/concerns/{seed.concern_anon}/reveal", reason="想知道是谁").status_code == 403
    refused = post(client, f"/console/concerns/{cases['crisis']}/reveal", reason="")
    assert refused.status_code == 302  # back with the message: a reason is required
    revealed = post(client, f"/console/concerns/{cases['crisis']}/reveal", reason="有自伤风险，需要立即联系本人")
    assert revealed.status_code == 200 and "李思琪" in revealed.get_data(as_text=True)
    assert "李思琪" not in client.get(f"/console/concerns/{cases['crisis']}").get_data(as_text=True)
    with console_deps.sessions() as db:
        row = db.scalar(select(AuditLog).where(AuditLog.action == "concern.reveal_sender"))
        assert row is not None and row.detail["reason"] == "有自伤风险，需要立即联系本人"
        assert "李思琪" not in str(row.detail) and "lisiqi01" not in str(row.detail)
        told = sorted(m.recipient for m in db.scalars(
            select(OutboundMessage).where(OutboundMessage.purpose == "concern_reveal")))
        history = [m.text for m in db.scalars(select(ConcernMessage).where(ConcernMessage.concern_id == cases["crisis"]))]
    assert "wangli01" in told and "qinyaqin01" in told and "qiuchenyang01" not in told  # not the revealer
    assert any("有自伤风险" in h and "李思琪" not in h for h in history)


def reads(deps: Deps) -> list[tuple[str, str, str]]:
    with deps.sessions() as db:
        return [(a.action, a.target, a.address) for a in db.scalars(select(AuditLog).order_by(AuditLog.id))]


def test_each_read_and_export_writes_one_audit_row(client: FlaskClient, console_deps: Deps, seed: Seed,
                                                    cases: dict[str, int]) -> None:
    login_as(client, "admin")
    expected = [
        (f"/console/concerns/{seed.concern_dept}", "concern.read", "concern#2"),
        (f"/console/people/{seed.lisiqi}", "person.read", f"person#{seed.lisiqi}"),
        (f"/console/people/{seed.zhao}/record", "person.record_read", f"person#{seed.zhao}"),
        (f"/console/records/{seed.contact_zhao}", "record.read", f"contact#{seed.contact_zhao}"),
        ("/console/exports/concerns.xlsx", "export.concerns", "concerns.xlsx"),
        ("/console/exports/records.csv", "export.records", "records.csv"),
        ("/console/exports/progress.xlsx", "export.progress", "progress.xlsx?term="),
        (f"/console/people/{seed.zhao}/record.xlsx", "export.person_record", f"person#{seed.zhao}"),
    ]
    for url, action, target in expected:
        before = reads(console_deps)
        assert client.get(url).status_code == 200, url
        added = reads(console_deps)[len(before):]
        assert len(added) == 1 and added[0][0] == action and added[0][1].startswith(target), (url, added)
        assert added[0][2] == "127.0.0.1"  # from which address
    with console_deps.sessions() as db:
        details = " ".join(str(d) for d in db.scalars(select(AuditLog.detail)))
    assert ORDINARY_WORDS not in details and "张浩然" not in details  # what was read, never its content


def test_replies_are_audited_without_their_text(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    login_as(client, "admin")
    post(client, f"/console/concerns/{seed.concern_dept}/reply", text="讲座安排在下周三晚上")
    with console_deps.sessions() as db:
        row = db.scalar(select(AuditLog).where(AuditLog.action == "concern.reply"))
        assert row is not None and "下周三" not in str(row.detail) and row.detail["length"] == 10


def test_auditor_reads_the_audit_log_and_nothing_else(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    login_as(client, "admin")
    client.get(f"/console/concerns/{seed.concern_dept}")
    post(client, "/logout")
    response = login(client, "audit1")
    assert response.headers["Location"].endswith("/console/audit")
    log = client.get("/console/audit").get_data(as_text=True)
    assert "查看问题" in log and "concern#2" in log and "127.0.0.1" in log
    for url in ("/console/", "/console/concerns", f"/console/concerns/{seed.concern_dept}", "/console/people",
                "/console/records", "/console/exports/concerns.csv"):
        assert client.get(url).status_code == 403, url


def test_a_student_page_is_the_admins_only(client: FlaskClient, seed: Seed) -> None:
    for role, status in (("admin", 200), ("province", 403), ("department_head", 403)):
        login_as(client, role)
        assert client.get(f"/console/people/{seed.lisiqi}").status_code == status, role


def test_records_without_words_for_the_province(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "province")
    rows = list(csv.reader(io.StringIO(text_of(client.get("/console/exports/records.csv")))))
    source = rows[0].index("source_text")
    assert rows[1:] and all(row[source] == "" for row in rows[1:])
    page = client.get(f"/console/records/{seed.contact_zhao}").get_data(as_text=True)
    assert "3号楼215" in page and "今天去3号楼215宿舍看望学生" not in page and "佐证材料" not in page
    assert client.get(f"/console/records/{seed.contact_zhao}/evidence/{seed.photo_zhao}").status_code == 403
    login_as(client, "admin")
    assert "今天去3号楼215宿舍看望学生" in client.get(f"/console/records/{seed.contact_zhao}").get_data(as_text=True)


def test_unrelated_admin_of_another_school_sees_nothing(console_deps: Deps, seed: Seed, cases: dict[str, int]) -> None:
    add_account(console_deps, "other1", "admin", school="second")
    client = with_care(console_deps, "admin").test_client()
    assert login(client, "other1").status_code == 302
    for i in (seed.concern_dept, cases["crisis"]):
        assert client.get(f"/console/concerns/{i}").status_code == 403
    exported = text_of(client.get("/console/exports/concerns.csv?status=all"))
    for secret in (*STUDENTS, CRISIS_WORDS, ORDINARY_WORDS):
        assert secret not in exported


def test_admin_exports_and_erases_one_persons_data(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    login_as(client, "admin")
    found = client.get("/console/people/find?userid=lisiqi01")
    assert found.headers["Location"].endswith(f"/console/people/{seed.lisiqi}")
    data = client.get(f"/console/people/{seed.lisiqi}/data.json").get_json()
    assert data["roster"]["name"] == "李思琪" and [c["number"] for c in data["concerns"]] == [1]
    assert post(client, f"/console/people/{seed.lisiqi}/erase", confirm="lisiqi01").status_code == 302
    after = client.get(f"/console/people/{seed.lisiqi}/data.json").get_json()
    assert after["concerns"] == []
    with console_deps.sessions() as db:
        actions = [a for a in db.scalars(select(AuditLog.action).where(AuditLog.target == f"person#{seed.lisiqi}"))]
    assert actions.count("person.export") == 2 and actions.count("person.erase") == 1
