"""Local console accounts, checked against the roster: creating one (the CLI's `contactbot admin create`
and the demo use this one function), disabling and enabling it, resetting its password or its TOTP secret.
A password must pass bot/console/passwords.py; a role in `[console] totp_roles` gets a TOTP secret, whose
otpauth:// URI the CLI prints once. Every change ends the account's sessions and writes an audit row.

Example: `create_account(db, school, "wang", "…", "admin", now=now, settings=settings)`; a leader account
needs the roster userid of a school leader, middle chief or student-affairs head, and sees only that
person's records.
"""

from __future__ import annotations

from datetime import datetime

import pyotp
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from bot.config import Settings
from bot.console.models import AUDITOR, CONSOLE_ROLES, DEPARTMENT_HEAD, LEADER, PROVINCE, ConsoleAccount
from bot.console.passwords import password_problem
from bot.store.audit import record
from bot.store.models import Person, School
from bot.terms.roles import LEADER_ROLES


class AccountError(Exception):
    """An account that cannot be made; the message (Chinese) says why."""


def create_account(db: Session, school: School | None, username: str, password: str, role: str, *,
                   now: datetime, settings: Settings, userid: str | None = None, department: str = "",
                   name: str = "", actor: str = "cli") -> ConsoleAccount:
    """Check and add a console account (and its AuditLog row) in the caller's transaction; a role that needs
    a second factor gets its TOTP secret (see `totp_uri`)."""
    username = username.strip().lower()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise AccountError("用户名不能为空、不能含空格，最长64个字符")
    if role not in CONSOLE_ROLES:
        raise AccountError(f"角色只能是 {', '.join(CONSOLE_ROLES)}")
    if role == PROVINCE and (school is not None or userid or department):
        raise AccountError("省级账号查看全部学校，不能指定 --school、--userid 或 --department")
    if role not in (PROVINCE, AUDITOR) and school is None:
        raise AccountError("请用 --school 指定学校")
    if role == AUDITOR and (userid or department):
        raise AccountError("审计员账号只查看操作日志，不能指定 --userid 或 --department")
    if role == LEADER and not userid:
        raise AccountError("领导干部账号需要 --userid（花名册中的账号），只能查看本人的记录")
    problem = password_problem(password, known_words(username, name, userid, school), settings.console.min_password_length)
    if problem:
        raise AccountError(problem)
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
        active=True, created_at=now, created_by=actor, password_changed_at=now,
        totp_secret=pyotp.random_base32() if role in settings.console.totp_roles else None)
    db.add(account)
    record(db, school_id=school.id if school else None, actor=actor, action="console.account_create",
           target=username, detail={"role": role, "userid": userid, "department": department,
                                    "totp": account.totp_secret is not None}, at=now)
    return account


def known_words(username: str, name: str, userid: str | None, school: School | None) -> list[str]:
    """Words an attacker would try first: the account's and the school's own."""
    words = [username, name, userid or ""]
    if school is not None:
        words += [school.code, school.name]
    return words


def totp_uri(account: ConsoleAccount, school_name: str) -> str:
    """Return the otpauth:// URI (with its secret=) to add the account to an authenticator app."""
    assert account.totp_secret
    return pyotp.TOTP(account.totp_secret).provisioning_uri(name=account.username,
                                                            issuer_name=f"基层联系助手 {school_name}".strip())


def find_account(db: Session, username: str) -> ConsoleAccount:
    """Return the account with a username; AccountError if there is none."""
    account = db.scalar(select(ConsoleAccount).where(func.lower(ConsoleAccount.username) == username.strip().lower()))
    if account is None:
        raise AccountError(f"没有用户名为“{username}”的管理台账号")
    return account


def set_active(db: Session, account: ConsoleAccount, active: bool, now: datetime, actor: str = "cli") -> None:
    """Disable or enable an account (the caller ends its sessions)."""
    account.active = active
    record(db, school_id=account.school_id, actor=actor,
           action="console.account_enable" if active else "console.account_disable", target=account.username,
           at=now)


def reset_password(db: Session, account: ConsoleAccount, password: str, now: datetime, settings: Settings,
                   actor: str = "cli") -> None:
    """Give an account a new (checked) password; its old sessions no longer match (the caller ends them)."""
    school = db.get(School, account.school_id) if account.school_id else None
    problem = password_problem(password, known_words(account.username, account.display_name, account.userid, school),
                               settings.console.min_password_length)
    if problem:
        raise AccountError(problem)
    account.password_hash = generate_password_hash(password)
    account.password_changed_at = now
    record(db, school_id=account.school_id, actor=actor, action="console.password_reset", target=account.username,
           at=now)


def reset_totp(db: Session, account: ConsoleAccount, now: datetime, actor: str = "cli") -> None:
    """Give an account a new TOTP secret (a lost phone); the old one stops working."""
    account.totp_secret = pyotp.random_base32()
    record(db, school_id=account.school_id, actor=actor, action="console.totp_reset", target=account.username, at=now)


DEMO_ACCOUNTS = (  # (username, role, userid): the demo prints these with DEMO_PASSWORD
    ("admin", "admin", None),
    ("leader", "leader", "zhaojianguo01"),
)
DEMO_PASSWORD = "yanzhao-demo-7Kq2"  # printed by the demo: strong enough for the checks, public all the same


def ensure_demo_accounts(db: Session, school: School, now: datetime, settings: Settings) -> list[tuple[str, str]]:
    """Create the demo's console accounts once (those whose roster person exists); return (username, role)."""
    made = []
    for username, role, userid in DEMO_ACCOUNTS:
        exists = db.scalar(select(ConsoleAccount.id).where(ConsoleAccount.username == username))
        if exists is None:
            try:
                create_account(db, school, username, DEMO_PASSWORD, role, now=now, settings=settings, userid=userid,
                               actor="demo")
            except AccountError:
                continue  # a demo roster without that person
        made.append((username, role))
    return made
