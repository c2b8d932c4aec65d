"""Fixtures for the rules tests: a small school with one of each kind of leader, a semester calendar,
and helpers that insert contacts and pauses directly with the models. Every clock is fixed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.chat.context import Context, Deps
from bot.chat.messages import Incoming
from bot.config import HolidayEntry, RuleEntry, SchoolEntry, SemesterEntry, Settings
from bot.rules.models import Pause
from bot.store.db import ensure_schools, school_by_code
from bot.store.models import Contact, ContactCounterpart, Link, Person, PersonRole, School
from tests.conftest import Clock

TZ_OFFSET = timedelta(hours=8)
AUTUMN = SemesterEntry(name="2026秋季学期", start=date(2026, 9, 7), end=date(2027, 1, 17), exam_weeks=(18, 19))
SPRING = SemesterEntry(name="2027春季学期", start=date(2027, 3, 1), end=date(2027, 7, 11), vacation_weeks=(10,))


def school_settings(base: Settings, tmp_path: Path, **changes: object) -> Settings:
    """The test school's settings: two semesters, digests under tmp_path."""
    return replace(base, semesters=(AUTUMN, SPRING), digest=replace(base.digest, directory=str(tmp_path / "digests")),
                   **changes)  # type: ignore[arg-type]


def local(iso: str) -> datetime:
    """A Shanghai-local ISO time as UTC."""
    return (datetime.fromisoformat(iso) - TZ_OFFSET).replace(tzinfo=timezone.utc)


@dataclass
class World:
    """The people of the test school, by role, as ids."""

    school_id: int
    leader: int  # school leader 赵书记, linked to counselor 王丽 and teacher 张明华
    leader2: int  # school leader 钱校长, linked to counselor 王丽
    chief: int  # middle chief of 计算机学院, linked to counselor 李娜
    frontline: int  # student-affairs head (and middle chief) of 学生工作部
    counselor: int  # 王丽, 计算机学院
    counselor2: int  # 李娜, 计算机学院
    teacher: int  # 张明华, 马克思主义学院
    admin: int
    deps: Deps

    def session(self) -> Session:
        return self.deps.sessions()

    def at(self, iso: str) -> datetime:
        """Set the clock to a Shanghai-local time and return it (UTC)."""
        assert isinstance(self.deps.clock, Clock)
        return self.deps.clock.set(iso, self.deps.settings)

    def contact(self, person: int, day: str, kind: str = "face_to_face", *, counterparts: Iterable[int] = (),
                venue: str | None = "dorm", half_days: float | None = None, deleted: bool = False,
                backdated: bool = False, confirmation: str = "none", students: int | None = 5,
                received: str | None = None, group_name: str | None = None) -> int:
        """Insert one contact directly and return its id."""
        with self.deps.sessions.begin() as db:
            when = local(received) if received else local(f"{day}T20:00")
            c = Contact(school_id=self.school_id, person_id=person, occurred_on=date.fromisoformat(day),
                        received_at=when, kind=kind, venue=venue if kind in ("face_to_face", "online") else None,
                        students=students, half_days=half_days, backdated=backdated, confirmation=confirmation,
                        deleted_at=when if deleted else None, topics=[], source_text=f"{kind} {day}",
                        group_name=group_name, updated_at=when)
            c.counterparts = [ContactCounterpart(person_id=p, confirmation=confirmation) for p in counterparts]
            db.add(c)
            db.flush()
            return c.id

    def pause(self, person: int, start: str, until: str, kind: str = "pause", reason: str | None = "出差") -> None:
        """Insert a pause [start, until)."""
        with self.deps.sessions.begin() as db:
            db.add(Pause(school_id=self.school_id, person_id=person, kind=kind, reason=reason,
                         start=date.fromisoformat(start), until=date.fromisoformat(until),
                         created_at=local(f"{start}T09:00"), source_text=""))


def _person(db: Session, school: School, userid: str, name: str, roles: tuple[str, ...], dept: str,
            title: str = "", classes: str = "") -> Person:
    p = Person(school_id=school.id, userid=userid, name=name, department=dept, title=title, class_name=classes,
               active=True)
    p.role_rows = [PersonRole(role=r) for r in roles]
    db.add(p)
    db.flush()
    return p


@pytest.fixture
def world(deps: Deps, tmp_path: Path) -> World:
    """A small school: two school leaders, a middle chief, a student-affairs head, mentees and an admin."""
    deps.settings = school_settings(deps.settings, tmp_path)
    with deps.sessions.begin() as db:
        school = school_by_code(db, "", deps.settings)
        assert school is not None
        leader = _person(db, school, "zhao", "赵建国", ("school_leader",), "校领导", "党委书记")
        leader2 = _person(db, school, "qian", "钱振华", ("school_leader",), "校领导", "校长")
        chief = _person(db, school, "sun", "孙立新", ("middle_chief",), "计算机学院", "院长")
        front = _person(db, school, "shi", "石志刚", ("middle_chief", "student_affairs_head"), "学生工作部", "部长")
        counselor = _person(db, school, "wangli", "王丽", ("counselor",), "计算机学院", classes="计科2101")
        counselor2 = _person(db, school, "lina", "李娜", ("counselor",), "计算机学院")
        teacher = _person(db, school, "zhangmh", "张明华", ("ideology_teacher",), "马克思主义学院")
        admin = _person(db, school, "admin", "管理员甲", ("admin",), "党委办公室")
        since = date(2026, 9, 1)
        for lead, mentee in ((leader, counselor), (leader, teacher), (leader2, counselor), (chief, counselor2)):
            db.add(Link(school_id=school.id, leader_id=lead.id, mentee_id=mentee.id, since=since, source="roster"))
        ids = (school.id, leader.id, leader2.id, chief.id, front.id, counselor.id, counselor2.id, teacher.id, admin.id)
    return World(*ids, deps=deps)


