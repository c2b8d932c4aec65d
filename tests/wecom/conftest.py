"""Fixtures for the WeCom tests: the bot configured with Tencent's published test keys, a Flask test
client on it, and the tests' own protocol implementation to talk to it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bot.chat.context import Deps
from bot.config import OfficialSettings, WecomSettings
from bot.server.web import create_app
from bot.server.webhook import wait_idle
from tests.wecom.crypto import Protocol
from tests.wecom.phones import Phones

TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "wx5823bf96d3bd56c7"
AGENT_ID = 1000002
SECRET = "test-secret"
OFFICIAL_APP_ID = "wx0fficia1test0001"
OFFICIAL_TOKEN = "official-token"
OFFICIAL_AES_KEY = "b" * 43
# Long enough that a test machine stalled for seconds still answers passively; tests of the budget
# itself (slow replies through the outbox, a re-send held at the end) set their own.
REPLY_BUDGET_SECONDS = 30.0


def with_wecom(deps: Deps, **overrides: object) -> Deps:
    """The same storage with the test WeCom app configured."""
    wecom = replace(WecomSettings(corp_id=CORP_ID, agent_id=AGENT_ID, secret=SECRET, token=TOKEN,
                                  encoding_aes_key=AES_KEY, reply_budget_seconds=REPLY_BUDGET_SECONDS),
                    **overrides)  # type: ignore[arg-type]
    return Deps(settings=replace(deps.settings, wecom=wecom), engine=deps.engine, sessions=deps.sessions,
                clock=deps.clock, _redis=deps.redis)


def with_official(deps: Deps, **overrides: str) -> Deps:
    """The same storage with the test Official Account configured."""
    official = replace(OfficialSettings(app_id=OFFICIAL_APP_ID, secret="official-secret", token=OFFICIAL_TOKEN,
                                        encoding_aes_key=OFFICIAL_AES_KEY), **overrides)
    return Deps(settings=replace(deps.settings, official=official), engine=deps.engine, sessions=deps.sessions,
                clock=deps.clock, _redis=deps.redis)


@pytest.fixture
def wecom_deps(roster_deps: Deps) -> Deps:
    return with_wecom(roster_deps)


@pytest.fixture
def app(wecom_deps: Deps) -> Iterator[Flask]:
    yield create_app(deps=wecom_deps)
    assert wait_idle(30), "a dispatch thread is still running"


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def proto() -> Protocol:
    return Protocol(TOKEN, AES_KEY, CORP_ID)


@contextmanager
def emulated_wecom(deps: Deps) -> Iterator[Deps]:
    """The emulator's WeCom API on a loopback port in a thread; yield deps whose api_base_url points at it."""
    from werkzeug.serving import make_server

    from bot.demo.emulator import emulator_bp

    server_deps = with_official(with_wecom(deps))
    api_app = create_app(deps=server_deps)
    api_app.register_blueprint(emulator_bp)
    server = make_server("127.0.0.1", 0, api_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield with_wecom(deps, api_base_url=f"http://127.0.0.1:{server.server_port}/emulator")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def fake_api(roster_deps: Deps) -> Iterator[Deps]:
    """The roster's deps with the emulator's WeCom API on loopback."""
    with emulated_wecom(roster_deps) as deps:
        yield deps


@pytest.fixture
def phones(fake_api: Deps) -> Iterator[Phones]:
    """The bot's WeCom callback, sending through the emulator's WeCom API on loopback. The reply budget is
    generous: an empty passive reply then means the answer was a card, never a slow machine."""
    deps = with_wecom(fake_api, api_base_url=fake_api.settings.wecom.api_base_url, reply_budget_seconds=60.0)
    app = create_app(deps=deps)
    yield Phones(deps, app.test_client(), Protocol(TOKEN, AES_KEY, CORP_ID))
    assert wait_idle(30), "a dispatch thread is still running"
