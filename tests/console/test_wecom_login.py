"""WeCom login (网页授权): the redirect to WeCom's authorize page, the callback checked against the state,
and the userid learnt from `auth/getuserinfo` on a fake WeCom API served locally; roster roles decide."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, Response, jsonify, request
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from bot.chat.context import Deps
from bot.config import WecomSettings
from bot.server.web import create_app
from tests.console.conftest import Seed

CORP_ID, AGENT_ID, SECRET = "ww-test-corp", 1000002, "test-secret"
CODES = {"code-zhao": "zhaojianguo01", "code-kong": "konglingjun01", "code-admin": "qinyaqin01",
         "code-student": "lisiqi01", "code-stranger": "nobody01"}


class FakeWecom:
    """The two WeCom API calls a login makes, on 127.0.0.1 (a free port)."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        app = Flask("fake-wecom")

        @app.get("/cgi-bin/gettoken")
        def gettoken() -> Response:
            self.calls.append("gettoken")
            if request.args.get("corpid") != CORP_ID or request.args.get("corpsecret") != SECRET:
                return jsonify(errcode=40001, errmsg="invalid credential")
            return jsonify(errcode=0, errmsg="ok", access_token="TOKEN-1", expires_in=7200)

        @app.get("/cgi-bin/auth/getuserinfo")
        def getuserinfo() -> Response:
            self.calls.append("getuserinfo")
            if request.args.get("access_token") != "TOKEN-1":
                return jsonify(errcode=40014, errmsg="invalid access_token")
            code = request.args.get("code", "")
            if code == "code-external":
                return jsonify(errcode=0, errmsg="ok", openid="o-external", external_userid="wm-x")
            if code not in CODES:
                return jsonify(errcode=40029, errmsg="invalid code")
            return jsonify(errcode=0, errmsg="ok", userid=CODES[code], user_ticket="ticket")

        self.server = make_server("127.0.0.1", 0, app)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeWecom:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(5)
        self.server.server_close()


@pytest.fixture
def fake_wecom() -> Iterator[FakeWecom]:
    with FakeWecom() as fake:
        yield fake


@pytest.fixture
def wecom_client(console_deps: Deps, seed: Seed, fake_wecom: FakeWecom) -> FlaskClient:
    wecom = WecomSettings(corp_id=CORP_ID, agent_id=AGENT_ID, secret=SECRET, api_base_url=fake_wecom.url)
    settings = replace(console_deps.settings, wecom=wecom,
                       app=replace(console_deps.settings.app, public_url="https://bot.example.edu.cn"))
    deps = Deps(settings=settings, engine=console_deps.engine, sessions=console_deps.sessions,
                clock=console_deps.clock, _redis=console_deps.redis)
    app: Flask = create_app(deps=deps)
    return app.test_client()


def start(client: FlaskClient, next_url: str = "") -> str:
    """Follow /login/wecom and return the state WeCom would send back."""
    response = client.get("/login/wecom" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://open.weixin.qq.com/connect/oauth2/authorize"
    assert parts.fragment == "wechat_redirect"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["appid"] == CORP_ID and query["agentid"] == str(AGENT_ID) and query["scope"] == "snsapi_base"
    assert query["redirect_uri"] == "https://bot.example.edu.cn/login/wecom/callback"
    return query["state"]


def test_login_page_offers_wecom(wecom_client: FlaskClient) -> None:
    assert "使用企业微信登录" in wecom_client.get("/login").get_data(as_text=True)


def test_leader_logs_in_through_wecom_and_sees_their_own(wecom_client: FlaskClient, fake_wecom: FakeWecom,
                                                         seed: Seed) -> None:
    state = start(wecom_client, "/console/records")
    done = wecom_client.get(f"/login/wecom/callback?code=code-zhao&state={state}")
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/records")
    assert fake_wecom.calls == ["gettoken", "getuserinfo"]
    assert wecom_client.get(f"/console/people/{seed.zhao}").status_code == 200
    assert wecom_client.get(f"/console/people/{seed.qian}").status_code == 403
    assert wecom_client.get("/console/audit").status_code == 403


def test_roster_roles_decide(wecom_client: FlaskClient, seed: Seed) -> None:
    state = start(wecom_client)
    assert wecom_client.get(f"/login/wecom/callback?code=code-kong&state={state}").status_code == 302
    assert wecom_client.get(f"/console/people/{seed.kong}").status_code == 200  # 中层正职: their department
    assert wecom_client.get(f"/console/people/{seed.zhao}").status_code == 403
    assert wecom_client.get("/console/links").status_code == 200
    state = start(wecom_client)
    assert wecom_client.get(f"/login/wecom/callback?code=code-admin&state={state}").status_code == 302
    assert wecom_client.get("/console/concerns").status_code == 200  # 管理员: the school
    assert wecom_client.get("/console/audit").status_code == 403  # the audit log is the auditor's


@pytest.mark.parametrize("code", ["code-student", "code-stranger", "code-external"])
def test_students_strangers_and_outsiders_are_refused(wecom_client: FlaskClient, code: str) -> None:
    state = start(wecom_client)
    refused = wecom_client.get(f"/login/wecom/callback?code={code}&state={state}")
    assert refused.status_code == 403 and "没有访问管理台的权限" in refused.get_data(as_text=True)
    assert wecom_client.get("/console/").status_code == 302


def test_state_must_match_and_is_used_once(wecom_client: FlaskClient) -> None:
    start(wecom_client)
    assert wecom_client.get("/login/wecom/callback?code=code-zhao&state=forged").status_code == 400
    state = start(wecom_client)
    assert wecom_client.get(f"/login/wecom/callback?code=code-zhao&state={state}").status_code == 302
    assert wecom_client.get(f"/login/wecom/callback?code=code-zhao&state={state}").status_code == 400


def test_bad_code_and_declined_consent(wecom_client: FlaskClient) -> None:
    state = start(wecom_client)
    assert wecom_client.get(f"/login/wecom/callback?code=expired&state={state}").status_code == 502
    state = start(wecom_client)
    assert wecom_client.get(f"/login/wecom/callback?state={state}").status_code == 400


def test_api_down_is_a_clear_error(console_deps: Deps, seed: Seed) -> None:
    wecom = WecomSettings(corp_id=CORP_ID, agent_id=AGENT_ID, secret=SECRET, api_base_url="http://127.0.0.1:9")
    deps = Deps(settings=replace(console_deps.settings, wecom=wecom), engine=console_deps.engine,
                sessions=console_deps.sessions, clock=console_deps.clock, _redis=console_deps.redis)
    client = create_app(deps=deps).test_client()
    state = start_plain(client)
    down = client.get(f"/login/wecom/callback?code=code-zhao&state={state}")
    assert down.status_code == 502 and "企业微信" in down.get_data(as_text=True)


def start_plain(client: FlaskClient) -> str:
    location = client.get("/login/wecom").headers["Location"]
    return parse_qs(urlsplit(location).query)["state"][0]
