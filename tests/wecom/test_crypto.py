"""The callback crypto against Tencent's published vector, our own implementation and wechatpy's."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.wecom.conftest import AES_KEY, CORP_ID, TOKEN
from tests.wecom.crypto import Protocol

VECTOR = {
    "msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    "timestamp": "1409659589",
    "nonce": "263014780",
    "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
}
ECHO = "1616140317555161061"


def test_tests_protocol_matches_tencents_vector() -> None:
    proto = Protocol(TOKEN, AES_KEY, CORP_ID)
    assert proto.sign(VECTOR["timestamp"], VECTOR["nonce"], VECTOR["echostr"]) == VECTOR["msg_signature"]
    assert proto.decrypt(VECTOR["echostr"]) == ECHO


def test_tests_protocol_round_trips_with_fixed_random() -> None:
    proto = Protocol(TOKEN, AES_KEY, CORP_ID)
    for text in ("", "a", "x" * 11, "你好" * 500, "<xml>]]></xml>"):
        assert proto.decrypt(proto.encrypt(text, random16=b"0123456789abcdef")) == text


def test_url_verification_answers_the_vector(client: FlaskClient) -> None:
    response = client.get("/wecom/callback", query_string=VECTOR)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == ECHO
    assert response.mimetype == "text/plain"


def test_url_verification_refuses_a_bad_signature(client: FlaskClient) -> None:
    response = client.get("/wecom/callback", query_string={**VECTOR, "msg_signature": "0" * 40})
    assert response.status_code == 403 and response.get_data() == b""


def test_url_verification_on_the_school_path(client: FlaskClient) -> None:
    assert client.get("/wecom/default/callback", query_string=VECTOR).get_data(as_text=True) == ECHO
    assert client.get("/wecom/nosuchschool/callback", query_string=VECTOR).status_code == 404


def test_wechatpy_reads_what_our_protocol_writes() -> None:
    from bot.channels.wecom import WecomApp, unseal

    proto = Protocol(TOKEN, AES_KEY, CORP_ID)
    args, body = proto.request("<xml><Content><![CDATA[ 你好 ]]></Content></xml>")
    envelope = body.decode().replace("</xml>", f"<MsgSignature>{args['msg_signature']}</MsgSignature>"
                                     f"<TimeStamp>{args['timestamp']}</TimeStamp><Nonce>{args['nonce']}</Nonce></xml>")
    fields = unseal(WecomApp("", CORP_ID, 1, "", TOKEN, AES_KEY), envelope)
    assert fields["Content"] == " 你好 "
