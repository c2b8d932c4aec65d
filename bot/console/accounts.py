"""Creating local console accounts, checked against the roster: the CLI (`contactbot admin create`) and the
demo use this one function.

Example: `create_account(db, school, "wang", "…", "admin", now=now)`; a leader account needs the roster
userid of a school leader, middle chief or student-affairs head, and sees only that person's records.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from bot.console.models import CONSOLE_ROLES, DEPARTMENT_HEAD, LEADER, PROVINCE, ConsoleAccount
from bot.models import AuditLog, Person, School
from bot.roles import LEADER_ROLES

MIN_PASSWORD_LENGTH = 8


class AccountError(Exception):
    """An account that cannot be made; the message (Chinese) says why."""


def create_account(db: Session, school: School | None, username: str, password: str, role: str, *,
                   now: datetime, userid: str | None = None, department: str = "", name: str = "",
                   actor: str = "cli") -> ConsoleAccount:
    """Check and add a console account (and its AuditLog row) in the caller's transaction."""
    username = username.strip().lower()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise AccountError("用户名不能为空、不能含空格，最长64个字符")
    if role not in CONSOLE_ROLES:
        raise AccountError(f"角色只能是 {', '.join(CONSOLE_ROLES)}")
    if role == PROVINCE and (school is not None or userid or department):
        raise AccountError("省级账号查看全部学校，不能指定 --school、--userid 或 --department")
    if role != PROVINCE and school is None:
        raise AccountError("请用 --school 指定学校")
    if role == LEADER and not userid:
        raise AccountError("领导干部账号需要 --userid（花名册中的账号），只能查看本人的记录")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少{MIN_PASSWORD_LENGTH}位")
    if db.scalar(select(ConsoleAccount.id).where(func.lower(ConsoleAccount.username) == username)):
        raise AccountError(f"用户名“{username}”已存在")
    person = None
    if userid:
        assert school is not None
        person = db.scalar(select(Person).where(Person.school_id == school.id, Person.userid == userid))
        if person is None or not person.active:
            raise AccountError(f"花名册中没有账号“{userid}”（或已停用）")
        if role == LEADER and not person.roles & LEADER_ROLES:
            raise AccountError(f"“{person.name}”不是校领导、中层正职或学工负责人")
    department = (department or (person.department if person else "")).strip()
    if role == DEPARTMENT_HEAD and not department:
        raise AccountError("部门负责人账号需要 --department（或 --userid 对应人员的部门）")
    account = ConsoleAccount(
        username=username, password_hash=generate_password_hash(password), role=role,
        school_id=school.id if school else None, userid=userid or None,
        department=department if role == DEPARTMENT_HEAD else "", display_name=name or (person.name if person else ""),
        active=True, created_at=now, created_by=actor)
    db.add(account)
    db.add(AuditLog(school_id=school.id if school else None, actor=actor, action="console.account_create",
                    target=username, detail={"role": role, "userid": userid, "department": department}, at=now))
    return account


DEMO_ACCOUNTS = (  # (username, role, userid): the demo prints these with DEMO_PASSWORD
    ("admin", "admin", None),
    ("leader", "leader", "zhaojianguo01"),
)
DEMO_PASSWORD = "demo-password"


def ensure_demo_accounts(db: Session, school: School, now: datetime) -> list[tuple[str, str]]:
    """Create the demo's console accounts once (those whose roster person exists); return (username, role)."""
    made = []
    for username, role, userid in DEMO_ACCOUNTS:
        exists = db.scalar(select(ConsoleAccount.id).where(ConsoleAccount.username == username))
        if exists is None:
            try:
                create_account(db, school, username, DEMO_PASSWORD, role, now=now, userid=userid, actor="demo")
            except AccountError:
                continue  # a demo roster without that person
        made.append((username, role))
    return made
