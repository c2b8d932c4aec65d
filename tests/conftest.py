"""Shared fixtures: every storage test runs on SQLite + fakeredis, and on PostgreSQL + Redis when
CONTACTBOT_TEST_DATABASE_URL / CONTACTBOT_TEST_REDIS_URL are set (each run makes and drops its own
database and Redis key prefix, so runs don't collide).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import fakeredis
import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.chat.context import Deps
from bot.config import DatabaseSettings, RedisSettings, Settings, load_settings
from bot.store.db import make_engine, make_sessions, upgrade

ROOT = Path(__file__).resolve().parent.parent
ROSTER = ROOT / "tests" / "data" / "roster.csv"  # the shared example roster (163 people)
PG_URL = os.environ.get("CONTACTBOT_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("CONTACTBOT_TEST_REDIS_URL", "")
RUN_ID = uuid.uuid4().hex[:10]

BACKENDS = [
    pytest.param("embedded", id="sqlite"),
    pytest.param("services", id="pg", marks=pytest.mark.integration),
]


class Clock:
    """A settable clock for tests (UTC)."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def set(self, iso: str, settings: Settings) -> datetime:
        """Set the clock from a school-local ISO datetime."""
        local = datetime.fromisoformat(iso)
        if local.tzinfo is None:
            local = local.replace(tzinfo=settings.tz)
        self.moment = local.astimezone(timezone.utc)
        return self.moment


def base_settings(**sections: object) -> Settings:
    """Built-in defaults, ignoring the developer's CONTACTBOT_* variables."""
    return replace(load_settings(env={}), **sections)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An upgraded SQLite file, migrated once per run and copied per test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    settings = base_settings(database=DatabaseSettings(url=f"sqlite:///{path}"))
    engine = make_engine(settings.database_url)
    upgrade(engine, settings)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database of this run's own, migrated once and dropped at the end."""
    if not PG_URL:
        pytest.skip("CONTACTBOT_TEST_DATABASE_URL is not set")
    name = f"contactbot_test_{RUN_ID}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine, base_settings(database=DatabaseSettings(url=url)))
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def redis_client(request: pytest.FixtureRequest) -> Iterator[tuple[redis.Redis, str]]:
    """A Redis client and a key prefix: real Redis for the services backend, else fakeredis."""
    backend = getattr(request, "param", "embedded")
    if backend == "embedded":
        yield fakeredis.FakeRedis(server=fakeredis.FakeServer(), decode_responses=True), "bot"
        return
    if not REDIS_URL:
        pytest.skip("CONTACTBOT_TEST_REDIS_URL is not set")
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    prefix = f"bot-test-{RUN_ID}-{uuid.uuid4().hex[:6]}"
    yield client, prefix
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=BACKENDS)
def deps(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deps]:
    """Dependencies on a fresh, migrated database with the default school, and a fixed clock."""
    backend = request.param
    clock = Clock(datetime(2026, 11, 25, 4, 0, tzinfo=timezone.utc))  # Wed 12:00 in Shanghai
    if backend == "embedded":
        path = tmp_path / "bot.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        fake: redis.Redis = fakeredis.FakeRedis(server=fakeredis.FakeServer(), decode_responses=True)
        settings = base_settings(database=DatabaseSettings(url=url), redis=RedisSettings(url="", prefix="bot"))
        engine = make_engine(url)
        yield Deps(settings=settings, engine=engine, sessions=make_sessions(engine), clock=clock, _redis=fake)
        engine.dispose()
        return
    url = request.getfixturevalue("pg_database")
    if not REDIS_URL:
        pytest.skip("CONTACTBOT_TEST_REDIS_URL is not set")
    r = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    prefix = f"bot-test-{RUN_ID}-{uuid.uuid4().hex[:6]}"
    settings = base_settings(database=DatabaseSettings(url=url), redis=RedisSettings(url=REDIS_URL, prefix=prefix))
    engine = make_engine(url)
    # External-transaction recipe: every session joins one outer transaction, rolled back after the test.
    conn = engine.connect()
    outer = conn.begin()
    sessions = make_sessions(engine)
    sessions.configure(bind=conn, join_transaction_mode="create_savepoint")
    yield Deps(settings=settings, engine=engine, sessions=sessions, clock=clock, _redis=r)
    outer.rollback()
    conn.close()
    engine.dispose()
    keys = list(r.scan_iter(f"{prefix}:*"))
    if keys:
        r.delete(*keys)
    r.close()


@pytest.fixture
def roster_deps(deps: Deps) -> Deps:
    """Deps with the shared example roster (163 people) imported."""
    from bot.people.roster import apply_roster, read_roster

    rows, problems = read_roster(ROSTER)
    assert not problems
    with deps.sessions.begin() as db:
        from bot.store.db import school_by_code

        school = school_by_code(db, "", deps.settings)
        assert school is not None
        now = deps.clock()
        apply_roster(db, school, rows, deps.today(now), now)
    return deps


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean environment for `contactbot` commands: only the test URLs kept, a SQLite file, tmp cwd."""
    for key in list(os.environ):
        if key.startswith("CONTACTBOT_") and not key.startswith("CONTACTBOT_TEST_"):
            monkeypatch.delenv(key)
    db = tmp_path / "cli.db"
    monkeypatch.setenv("CONTACTBOT_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.chdir(tmp_path)
    return db


@pytest.fixture
def cli_roster(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """`cli_env` with the schema upgraded and the example roster imported (their output discarded)."""
    from bot.cli.main import main

    assert main(["db", "upgrade"]) == 0
    assert main(["roster", "import", str(ROSTER)]) == 0
    capsys.readouterr()
    return cli_env
