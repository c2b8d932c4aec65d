"""Pooled PostgreSQL connections: one the server closed (a restart, an administrator) is replaced at
checkout, and a healthy one is handed out without a round trip (no `SELECT 1` per message)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event, text

from bot.store.db import make_engine


@pytest.fixture
def engine(pg_database: str) -> Iterator[Engine]:
    eng = make_engine(pg_database)
    yield eng
    eng.dispose()


def backend_pid(eng: Engine) -> int:
    with eng.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_closed_by_the_server_is_replaced_at_checkout(engine: Engine, pg_database: str) -> None:
    first = backend_pid(engine)
    assert backend_pid(engine) == first  # pooled: the same server process
    admin = make_engine(pg_database)
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar_one()
    admin.dispose()
    time.sleep(0.2)  # the server's goodbye reaches our socket
    assert backend_pid(engine) != first  # no error: the dead connection was dropped before use


def test_a_healthy_checkout_sends_nothing_to_the_server(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    backend_pid(engine)
    pings: list[object] = []

    def ping(conn: object) -> bool:
        pings.append(conn)
        return True

    monkeypatch.setattr(engine.dialect, "do_ping", ping)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with engine.begin() as conn:
        conn.execute(text("SELECT 42"))
    assert statements == ["SELECT 42"] and pings == []
