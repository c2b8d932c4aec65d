"""People with WeCom on their phones, for the template card tests: they type and tap through the real
encrypted callback, and read what reaches them through the emulator's WeCom API (pushed messages,
template cards, and the updates that redraw them). The tap events are built here, from WeCom's
documented format, not by the bot's code.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from bot.chat.context import Deps
from bot.demo.emulator.api import issue_response_code, pushed
from bot.server.webhook import wait_idle
from jobs.outbox import flush_outbox
from tests.wecom.crypto import Protocol, text_message

_ids = itertools.count(7300000001)


def tap_event(corp_id: str, sender: str, task_id: str, key: str, response_code: str, created: int) -> str:
    """The plaintext XML of a tap on a button_interaction card, as WeCom sends it."""
    return (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[{key}]]></EventKey>"
            f"<TaskId><![CDATA[{task_id}]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>"
            f"<ResponseCode><![CDATA[{response_code}]]></ResponseCode><AgentID>1000002</AgentID></xml>")


@dataclass
class Phones:
    """The bot's callback, the emulator's API behind it, and a read position per person."""

    deps: Deps
    client: FlaskClient
    proto: Protocol
    seen: dict[str, int] = field(default_factory=dict)
    last_tap: tuple[dict[str, str], bytes] | None = None

    def say(self, sender: str, text: str) -> str:
        """Type a message; return the passive reply's text ("" when nothing came back passively)."""
        args, body = self.proto.request(text_message(sender, text, str(next(_ids)), self.proto.receiver, self.created()))
        response = self.client.post("/wecom/callback", query_string=args, data=body, content_type="text/xml")
        assert wait_idle(30)
        if not response.get_data():
            return ""
        return self.passive(response).findtext("Content") or ""

    def tap(self, sender: str, card: dict[str, Any], button: str) -> ElementTree.Element | None:
        """Tap a card's button; return the passive reply (a card update), or None for an empty answer."""
        key = next(b["key"] for b in card["button_list"] if b["text"] == button)
        code = issue_response_code(self.deps, card["task_id"], [sender])
        self.last_tap = self.proto.request(tap_event(self.proto.receiver, sender, card["task_id"], key, code,
                                                   self.created()))
        return self.resend()

    def resend(self) -> ElementTree.Element | None:
        """Deliver the last tap again, byte for byte, as WeCom re-sends an event it had no answer to."""
        assert self.last_tap is not None
        args, body = self.last_tap
        response = self.client.post("/wecom/callback", query_string=args, data=body, content_type="text/xml")
        assert wait_idle(30)
        return self.passive(response) if response.get_data() else None

    def passive(self, response: TestResponse) -> ElementTree.Element:
        assert response.status_code == 200, response.status_code
        return self.proto.open_reply(response.get_data())

    def created(self) -> int:
        return int(self.deps.clock().timestamp())

    def deliver(self) -> int:
        """Let the outbox send what is due (a reply's later parts wait two seconds)."""
        self.deps.clock.moment += timedelta(seconds=3)  # type: ignore[attr-defined]
        return flush_outbox(self.deps)

    def inbox(self, userid: str) -> list[dict[str, Any]]:
        """What reached a person since the last look."""
        start = self.seen.get(userid, 0)
        messages = pushed(self.deps, userid, start)
        self.seen[userid] = start + len(messages)
        return messages

    def cards(self, userid: str) -> list[dict[str, Any]]:
        """Everything new for a person, keeping the template cards."""
        return [m["template_card"] for m in self.inbox(userid) if m["msgtype"] == "template_card"]


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["text"]["content"] for m in messages if m["msgtype"] == "text"]


def updates(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The update_template_card calls among a person's messages: {"task_id", "template_card"}."""
    return [m for m in messages if m["msgtype"] == "update_template_card"]


def shown(update: ElementTree.Element | None) -> str:
    """What a redrawn card shows on its greyed-out buttons (passive update_template_card)."""
    assert update is not None and update.findtext("MsgType") == "update_template_card"
    return update.findtext("TemplateCard/ReplaceText") or ""


def buttons(card: dict[str, Any]) -> list[str]:
    return [b["text"] for b in card["button_list"]]
