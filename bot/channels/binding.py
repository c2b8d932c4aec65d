"""Binding a WeChat Official Account follower (an OpenID) to a roster person with a one-time code.

A counselor (for a student in one of their classes) or an admin issues a six-digit code; the student
sends "绑定 123456" to the Official Account; from then on their messages speak as their roster userid.
Nobody can speak as someone else without a code issued for that person.

Example: `contactbot official code --for lisiqi01 --by wangli01` prints 483920 (valid 72 hours).
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

import redis
from sqlalchemy import ForeignKey, Index, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.store.models import Base, Person, School
from bot.store.redis_health import if_up
from bot.terms.roles import ADMIN, COUNSELOR, STUDENT

CODE_TTL = timedelta(hours=72)
BIND_PATTERN = re.compile(r"^\s*绑定\s*(\d{6})\s*$")
MAX_TRIES_PER_HOUR = 5  # wrong codes per OpenID: six digits must not be guessable by brute force


class BindCode(Base):
    """A one-time code that binds one person's WeChat (OpenID) on first use."""

    __tablename__ = "bind_code"
    __table_args__ = (Index("ix_bind_code_lookup", "school_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    used_openid: Mapped[str | None] = mapped_column(String(64))


class BindingError(Exception):
    """A code cannot be issued (who may issue it, for whom); the message is for the issuer."""


def may_issue(issuer: Person, student: Person) -> bool:
    """An admin may issue a code for anyone; a counselor for the students of their classes (or, when the
    roster lists no classes for them, of their own department)."""
    if ADMIN in issuer.roles:
        return True
    if COUNSELOR not in issuer.roles or STUDENT not in student.roles:
        return False
    if issuer.classes:
        return student.class_name in issuer.classes
    return bool(issuer.department) and issuer.department == student.department


def issue_code(db: Session, school: School, student: Person, issuer: Person | None, now: datetime) -> str:
    """Issue a fresh code for a person (earlier unused ones stop working); issuer None means the CLI as admin."""
    if issuer is not None and not may_issue(issuer, student):
        raise BindingError(f"{issuer.name}无权为{student.name}生成绑定码：辅导员只能为所带班级（或本学院）的学生生成，管理员不限。")
    if not student.active:
        raise BindingError(f"{student.name}已不在花名册中，不能绑定。")
    db.execute(update(BindCode).where(BindCode.person_id == student.id, BindCode.used_at.is_(None))
               .values(expires_at=now))
    active = set(db.scalars(select(BindCode.code).where(
        BindCode.school_id == school.id, BindCode.used_at.is_(None), BindCode.expires_at > now)))
    code = f"{secrets.randbelow(1_000_000):06d}"
    while code in active:
        code = f"{secrets.randbelow(1_000_000):06d}"
    db.add(BindCode(school_id=school.id, person_id=student.id, code=code,
                    issued_by_id=issuer.id if issuer else None, created_at=now, expires_at=now + CODE_TTL))
    return code


def bind(db: Session, r: redis.Redis, tries_key: str, school: School, openid: str, code: str,
         now: datetime) -> str:
    """Bind an OpenID with a code; return what to tell the sender."""
    tries = int(if_up(lambda: r.get(tries_key), None) or 0)  # no limit while Redis is away
    if tries >= MAX_TRIES_PER_HOUR:
        return "尝试次数过多，请一小时后再试，或联系辅导员重新生成绑定码。"
    row = db.scalar(select(BindCode).where(BindCode.school_id == school.id, BindCode.code == code,
                                           BindCode.used_at.is_(None), BindCode.expires_at > now))
    if row is None:
        pipe = r.pipeline()
        pipe.incr(tries_key)
        pipe.expire(tries_key, 3600)
        if_up(pipe.execute, [])
        return "绑定码无效或已过期。请向辅导员或管理员索取新的绑定码，然后发送“绑定 六位数字”。"
    person = db.get(Person, row.person_id)
    if person is None or not person.active:
        return "该绑定码对应的人员已不在花名册中，请联系管理员。"
    other = db.scalar(select(Person).where(Person.openid == openid))
    if other is not None and other.id != person.id:
        return f"您的微信已绑定{other.name}，不能再绑定其他人。如有误，请联系管理员。"
    person.openid = openid
    row.used_at, row.used_openid = now, openid
    if_up(lambda: r.delete(tries_key), 0)
    return f"绑定成功！{person.name}，您好。现在可以直接在这里给我发消息了，发送“帮助”查看用法。"


def person_for_openid(db: Session, school: School, openid: str) -> Person | None:
    """Return the active person bound to an OpenID in this school."""
    return db.scalar(select(Person).where(Person.school_id == school.id, Person.openid == openid,
                                          Person.active.is_(True)))


def openid_for(db: Session, school_id: int, userid: str) -> str | None:
    """Return the OpenID bound to a roster userid, if any."""
    return db.scalar(select(Person.openid).where(Person.school_id == school_id, Person.userid == userid))