def make_ctx(world: World, db: Session, userid: str, text: str, parsed: object | None = None
             ) -> tuple[Incoming, Context]:
    """A message from a person and the Context a handler gets for it (the clock as set)."""
    msg = Incoming(channel="console", sender=userid, text=text)
    school = db.get(School, world.school_id)
    sender = db.scalar(select(Person).where(Person.school_id == world.school_id, Person.userid == userid))
    assert school is not None and sender is not None
    ctx = Context.build(msg, db=db, deps=world.deps, school=school, sender=sender, now=world.deps.clock())
    if parsed is not None:
        ctx.extras["parsed"] = parsed  # what bot.chat.understanding caches: the parser's reading
    return msg, ctx


def with_holidays(deps: Deps, *entries: HolidayEntry) -> None:
    """Add `[[holidays]]` entries to the deps' settings."""
    deps.settings = replace(deps.settings, holidays=tuple(entries))


def outbox_rows(deps: Deps, purpose: str | None = None) -> list[tuple[str, str, dict[str, object]]]:
    """Return (recipient, purpose, payload) of every queued outbound message."""
    from bot.store.models import OutboundMessage

    with deps.sessions() as db:
        q = select(OutboundMessage).order_by(OutboundMessage.id)
        if purpose:
            q = q.where(OutboundMessage.purpose == purpose)
        return [(m.recipient, m.purpose, m.payload) for m in db.scalars(q)]


SECOND = SchoolEntry(code="hbut", name="河北第二大学",
                     semesters=(SemesterEntry(name="第二大学2026秋", start=date(2026, 8, 31), end=date(2027, 1, 10)),),
                     rule=(RuleEntry(id="monthly_chief_contact", count=1),))


@pytest.fixture
def two(world: World) -> World:
    """The test school plus 河北第二大学 (own semester from 08-31, its chiefs owe 1 contact a month), with a
    week of lectures, online contacts, part in a mentee's work and a pause in both."""
    world.deps.settings = replace(world.deps.settings, schools=(SECOND,))
    with world.deps.sessions.begin() as db:
        ensure_schools(db, world.deps.settings)
        school = school_by_code(db, "hbut", world.deps.settings)
        assert school is not None
        lee = _person(db, school, "lee", "李校长", ("school_leader",), "校领导")
        ma = _person(db, school, "ma", "马院长", ("middle_chief",), "机电学院")
        chen = _person(db, school, "chen", "陈辅导员", ("counselor",), "机电学院")
        db.add(Link(school_id=school.id, leader_id=ma.id, mentee_id=chen.id, since=date(2026, 9, 1)))
        second = (school.id, lee.id, ma.id, chen.id)
    sid, lee_id, ma_id, chen_id = second
    w = world
    w.contact(w.leader, "2026-11-16", venue="dorm", students=8)
    w.contact(w.leader, "2026-11-17", "ideology_lecture")
    w.contact(w.leader, "2026-11-18", "online", venue="online")
    w.contact(w.leader, "2026-11-19", "mentee_activity", counterparts=[w.counselor], confirmation="confirmed")
    w.contact(w.leader, "2026-11-20", "mentee_talk", counterparts=[w.teacher], confirmation="disputed")
    w.contact(w.leader, "2026-10-14", venue="canteen")  # earlier in the semester
    w.contact(w.leader2, "2026-11-20", venue="class")
    w.pause(w.leader2, "2026-11-16", "2026-11-20", reason="出差")
    w.contact(w.chief, "2026-11-17", venue="club", deleted=True)  # taken back: never counts
    w.contact(w.chief, "2026-11-18", venue="club")
    w.contact(w.frontline, "2026-11-17", "frontline", half_days=3)
    for who, day, kind, venue in ((lee_id, "2026-11-17", "face_to_face", "canteen"),
                                  (lee_id, "2026-11-18", "ideology_lecture", None),
                                  (lee_id, "2026-11-19", "online", "online"),
                                  (ma_id, "2026-11-16", "face_to_face", "dorm"),
                                  (ma_id, "2026-11-20", "mentee_activity", None)):
        in_b = World(sid, 0, 0, 0, 0, 0, 0, 0, 0, w.deps)
        in_b.contact(who, day, kind, venue=venue, counterparts=[chen_id] if kind == "mentee_activity" else ())
    return w
