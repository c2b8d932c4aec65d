"""Bad input is refused before anything is stored, and the app keeps serving."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from bot.chat.context import Deps
from tests.wecom.conftest import AES_KEY, CORP_ID, TOKEN
from tests.wecom.crypto import Protocol, text_message
from tests.wecom.helpers import inbound_count, reply_text, say

BOMB = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><xml><Encrypt>&d;</Encrypt></xml>')
XXE = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Encrypt>&e;</Encrypt></xml>'


def signed(proto: Protocol, ciphertext: str) -> tuple[dict[str, str], bytes]:
    """A correctly signed envelope around an arbitrary ciphertext."""
    args = {"msg_signature": proto.sign("1764000000", "1", ciphertext), "timestamp": "1764000000", "nonce": "1"}
    return args, f"<xml><Encrypt><![CDATA[{ciphertext}]]></Encrypt></xml>".encode()


@pytest.mark.parametrize(("body", "status"), [
    (b"", 400),
    (b"not xml at all", 400),
    (b"{\"json\": true}", 400),
    (b"<xml><Encrypt>unterminated", 400),
    (b"<html><Encrypt>x</Encrypt></html>", 400),
    (BOMB.encode(), 400),
    (XXE.encode(), 400),
    (b"<xml><Encrypt>" + b"A" * (70 * 1024) + b"</Encrypt></xml>", 413),
])
def test_unreadable_bodies_are_refused(client: FlaskClient, wecom_deps: Deps, body: bytes, status: int) -> None:
    response = client.post("/wecom/callback", query_string={"msg_signature": "x", "timestamp": "1", "nonce": "1"},
                           data=body, content_type="text/xml")
    assert response.status_code == status
    assert inbound_count(wecom_deps) == 0


def test_bad_signature_is_403(client: FlaskClient, proto: Protocol, wecom_deps: Deps) -> None:
    args, body = proto.request(text_message("zhaojianguo01", "帮助", "7200000001", CORP_ID))
    for bad in ({**args, "msg_signature": "0" * 40}, {**args, "timestamp": "1"}, {}):
        assert client.post("/wecom/callback", query_string=bad, data=body).status_code == 403
    forged = Protocol("wrong-token", AES_KEY, CORP_ID)
    args, body = forged.request(text_message("zhaojianguo01", "帮助", "7200000002", CORP_ID))
    assert client.post("/wecom/callback", query_string=args, data=body).status_code == 403
    assert inbound_count(wecom_deps) == 0


def test_message_for_another_corp_is_403(client: FlaskClient, wecom_deps: Deps) -> None:
    other = Protocol(TOKEN, AES_KEY, "ww_someone_else")
    args, body = other.request(text_message("zhaojianguo01", "帮助", "7200000003", "ww_someone_else"))
    assert client.post("/wecom/callback", query_string=args, data=body).status_code == 403
    assert inbound_count(wecom_deps) == 0


@pytest.mark.parametrize("ciphertext", ["not base64!!", "QUJD", "A" * 44, "QUJDREVGR0hJSktMTU5PUA=="])
def test_signed_garbage_ciphertext_is_400(client: FlaskClient, proto: Protocol, wecom_deps: Deps,
                                         ciphertext: str) -> None:
    args, body = signed(proto, ciphertext)
    assert client.post("/wecom/callback", query_string=args, data=body).status_code == 400
    assert inbound_count(wecom_deps) == 0


@pytest.mark.parametrize("inner", [
    "just text",
    "<xml><FromUserName>a</FromUserName></xml>",
    XXE.replace("Encrypt", "Content"),
    BOMB.replace("Encrypt", "Content"),
])
def test_signed_bad_inner_xml_is_400(client: FlaskClient, proto: Protocol, wecom_deps: Deps, inner: str) -> None:
    args, body = signed(proto, proto.encrypt(inner))
    assert client.post("/wecom/callback", query_string=args, data=body).status_code == 400
    assert inbound_count(wecom_deps) == 0


def test_the_app_keeps_serving_after_bad_input(client: FlaskClient, proto: Protocol) -> None:
    for body in (BOMB.encode(), XXE.encode(), b"\x00\xff garbage"):
        client.post("/wecom/callback", query_string={"msg_signature": "x"}, data=body)
    assert "记录联系" in reply_text(proto, say(client, proto, "zhaojianguo01", "帮助", "7200000004"))
