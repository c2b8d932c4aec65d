"""The WeChat Official Account channel: safe-mode callbacks, binding with a one-time code, pushes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from bot.channels.binding import BindingError, issue_code
from bot.chat.context import Deps
from bot.chat.messages import Reply
from bot.chat.outbox import Outbox
from bot.demo.emulator.api import pushed
from bot.server.web import create_app
from bot.server.webhook import wait_idle
from bot.store.db import school_by_code
from bot.store.models import Person
from jobs.outbox import flush_outbox
from tests.wecom.conftest import OFFICIAL_AES_KEY as AES_KEY
from tests.wecom.conftest import OFFICIAL_APP_ID as APP_ID
from tests.wecom.conftest import OFFICIAL_TOKEN as TOKEN
from tests.wecom.conftest import with_official
from tests.wecom.crypto import Protocol

OPENID = "oAbCdEfGhIjKlMnOpQrStUvWxYz1"


@pytest.fixture
def official(roster_deps: Deps) -> Deps:
    return with_official(roster_deps)


@pytest.fixture
def oclient(official: Deps) -> Iterator[FlaskClient]:
    yield create_app(deps=official).test_client()
    assert wait_idle(10)


PROTO = Protocol(TOKEN, AES_KEY, APP_ID)


def message(openid: str, text: str, msg_id: str) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>1764000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def send(client: FlaskClient, xml: str, encrypt_type: str = "aes") -> str:
    args, body = PROTO.request(xml)
    response = client.post("/official/callback", data=body,
                           query_string={**args, "encrypt_type": encrypt_type, "openid": OPENID, "signature": "x"})
    assert response.status_code == 200, response.status_code
    root = PROTO.open_reply(response.get_data())
    assert root.findtext("ToUserName") == OPENID and root.findtext("FromUserName") == "gh_0123456789ab"
    return root.findtext("Content") or ""


def code_for(deps: Deps, student: str, issuer: str | None) -> str:
    with deps.sessions.begin() as db:
        school = school_by_code(db, "", deps.settings)
        assert school is not None
        by_userid = {p.userid: p for p in db.scalars(select(Person).where(Person.userid.in_([student, issuer or ""])))}
        return issue_code(db, school, by_userid[student], by_userid.get(issuer or ""), deps.clock())


def test_url_check_uses_the_plain_signature(oclient: FlaskClient) -> None:
    signature = hashlib.sha1("".join(sorted([TOKEN, "1764000000", "99"])).encode()).hexdigest()
    args = {"signature": signature, "timestamp": "1764000000", "nonce": "99", "echostr": "hello123"}
    assert oclient.get("/official/callback", query_string=args).get_data(as_text=True) == "hello123"
    assert oclient.get("/official/callback", query_string={**args, "nonce": "98"}).status_code == 403


def test_plaintext_mode_is_refused(oclient: FlaskClient) -> None:
    args, body = PROTO.request(message(OPENID, "你好", "1"))
    assert oclient.post("/official/callback", query_string=args, data=body).status_code == 403


def test_disabled_channel_is_404(roster_deps: Deps) -> None:
    assert create_app(deps=roster_deps).test_client().get("/official/callback").status_code == 404


def test_a_student_binds_with_a_code_and_then_speaks_as_themself(official: Deps, oclient: FlaskClient) -> None:
    assert "绑定" in send(oclient, message(OPENID, "帮助", "8100000001"))
    assert "无效" in send(oclient, message(OPENID, "绑定 000000", "8100000002"))
    code = code_for(official, "lisiqi01", "wangli01")  # her college's counselor
    assert "绑定成功" in send(oclient, message(OPENID, f"绑定 {code}", "8100000003"))
    assert "反映问题" in send(oclient, message(OPENID, "帮助", "8100000004"))  # the student's help
    other = "oOtherFollower000000000000001"
    args, body = PROTO.request(message(other, f"绑定 {code}", "8100000005"))
    response = oclient.post("/official/callback", data=body, query_string={**args, "encrypt_type": "aes"})
    assert "无效" in (PROTO.open_reply(response.get_data()).findtext("Content") or "")  # used once only
    with official.sessions() as db:
        assert db.scalar(select(Person.openid).where(Person.userid == "lisiqi01")) == OPENID


def test_who_may_issue_a_code(official: Deps) -> None:
    assert code_for(official, "lisiqi01", "qinyaqin01")  # an admin
    assert code_for(official, "lisiqi01", None)  # the CLI
    with pytest.raises(BindingError):
        code_for(official, "lisiqi01", "zhaojianguo01")  # a leader is neither


def test_guessing_codes_is_limited(official: Deps, oclient: FlaskClient) -> None:
    for i in range(5):
        assert "无效" in send(oclient, message(OPENID, "绑定 111111", f"82000000{i}"))
    code = code_for(official, "lisiqi01", None)
    assert "次数过多" in send(oclient, message(OPENID, f"绑定 {code}", "8200000099"))


def test_subscribe_is_welcomed(oclient: FlaskClient) -> None:
    xml = message(OPENID, "", "0").replace("<MsgType><![CDATA[text]]></MsgType>",
                                          "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>")
    assert "欢迎关注" in send(oclient, xml)


def test_pushes_reach_the_bound_follower(fake_api: Deps) -> None:
    deps = with_official(fake_api, api_base_url=fake_api.settings.wecom.api_base_url)
    with deps.sessions.begin() as db:
        db.execute(update(Person).where(Person.userid == "lisiqi01").values(openid=OPENID))
        school = school_by_code(db, "", deps.settings)
        assert school is not None
        outbox = Outbox(db, school, deps.clock(), default_channel="official")
        outbox.send("lisiqi01", Reply.of("您反映的问题 #3 已有答复"))
        outbox.send("zhanghaoran01", Reply.of("未绑定的人收不到"))
    assert flush_outbox(deps) == 1
    assert [m["text"]["content"] for m in pushed(deps, f"openid:{OPENID}")] == ["您反映的问题 #3 已有答复"]

