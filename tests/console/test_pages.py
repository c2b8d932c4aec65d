"""The pages: overview, people, records with evidence and history, the concerns board and its actions,
links; every change made in the console writes an AuditLog row."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import func, select

from bot.chat.context import Deps
from bot.concerns.models import ConcernGroup
from bot.store.models import AuditLog, Concern, ConcernMessage, Link, OutboundMessage, Person
from tests.console.conftest import Seed, login_as, post


def audit_actions(deps: Deps) -> list[str]:
    """The changes in the audit log (logins, the roster import and reads left out: test_field_matrix.py)."""
    with deps.sessions() as db:
        actions = db.scalars(select(AuditLog.action).where(AuditLog.action.not_in(("console.login", "roster.import")))
                             .order_by(AuditLog.id))
        return [a for a in actions if not a.endswith((".read", ".list", ".record_read")) and not a.startswith("export.")]


def test_overview_shows_compliance_behind_chart_and_concerns(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "admin")
    page = client.get("/console/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for text in ("本周", "本季度", "本学期", "需要关注的人员", "每周面对面接触", "联系场所分布", "共性问题", "超期"):
        assert text in html, text
    # 钱振华 had no in-person contact this week (N1): behind. 赵建国 visited a dorm on Tuesday.
    behind = html.split("需要关注的人员")[1].split("共性问题")[0]
    assert "钱振华" in behind and "与学生面对面接触 0/1" in behind
    assert "3号楼热水器坏了" in html  # the common problem
    assert "<svg" in html and "<rect" in html and "http://" not in html.split("</head>")[1].replace(
        "http://localhost", "")  # no external asset


def test_leader_overview_shows_their_own_tasks(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "leader")
    html = client.get("/console/").get_data(as_text=True)
    assert "我的任务" in html and "已完成" in html
    assert "钱振华" not in html


def test_people_filter_behind(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "admin")
    html = client.get("/console/people?behind=1").get_data(as_text=True)
    assert "钱振华" in html
    everyone = client.get("/console/people").get_data(as_text=True)
    assert everyone.count("/console/people/") >= 40  # 10 school leaders, 30 middle chiefs


def test_person_page_has_links_history_and_record_terms(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "admin")
    html = client.get(f"/console/people/{seed.zhao}").get_data(as_text=True)
    assert "王丽" in html and "联系的辅导员/思政课教师" in html
    assert "2026-2027学年秋季学期" in html and "2026年度" in html
    printable = client.get(f"/console/people/{seed.zhao}/record?term=semester:2026-08-31").get_data(as_text=True)
    assert "深入基层联系工作记录" in printable and "3号楼215" in printable and "N1 与学生面对面接触" in printable
    assert "机器人社团（后来撤回）" not in printable  # an undone record is not in the record
    assert client.get(f"/console/people/{seed.zhao}/record?term=nonsense").status_code == 404


def test_records_filter_by_person_kind_venue_date_and_state(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "admin")

    def rows(query: str) -> list[str]:
        html = client.get(f"/console/records?{query}").get_data(as_text=True)
        body = html.split('<table id="records">')[1].split("</table>")[0]
        return re.findall(r'href="/console/records/(\d+)"', body)

    assert str(seed.contact_zhao) in rows("")
    assert str(seed.contact_deleted) not in rows("")  # undone
    mine = rows(f"person={seed.zhao}")
    assert str(seed.contact_zhao) in mine and str(seed.contact_qian) not in mine
    assert rows("kind=face_to_face&venue=dorm") == [str(seed.contact_zhao)]
    assert rows("date_from=2026-11-18&date_to=2026-11-18") == [str(seed.contact_kong)]
    assert len(rows("state=backdated")) == 1  # the lecture recorded two weeks late
    assert len(rows("state=confirmed")) == 1  # the talk 王丽 confirmed
    assert rows("kind=online&venue=dorm") == []


def test_record_shows_source_evidence_history_and_confirmation(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "admin")
    html = client.get(f"/console/records/{seed.contact_zhao}").get_data(as_text=True)
    assert "今天去3号楼215宿舍看望学生，聊了考研" in html
    assert "位置：3号楼" in html and "正在从企业微信取回" in html  # the photo is not fetched yet
    assert "登记" in html
    edited = client.get(f"/console/records/{seed.contact_edited}").get_data(as_text=True)
    assert "修改" in edited and "食堂 → 班级" in edited
    deleted = client.get(f"/console/records/{seed.contact_deleted}").get_data(as_text=True)
    assert "已" in deleted and "撤回" in deleted
    with_counterpart = client.get("/console/records?kind=mentee_talk").get_data(as_text=True)
    talk_id = re.findall(r'href="/console/records/(\d+)"', with_counterpart)[0]
    talk = client.get(f"/console/records/{talk_id}").get_data(as_text=True)
    assert "王丽" in talk and "已确认" in talk


def test_anonymous_sender_never_shown(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    with console_deps.sessions() as db:
        student = db.get(Person, seed.lisiqi)
        assert student is not None
        secrets = (student.name, student.userid)
    for role in ("admin", "province"):
        login_as(client, role)
        pages = [client.get(u) for u in ("/console/", "/console/concerns?status=all", f"/console/concerns/{seed.concern_anon}",
                                         "/console/audit", "/console/exports/concerns.csv")]
        for page in pages:
            text = page.get_data(as_text=True)
            for secret in secrets:
                assert secret not in text, (role, page.request.path, secret)
        detail = client.get(f"/console/concerns/{seed.concern_anon}").get_data(as_text=True)
        assert '<dd id="sender">匿名</dd>' in detail
        post(client, "/logout")


def test_reply_reaches_the_student_through_the_outbox(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    login_as(client, "admin")
    response = post(client, f"/console/concerns/{seed.concern_anon}/reply", text="热水器已报修，明天上午更换")
    assert response.status_code == 302
    with console_deps.sessions() as db:
        concern = db.get(Concern, seed.concern_anon)
        assert concern is not None and concern.status == "answered" and concern.first_response_at is not None
        out = db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "concern_reply")).all()
        assert [m.recipient for m in out] == ["lisiqi01"]  # the anonymous sender still gets the answer
        assert "热水器已报修" in out[0].payload["content"] and "#1" in out[0].payload["content"]
        history = [m.text for m in db.scalars(select(ConcernMessage).where(ConcernMessage.concern_id == concern.id))]
        assert "热水器已报修，明天上午更换" in history
    assert audit_actions(console_deps) == ["concern.reply"]
    page = client.get(f"/console/concerns/{seed.concern_anon}").get_data(as_text=True)
    assert "热水器已报修" in page and "已答复" in page
    assert post(client, f"/console/concerns/{seed.concern_anon}/reply", text="  ").status_code == 302
    assert audit_actions(console_deps) == ["concern.reply"]  # an empty answer changes nothing


def test_resolve_reopen_deadline_reveal_are_audited(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    login_as(client, "admin")
    post(client, f"/console/concerns/{seed.concern_dept}/reply", text="讲座安排在下周三", resolve="1")
    post(client, f"/console/concerns/{seed.concern_dept}/status", status="reopened", reason="还有疑问")
    assert post(client, f"/console/concerns/{seed.concern_anon}/deadline", resolve_due="2026-12-04").status_code == 302
    assert post(client, f"/console/concerns/{seed.concern_anon}/deadline", resolve_due="2026-01-01").status_code == 302
    # Not a crisis: no one may reveal who raised it (a crisis case: test_field_matrix.py).
    assert post(client, f"/console/concerns/{seed.concern_anon}/reveal", reason="想知道是谁").status_code == 403
    assert "李思琪" not in client.get(f"/console/concerns/{seed.concern_anon}").get_data(as_text=True)
    assert post(client, f"/console/concerns/{seed.concern_dept}/reveal").status_code == 400  # not anonymous
    with console_deps.sessions() as db:
        concern = db.get(Concern, seed.concern_dept)
        assert concern is not None and concern.status == "reopened"
        anon = db.get(Concern, seed.concern_anon)
        assert anon is not None and anon.resolve_due is not None
        assert anon.resolve_due.astimezone(console_deps.settings.tz).date().isoformat() == "2026-12-04"
        assert db.scalar(select(AuditLog).where(AuditLog.action == "concern.reveal_sender")) is None
    assert audit_actions(console_deps) == ["concern.reply", "concern.status", "concern.deadline"]


def test_group_reply_answers_every_ticket(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    login_as(client, "admin")
    board = client.get("/console/concerns").get_data(as_text=True)
    assert "共性问题" in board and "3 人反映" in board
    assert post(client, f"/console/concerns/groups/{seed.group}/reply", text="热水器已全部更换").status_code == 302
    with console_deps.sessions() as db:
        recipients = sorted(m.recipient for m in db.scalars(
            select(OutboundMessage).where(OutboundMessage.purpose == "concern_reply")))
        group = db.get(ConcernGroup, seed.group)
        assert group is not None and group.answered_at is not None
    assert recipients == ["lisiqi01", "liuyuxin01", "wangzihan01"]
    assert audit_actions(console_deps) == ["concern.group_reply"]


def test_department_head_cannot_answer_outside_their_department(client: FlaskClient, console_deps: Deps,
                                                                seed: Seed) -> None:
    login_as(client, "department_head")
    assert post(client, f"/console/concerns/{seed.concern_anon}/reply", text="x").status_code == 403
    with console_deps.sessions() as db:
        assert db.scalar(select(func.count(OutboundMessage.id))) == 0


def test_links_add_end_and_accept_suggestion(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    login_as(client, "admin")
    page = client.get("/console/links").get_data(as_text=True)
    assert "当前联系关系" in page and "王丽" in page
    assert post(client, "/console/links/add", leader_id=seed.qian, mentee_id=seed.free_mentee).status_code == 302
    again = post(client, "/console/links/add", leader_id=seed.qian, mentee_id=seed.free_mentee)
    assert again.status_code == 302  # refused with a message: already linked
    assert post(client, "/console/links/add", leader_id=seed.qian, mentee_id=seed.lisiqi).status_code == 302
    assert post(client, f"/console/links/{seed.link_zhao}/end").status_code == 302
    with console_deps.sessions() as db:
        ended = db.get(Link, seed.link_zhao)
        assert ended is not None and ended.until is not None
        added = db.scalars(select(Link).where(Link.leader_id == seed.qian, Link.source == "console")).all()
        assert [link.mentee_id for link in added] == [seed.free_mentee]
    assert audit_actions(console_deps) == ["links.add", "links.end"]
    suggested = client.get("/console/links?suggest=1").get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', suggested)
    assert fingerprint, suggested
    assert post(client, "/console/links/accept", fingerprint=fingerprint.group(1)).status_code == 302
    assert audit_actions(console_deps)[-1] == "links.apply"
    with console_deps.sessions() as db:
        apply_row = db.scalar(select(AuditLog).where(AuditLog.action == "links.apply"))
        assert apply_row is not None and apply_row.actor == "console:admin1"


def test_standing_link_and_pauses_on_the_person_page(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    from datetime import date

    from bot.rules.models import Pause

    with console_deps.sessions.begin() as db:
        db.add(Pause(school_id=seed.school_id, person_id=seed.zhao, kind="pause", reason="出差",
                     start=date(2026, 11, 26), until=date(2026, 12, 3), created_at=console_deps.clock()))
    login_as(client, "admin")
    assert post(client, f"/console/people/{seed.zhao}/standing", kind="dorm", name="3号楼215").status_code == 302
    html = client.get(f"/console/people/{seed.zhao}").get_data(as_text=True)
    assert "宿舍“3号楼215”" in html and "1 条记录提到它" in html
    assert "出差" in html and "2026-12-03 恢复" in html
    assert post(client, f"/console/people/{seed.kong}/standing", kind="club", name="x").status_code == 400  # a chief
    assert post(client, f"/console/people/{seed.zhao}/standing/end").status_code == 302
    assert "尚未设置" in client.get(f"/console/people/{seed.zhao}").get_data(as_text=True)
    assert audit_actions(console_deps) == ["links.standing", "links.standing_end"]


def test_audit_page_lists_changes(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "admin")
    post(client, f"/console/links/{seed.link_zhao}/end")
    post(client, "/logout")
    login_as(client, "auditor")
    html = client.get("/console/audit").get_data(as_text=True)
    assert "结束联系关系" in html and "console:admin1" in html and "登录管理台" in html
