"""The demo shows the crisis path in the emulator (issue 14 §7): a student's crisis message, the alert card
with 我来处理, ⏩ (the demo clock moved on) escalating to the next step, a tap acknowledging it, and the
outcome typed — all through the emulator's endpoints and the real callback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from bot.chat.context import Deps
from bot.demo.emulator import emulator_bp
from bot.demo.emulator.demo_clock import ShiftedClock
from bot.server.web import create_app
from bot.server.webhook import wait_idle
from tests.wecom.conftest import emulated_wecom

HEAD = "shizhigang01"


@pytest.fixture
def emulator(cdeps: Deps) -> Iterator[FlaskClient]:
    cdeps.clock = ShiftedClock()
    with emulated_wecom(cdeps) as deps:
        app = create_app(deps=deps)
        app.register_blueprint(emulator_bp)
        app.extensions["demo_clock"] = deps.clock
        yield app.test_client()
        assert wait_idle(30)


def send(client: FlaskClient, userid: str, **body: Any) -> dict[str, Any]:
    response = client.post("/emulator/api/send", json={"userid": userid, **body})
    assert response.status_code == 200 and wait_idle(30)
    return response.get_json()["reply"] or {}  # type: ignore[no-any-return]


def cards(client: FlaskClient, userid: str) -> list[dict[str, Any]]:
    messages = client.get(f"/emulator/api/inbox/{userid}").get_json()["messages"]
    return [m["template_card"] for m in messages if m["msgtype"] == "template_card"]


def test_the_crisis_path_in_the_emulator(emulator: FlaskClient) -> None:
    assert "12356" in send(emulator, "zhanghaoran01", text="真的不想活了 今晚就从楼顶跳下去")["text"]
    assert cards(emulator, HEAD) == []
    moved = emulator.post("/emulator/api/advance", json={"minutes": 10}).get_json()
    assert moved["done"]["crisis"] == 1 and moved["done"]["outbox"] >= 2
    [card] = cards(emulator, HEAD)
    assert card["main_title"]["title"] == "【紧急·危机预警】#1 请立即认领"
    button = card["button_list"][0]
    tapped = send(emulator, HEAD, tap={"task_id": card["task_id"], "key": button["key"]})
    assert tapped["update"]["replace_text"].startswith("石志刚已接手")
    assert emulator.post("/emulator/api/advance", json={"minutes": 10}).get_json()["done"]["crisis"] == 0
    assert "#1 已结案：已联系本人" in send(emulator, HEAD, text="结案#1 已联系本人 已到宿舍见到本人")["text"]


def test_the_clock_moves_only_in_the_demo_and_by_a_sane_amount(emulator: FlaskClient, cdeps: Deps) -> None:
    assert emulator.post("/emulator/api/advance", json={"minutes": 0}).status_code == 400
    assert emulator.post("/emulator/api/advance", json={"minutes": "10"}).status_code == 400
    plain = create_app(deps=cdeps)
    plain.register_blueprint(emulator_bp)
    assert plain.test_client().post("/emulator/api/advance", json={"minutes": 10}).status_code == 404
