"""The optional SMS / voice gateway for the crisis chain's last steps (issue 14 §2), against a local stand-in:
from `call_from_step` on, the people paged who have a phone number also get a text through the gateway,
once (its Idempotency-Key is the row's dedupe key), retried while the gateway fails, and never with the
student's name or words; earlier steps and people without a number get WeCom only."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bot.chat.context import Deps
from bot.config import CrisisSettings
from jobs.scheduler import run_due_jobs
from tests.concerns.conftest import outbox
from tests.wecom.conftest import emulated_wecom
from tests.wecom.conftest import phones as phones  # noqa: F401  (a fixture, used by name)
from tests.wecom.phones import Phones

LEADER, HEAD = "sunlixin01", "shizhigang01"
LEADER_PHONE, HEAD_PHONE = "13800000001", "13800000002"


@dataclass
class StandIn:
    """A gateway that records what it is given and answers with `status`."""

    status: int = 200
    received: list[tuple[dict[str, Any], dict[str, str]]] = field(default_factory=list)


@pytest.fixture
def gateway() -> Iterator[tuple[StandIn, str]]:
    standin = StandIn()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            standin.received.append((body, {k: v for k, v in self.headers.items()}))
            self.send_response(standin.status)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield standin, f"http://127.0.0.1:{server.server_port}/send"
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_api(cdeps: Deps, gateway: tuple[StandIn, str]) -> Iterator[Deps]:
    cdeps.settings = replace(cdeps.settings, crisis=CrisisSettings(
        ack_minutes=5, leaders=(LEADER,), call_url=gateway[1], call_token="t0ken", call_from_step=3,
        phones=(f"{LEADER}={LEADER_PHONE}", f"{HEAD}={HEAD_PHONE}")))
    with emulated_wecom(cdeps) as deps:
        yield deps


def advance(phones: Phones, minutes: int) -> dict[str, int]:
    phones.deps.clock.moment += timedelta(minutes=minutes)  # type: ignore[attr-defined]
    return run_due_jobs(phones.deps)


def test_the_last_step_also_goes_through_the_gateway_once(phones: Phones, gateway: tuple[StandIn, str]) -> None:
    standin, _ = gateway
    phones.say("zhanghaoran01", "真的不想活了 今晚就从楼顶跳下去")
    phones.deliver()
    advance(phones, 5)  # step 2: 石志刚 has a number, but the gateway starts at step 3
    assert standin.received == [] and outbox(phones.deps, "crisis_call") == []
    standin.status = 503  # the gateway is down when step 3 is due: the row waits and is retried
    assert advance(phones, 5)["crisis"] == 1
    [row] = outbox(phones.deps, "crisis_call")
    assert row.recipient == LEADER and row.status == "pending" and "HTTP 503" in (row.last_error or "")
    standin.status = 200
    phones.deps.clock.moment += timedelta(minutes=2)  # type: ignore[attr-defined]
    run_due_jobs(phones.deps)
    [row] = outbox(phones.deps, "crisis_call")
    assert row.status == "sent"
    accepted = standin.received[-1]
    body, headers = accepted
    assert body["to"] == LEADER_PHONE and "#1 已10分钟无人认领" in body["text"] and "接手#1" in body["text"]
    assert "张浩然" not in body["text"] and "楼顶" not in body["text"]  # a text message is not private
    assert headers["Authorization"] == "Bearer t0ken" and headers["Idempotency-Key"] == row.dedupe_key
    assert len(standin.received) == 2  # the failed try and the accepted one, nothing more
    advance(phones, 30)
    assert len(standin.received) == 2
