"""The console's table: migration 0005 creates exactly what bot.console.models declares, and the demo
accounts are made once."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from bot.chat.context import Deps
from bot.console.accounts import DEMO_PASSWORD, AccountError, create_account, ensure_demo_accounts
from bot.console.models import ConsoleAccount
from bot.schema import Base
from bot.store.db import school_by_code


def test_migration_matches_the_model(deps: Deps) -> None:
    with deps.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    mine = [d for d in diff if "console_account" in repr(d)]
    assert mine == []


def test_demo_accounts_are_made_once_and_log_in(roster_deps: Deps) -> None:
    from werkzeug.security import check_password_hash

    with roster_deps.sessions.begin() as db:
        school = school_by_code(db, "", roster_deps.settings)
        assert school is not None
        assert ensure_demo_accounts(db, school, roster_deps.clock(), roster_deps.settings) == [
            ("admin", "admin"), ("leader", "leader")]
    with roster_deps.sessions.begin() as db:
        school = school_by_code(db, "", roster_deps.settings)
        assert school is not None
        ensure_demo_accounts(db, school, roster_deps.clock(), roster_deps.settings)
        accounts = list(db.scalars(select(ConsoleAccount).order_by(ConsoleAccount.username)))
        assert [a.username for a in accounts] == ["admin", "leader"]
        assert check_password_hash(accounts[0].password_hash, DEMO_PASSWORD)
        try:
            create_account(db, school, "Admin", "long-enough-1", "admin", now=roster_deps.clock(),
                           settings=roster_deps.settings)
        except AccountError as exc:
            assert "已存在" in str(exc)
        else:
            raise AssertionError("a second admin with the same name was made")
