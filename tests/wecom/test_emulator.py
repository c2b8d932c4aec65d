"""The local WeCom emulator: the roster page, chatting through the real callback, and pushed messages."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient

from bot.chat.context import Deps
from bot.chat.messages import Reply
from bot.demo.emulator import emulator_bp
from bot.server.web import create_app
from jobs.outbox import flush_outbox
from tests.wecom.helpers import inbound_count
from tests.wecom.test_outbox import queue


def emulator(deps: Deps) -> FlaskClient:
    app: Flask = create_app(deps=deps)
    app.register_blueprint(emulator_bp)
    return app.test_client()


def test_page_lists_the_roster_by_role(wecom_deps: Deps) -> None:
    page = emulator(wecom_deps).get("/emulator/").get_data(as_text=True)
    for text in ("企业微信模拟器", "校领导", "辅导员", "学生", "赵建国", 'data-userid="lisiqi01"', "emulator.js"):
        assert text in page
    assert "cdn" not in page.lower() and "https://" not in page


def test_static_files_are_served(wecom_deps: Deps) -> None:
    client = emulator(wecom_deps)
    with client.get("/emulator/static/emulator.js") as script:
        assert b"/api/send" in script.get_data()
    with client.get("/emulator/static/emulator.css") as style:
        assert style.status_code == 200


def test_chatting_goes_through_the_real_callback(wecom_deps: Deps) -> None:
    client = emulator(wecom_deps)
    result = client.post("/emulator/api/send", json={"userid": "zhaojianguo01", "text": "帮助"}).get_json()
    assert result["status"] == 200 and "记录联系" in result["reply"]["text"]
    clicked = client.post("/emulator/api/send", json={"userid": "lisiqi01", "event": "click", "key": "帮助"}).get_json()
    assert "反映问题" in clicked["reply"]["text"]
    assert inbound_count(wecom_deps) == 2


def test_unconfigured_emulator_says_so(roster_deps: Deps) -> None:
    client = emulator(roster_deps)
    assert "尚未配置" in client.get("/emulator/").get_data(as_text=True)
    assert client.post("/emulator/api/send", json={"userid": "x", "text": "帮助"}).status_code == 409


def test_pushed_messages_appear_in_the_persons_inbox(fake_api: Deps) -> None:
    queue(fake_api, "wangli01", Reply.of("赵建国记录了与您的谈话，请确认"))
    assert flush_outbox(fake_api) == 1
    client = emulator(fake_api)
    inbox = client.get("/emulator/api/inbox/wangli01?after=0").get_json()
    assert inbox["next"] == 1 and inbox["messages"][0]["text"]["content"] == "赵建国记录了与您的谈话，请确认"
    assert client.get("/emulator/api/inbox/wangli01?after=1").get_json() == {"messages": [], "next": 1}


def test_emulator_api_checks_credentials_and_tokens(wecom_deps: Deps) -> None:
    client = emulator(wecom_deps)
    assert client.get("/emulator/cgi-bin/gettoken?corpid=wrong&corpsecret=x").get_json()["errcode"] == 40013
    assert client.post("/emulator/cgi-bin/message/send?access_token=nope", json={}).get_json()["errcode"] == 40014
    token = client.get("/emulator/cgi-bin/gettoken", query_string={
        "corpid": wecom_deps.settings.wecom.corp_id, "corpsecret": wecom_deps.settings.wecom.secret}).get_json()
    assert token["errcode"] == 0 and token["expires_in"] == 7200
    url = f"/emulator/cgi-bin/media/upload?access_token={token['access_token']}&type=file"
    assert client.post(url).get_json()["errcode"] == 41006  # no media part, as WeCom answers
    upload = client.post(url, data={"media": (io.BytesIO(b"PK"), "周报.xlsx")},
                         content_type="multipart/form-data").get_json()
    assert upload["errcode"] == 0 and upload["media_id"].startswith("emu-")
