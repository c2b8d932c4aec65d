"""Engine, sessions and schema migrations.

Sessions are opened in two places only: the dispatcher (one transaction per incoming message)
and each job run. `upgrade()` brings any database to the newest Alembic revision.
"""

from __future__ import annotations

from pathlib import Path
from select import POLLERR, POLLHUP, POLLIN, poll
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Executable

import bot.store.audit  # noqa: F401  (the audit chain's commit hooks, on every session)
from bot.config import Settings
from bot.store.audit import chain_pending
from bot.store.crypto import Keyring, install_keyring
from bot.store.models import School

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, echo: bool = False, keyring: Keyring | None = None) -> Engine:
    """Create an engine; SQLite gets its folder, foreign keys and a busy timeout. With a keyring, the sealed
    columns seal and open with it. Bound values never appear in logs or errors (they may be students' words)."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "future": True, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs.update(pool_size=5, max_overflow=10)
    engine = create_engine(url, **kwargs)
    if keyring is not None:
        install_keyring(engine, keyring)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        event.listen(engine, "checkout", _drop_closed_connection)
    return engine


def _drop_closed_connection(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """Pessimistic disconnect handling without a round trip (unlike `pool_pre_ping`'s SELECT 1).

    An idle pooled connection has nothing to read unless the server has closed it (a restart, an
    administrator, an idle timeout): then its socket is readable. The pool replaces such a connection.
    """
    try:
        fd = dbapi_conn.fileno()
    except Exception:  # closed on our side already
        raise DisconnectionError("connection closed") from None
    poller = poll()
    poller.register(fd, POLLIN | POLLERR | POLLHUP)
    if poller.poll(0):
        raise DisconnectionError("the server closed this connection")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, settings: Settings) -> None:
    """Migrate the schema to the newest revision, make sure the configured schools exist, and chain any
    audit rows written before the chain existed."""
    command.upgrade(alembic_config(engine), "head")
    with make_sessions(engine).begin() as db:
        ensure_schools(db, settings)
        chain_pending(db)


def ensure_schools(db: Session, settings: Settings) -> None:
    """Create or rename the default school and any [[schools]] from config."""
    wanted = [(settings.app.school, settings.app.school_name, True)]
    wanted += [(e.code, e.name or e.code, False) for e in settings.schools]
    existing = {s.code: s for s in db.scalars(select(School))}
    for code, name, is_default in wanted:
        school = existing.get(code)
        if school is None:
            db.add(School(code=code, name=name, is_default=is_default))
        else:
            school.name, school.is_default = name, is_default
    for code, school in existing.items():
        if code != settings.app.school and school.is_default:
            school.is_default = False


def school_by_code(db: Session, code: str | None, settings: Settings) -> School | None:
    """Return the school with this code; "" or None means the default school."""
    return db.scalar(select(School).where(School.code == (code or settings.app.school)))


def affected(db: Session, statement: Executable) -> int:
    """Run an UPDATE or DELETE; return how many rows it changed."""
    result = db.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)
