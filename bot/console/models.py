"""The console's own table: local accounts for the web console (schools without WeCom, the demo,
province staff), with hashed passwords and the scope their role gives them.

Example: `contactbot admin create --username wang --role admin` makes an admin of the default school.
Listed in `bot.schema` so Alembic and `Base.metadata` see it (migration 0005).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.crypto import SealedText
from bot.store.models import Base, utcnow

# What a console account may see (N21 for the province): the role decides the scope.
ADMIN = "admin"  # one school
AUDITOR = "auditor"  # reads the audit log (one school, or every school without one); nothing else
DEPARTMENT_HEAD = "department_head"  # one department of one school
LEADER = "leader"  # their own records only
PROVINCE = "province"  # every school of the deployment, read-only
CONSOLE_ROLES = (ADMIN, DEPARTMENT_HEAD, LEADER, PROVINCE, AUDITOR)
CONSOLE_ROLE_ZH = {ADMIN: "学校管理员", DEPARTMENT_HEAD: "部门负责人", LEADER: "领导干部", PROVINCE: "省级账号",
                   AUDITOR: "审计员"}


class ConsoleAccount(Base):
    """A local login for the console; a WeCom login needs none (the roster's roles decide)."""

    __tablename__ = "console_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # stored lower-case
    password_hash: Mapped[str] = mapped_column(String(256))  # werkzeug.security (scrypt)
    role: Mapped[str] = mapped_column(String(20))  # one of CONSOLE_ROLES
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)  # None: province
    userid: Mapped[str | None] = mapped_column(String(64))  # the roster person this account is (leaders)
    department: Mapped[str] = mapped_column(String(200), default="")  # department heads
    display_name: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="cli")
    last_login_at: Mapped[datetime | None] = mapped_column()
    # Migration 0007: the TOTP secret (sealed) when the role needs a second factor, and the last password change.
    totp_secret: Mapped[str | None] = mapped_column(SealedText)
    password_changed_at: Mapped[datetime | None] = mapped_column()
