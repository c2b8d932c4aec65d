"""Fixtures for the console tests: the shared roster plus records, concerns and a second school, seeded
through the models; console accounts of every role; a Flask test client and a login helper.

The clock is the suite's: Wednesday 2026-11-25 12:00 in Shanghai (week 11-23…11-29, Q4, the assumed
autumn semester 2026-08-31…2027-01-17).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from bot.chat.context import Deps
from bot.concerns.models import ConcernGroup
from bot.console.models import ConsoleAccount
from bot.contacts.records import Draft, create_contact, edit_contact, undo_contact
from bot.server.web import create_app
from bot.store.db import school_by_code
from bot.store.models import Concern, ConcernMessage, Evidence, Link, Person, PersonRole, School

PASSWORD = "correct-horse-9"
DEPARTMENT = "计算机与信息工程学院"
SECOND_SCHOOL = "第二示范学院"
# (username, role, userid, department, school): the accounts every role test logs in with.
ACCOUNTS = {
    "admin": ("admin1", "admin", None, "", ""),
    "department_head": ("dept1", "department_head", None, DEPARTMENT, ""),
    "leader": ("leader1", "leader", "zhaojianguo01", "", ""),
    "province": ("prov1", "province", None, "", None),
    "auditor": ("audit1", "auditor", None, "", ""),
}


@dataclass
class Seed:
    """Ids of the seeded rows the tests refer to."""

    school_id: int
    second_school_id: int
    zhao: int  # 赵建国, school leader: the leader account
    qian: int  # 钱振华, another school leader
    kong: int  # 孔令军, middle chief of 计算机与信息工程学院
    lisiqi: int  # 李思琪, student: the anonymous sender of #1
    contact_zhao: int  # zhao's dorm visit this week, with evidence
    contact_edited: int  # zhao's canteen visit, edited to class
    contact_qian: int
    contact_kong: int
    contact_deleted: int
    concern_anon: int  # #1 anonymous, 后勤管理处, overdue, in the common problem
    concern_dept: int  # #2 named, 计算机与信息工程学院
    concern_zhao: int  # #5 an N9 concern owned by zhao
    concern_resolved: int  # #6 resolved, 计算机与信息工程学院
    group: int
    link_zhao: int  # zhao → 王丽
    free_mentee: int  # a counselor nobody links to
    photo_zhao: int  # the image evidence of contact_zhao (not fetched from WeCom)


def local(deps: Deps, iso: str) -> datetime:
    """Return the UTC moment of a school-local ISO datetime."""
    return datetime.fromisoformat(iso).replace(tzinfo=deps.settings.tz).astimezone(timezone.utc)


def person(db: Session, school: School, userid: str) -> Person:
    found = db.scalar(select(Person).where(Person.school_id == school.id, Person.userid == userid))
    assert found is not None, userid
    return found


def record(db: Session, deps: Deps, who: Person, received: str, **fields: object) -> int:
    """Store a contact through bot.contacts.records as if it was sent at `received` (school time)."""
    now = local(deps, received)
    draft = Draft(**fields)  # type: ignore[arg-type]
    contact = create_contact(db, who, draft, now=now, today=deps.today(now), channel="wecom",
                             limits=deps.settings.contacts)
    db.flush()
    return contact.id


def concern(db: Session, deps: Deps, school: School, number: int, sender: Person, created: str, **fields: object
            ) -> Concern:
    """Store a ticket with its first history step."""
    at = local(deps, created)
    values: dict[str, object] = {"category": "life", "status": "open", "anonymous": False, "owner_office": "",
                                 "text": "", "first_response_due": at + timedelta(days=1),
                                 "resolve_due": at + timedelta(days=7)}
    values.update(fields)
    row = Concern(school_id=school.id, number=number, sender_id=sender.id, created_at=at, **values)
    db.add(row)
    db.flush()
    db.add(ConcernMessage(concern_id=row.id, author_id=sender.id, role="sender", text=row.text, at=at))
    return row


def seed_school(deps: Deps) -> Seed:
    """Add records, concerns, a common problem and a second school to the roster's school."""
    with deps.sessions.begin() as db:
        school = school_by_code(db, "", deps.settings)
        assert school is not None
        zhao, qian, kong = (person(db, school, u) for u in ("zhaojianguo01", "qianzhenhua01", "konglingjun01"))
        wangli = person(db, school, "wangli01")
        c_zhao = record(db, deps, zhao, "2026-11-24T20:00", kind="face_to_face", venue="dorm",
                        occurred_on=date(2026, 11, 24), place="3号楼215", students=6, topics=["考研"],
                        source_text="今天去3号楼215宿舍看望学生，聊了考研")
        db.add(Evidence(contact_id=c_zhao, kind="location", latitude=38.04, longitude=114.51, label="3号楼",
                        at=local(deps, "2026-11-24T20:01")))
        photo = Evidence(contact_id=c_zhao, kind="image", media_id="MEDIA-123", at=local(deps, "2026-11-24T20:02"))
        db.add(photo)
        talk = record(db, deps, zhao, "2026-11-20T18:00", kind="mentee_talk", venue="talk",
                      occurred_on=date(2026, 11, 20), counterparts=["wangli01"], topics=["职称评聘"],
                      source_text="今天约谈王丽老师，聊职称评聘")
        record(db, deps, zhao, "2026-11-23T21:00", kind="online", venue="online", occurred_on=date(2026, 11, 23),
               source_text="晚上在班级群里回答学生问题")
        record(db, deps, zhao, "2026-10-30T09:00", kind="ideology_lecture", venue="classroom",
               occurred_on=date(2026, 10, 15), source_text="10月15日给计科2101讲形势与政策课")
        edited = record(db, deps, zhao, "2026-11-10T19:00", kind="face_to_face", venue="canteen",
                        occurred_on=date(2026, 11, 10), source_text="今天在二食堂和学生一起吃饭")
        from bot.store.models import Contact

        contact = db.get(Contact, edited)
        assert contact is not None
        edit_contact(db, contact, zhao, {"venue": "class"}, now=local(deps, "2026-11-10T19:05"),
                     today=date(2026, 11, 10), limits=deps.settings.contacts, source_text="改成班级")
        deleted = record(db, deps, zhao, "2026-11-24T21:00", kind="face_to_face", venue="club",
                         occurred_on=date(2026, 11, 24), source_text="去了机器人社团（后来撤回）")
        gone = db.get(Contact, deleted)
        assert gone is not None
        undo_contact(db, gone, zhao, local(deps, "2026-11-24T21:05"), "撤回")
        counterpart = db.get(Contact, talk)
        assert counterpart is not None
        counterpart.counterparts[0].confirmation = "confirmed"
        counterpart.confirmation = "confirmed"
        c_qian = record(db, deps, qian, "2026-11-02T12:00", kind="face_to_face", venue="classroom",
                        occurred_on=date(2026, 11, 2), source_text="今天进课堂听课")
        c_kong = record(db, deps, kong, "2026-11-18T12:00", kind="face_to_face", venue="club",
                        occurred_on=date(2026, 11, 18), source_text="今天参加了学院的机器人社团活动")

        lisiqi, zhang, wang = (person(db, school, u) for u in ("lisiqi01", "zhanghaoran01", "wangzihan01"))
        logistics = person(db, school, "sunguoqiang01")
        xue = person(db, school, "xuehong01")
        group = ConcernGroup(school_id=school.id, category="life", place="3号楼", label="3号楼热水器坏了 报修一周没人来",
                             created_at=local(deps, "2026-11-21T09:00"))
        db.add(group)
        db.flush()
        anon = concern(db, deps, school, 1, lisiqi, "2026-11-20T10:00", anonymous=True, owner_office="后勤管理处",
                       owner_id=logistics.id, text="3号楼热水器坏了 报修一周没人来", group_id=group.id, place="3号楼")
        dept = concern(db, deps, school, 2, zhang, "2026-11-24T10:00", category="study", owner_office=DEPARTMENT,
                       owner_id=xue.id, text="希望学院多开一些考研辅导讲座")
        concern(db, deps, school, 3, wang, "2026-11-21T08:00", owner_office="后勤管理处", owner_id=logistics.id,
                text="3号楼的热水又坏了，洗不了澡", group_id=group.id, place="3号楼")
        concern(db, deps, school, 4, person(db, school, "liuyuxin01"), "2026-11-21T09:00", anonymous=True, owner_office="后勤管理处", owner_id=logistics.id,
                text="3号楼热水器一直没修好", group_id=group.id, place="3号楼")
        mine = concern(db, deps, school, 5, wangli, "2026-11-23T10:00", category="other", owner_id=zhao.id,
                       text="希望学校在职称评审中多考虑辅导员的工作量")
        done = concern(db, deps, school, 6, zhang, "2026-11-10T10:00", category="study", owner_office=DEPARTMENT,
                       owner_id=xue.id, text="实验室晚上开放到几点", status="resolved",
                       first_response_at=local(deps, "2026-11-10T15:00"), resolved_at=local(deps, "2026-11-11T10:00"))

        second = School(code="second", name=SECOND_SCHOOL, is_default=False)
        db.add(second)
        db.flush()
        lee = Person(school_id=second.id, userid="lee01", name="李校长", department="校领导", title="校长")
        lee.role_rows = [PersonRole(role="school_leader")]
        db.add(lee)
        db.flush()
        record(db, deps, lee, "2026-11-24T12:00", kind="face_to_face", venue="canteen", occurred_on=date(2026, 11, 24),
               source_text="在食堂和学生吃午饭")
        link = db.scalar(select(Link.id).where(Link.leader_id == zhao.id, Link.mentee_id == wangli.id,
                                               Link.until.is_(None)))
        assert link is not None
        linked = select(Link.mentee_id).where(Link.until.is_(None))
        free = db.scalar(select(Person.id).join(PersonRole, PersonRole.person_id == Person.id)
                         .where(Person.school_id == school.id, PersonRole.role == "counselor",
                                Person.id.not_in(linked)).limit(1))
        if free is None:  # everyone is linked: any counselor not linked to qian will do
            free = db.scalar(select(Person.id).join(PersonRole, PersonRole.person_id == Person.id)
                             .where(Person.school_id == school.id, PersonRole.role == "counselor",
                                    Person.id.not_in(select(Link.mentee_id).where(Link.leader_id == qian.id)))
                             .limit(1))
        assert free is not None
        return Seed(school.id, second.id, zhao.id, qian.id, kong.id, lisiqi.id, c_zhao, edited, c_qian, c_kong, deleted,
                    anon.id, dept.id, mine.id, done.id, group.id, link, free, photo.id)


