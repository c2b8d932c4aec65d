"""Small helpers for the WeCom callback tests."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from bot.chat.context import Deps
from bot.store.models import InboundMessage, OutboundMessage
from tests.wecom.conftest import CORP_ID
from tests.wecom.crypto import Protocol, text_message


def post(client: FlaskClient, proto: Protocol, xml: str, path: str = "/wecom/callback") -> TestResponse:
    """POST one encrypted message to the callback."""
    args, body = proto.request(xml)
    return client.post(path, query_string=args, data=body, content_type="text/xml")


def say(client: FlaskClient, proto: Protocol, sender: str, text: str, msg_id: str) -> TestResponse:
    return post(client, proto, text_message(sender, text, msg_id, CORP_ID))


def reply_text(proto: Protocol, response: TestResponse) -> str:
    """Decrypt a passive reply with the tests' own implementation and return its text."""
    assert response.status_code == 200, response.status_code
    root = proto.open_reply(response.get_data())
    assert root.findtext("MsgType") == "text"
    return root.findtext("Content") or ""


def inbound_count(deps: Deps) -> int:
    with deps.sessions() as db:
        return db.scalar(select(func.count(InboundMessage.id))) or 0


def outbox_rows(deps: Deps) -> list[OutboundMessage]:
    with deps.sessions() as db:
        return list(db.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))
