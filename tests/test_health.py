"""/healthz: each backend's state; 503 only when the bot cannot work; other parts add their own fields."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import create_engine

from bot.chat.context import Deps
from bot.server.health import CHECKS, Check, health
from bot.server.web import create_app


def test_healthz_reports_each_backend(deps: Deps) -> None:
    response = create_app(deps=deps).test_client().get("/healthz")
    report = response.get_json()
    assert response.status_code == 200 and report["status"] == "ok"
    assert report["database"]["up"] is True and report["database"]["ms"] >= 0
    assert report["redis"]["up"] is True
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_when_the_database_does_not_answer(deps: Deps) -> None:
    dead = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none")
    try:
        response = create_app(deps=replace(deps, engine=dead)).test_client().get("/healthz")
    finally:
        dead.dispose()
    report = response.get_json()
    assert response.status_code == 503 and report["status"] == "down"
    assert report["database"] == {"up": False, "error": "OperationalError"}  # no URL, no password


def test_another_part_adds_its_own_field(deps: Deps) -> None:
    lag = Check("outbox", lambda d: {"oldest_pending_seconds": 12})
    report, code = health(deps, (*CHECKS, lag))
    assert code == 200 and report["status"] == "ok" and report["outbox"] == {"oldest_pending_seconds": 12}
    down = Check("outbox", lambda d: {"up": False})
    report, code = health(deps, (*CHECKS, down))
    assert code == 200 and report["status"] == "degraded"