def add_account(deps: Deps, username: str, role: str, userid: str | None = None, department: str = "",
                school: str | None = "", password: str = PASSWORD) -> None:
    """Create a console account directly (a fast hash: the tests log in many times)."""
    with deps.sessions.begin() as db:
        school_row = school_by_code(db, school, deps.settings) if school is not None else None
        db.add(ConsoleAccount(username=username, role=role, userid=userid, department=department,
                              school_id=school_row.id if school_row else None,
                              password_hash=generate_password_hash(password, method="pbkdf2:sha256:1000")))


def console_settings(deps: Deps, **app: object) -> Deps:
    """The same storage with a session key and a school name set (and any other [app] changes)."""
    settings = replace(deps.settings, app=replace(deps.settings.app, secret_key="console-test-key",
                                                  school_name="示范大学", **app))  # type: ignore[arg-type]
    return Deps(settings=settings, engine=deps.engine, sessions=deps.sessions, clock=deps.clock, _redis=deps.redis)


@pytest.fixture
def console_deps(roster_deps: Deps) -> Deps:
    return console_settings(roster_deps)


@pytest.fixture
def seed(console_deps: Deps) -> Seed:
    data = seed_school(console_deps)
    for username, role, userid, department, school in ACCOUNTS.values():
        add_account(console_deps, username, role, userid, department, school)
    add_account(console_deps, "leader2", "leader", "qianzhenhua01")
    return data


@pytest.fixture
def app(console_deps: Deps, seed: Seed) -> Iterator[Flask]:
    yield create_app(deps=console_deps)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: FlaskClient) -> str:
    """Return the session's CSRF token, making the session first if needed."""
    with client.session_transaction() as session:
        token = session.get("csrf")
    if token:
        return str(token)
    page = client.get("/login").get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, page
    return match.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> TestResponse:
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf(client)})


def login_as(client: FlaskClient, role: str) -> None:
    response = login(client, ACCOUNTS[role][0])
    assert response.status_code == 302, response.get_data(as_text=True)


def post(client: FlaskClient, url: str, **data: object) -> TestResponse:
    """POST a form with the session's CSRF token."""
    return client.post(url, data={**data, "csrf_token": csrf(client)})
