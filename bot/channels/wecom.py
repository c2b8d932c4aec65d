"""The WeCom (企业微信) self-built app adapter: verify and decrypt callbacks, render encrypted passive
replies, and push messages through message/send.

Decryption and signatures use wechatpy's `WeChatCrypto`; the decrypted XML is read by our own safe
parser (no entities, whitespace kept). Each school has its own app: the default school's comes from
`[wecom]`, the others' from their `[[schools]]` entry.

Example: a leader types "帮助" in the app → POST /wecom/callback → Delivery(msg=Incoming(text="帮助")).
"""

from __future__ import annotations

import binascii
import logging
import secrets
import struct
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import redis
import requests
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException, WeChatException

from bot.channels.base import (
    BadMessage,
    Delivery,
    Dispatch,
    Forbidden,
    Step,
    incoming_from,
    message_parts,
    passive_xml,
)
from bot.channels.template_card import card_json
from bot.channels.wecom_api import Api, ApiError, TokenSource
from bot.channels.xml import Node, XMLRefused, flat_fields, read_fields, read_tree
from bot.chat.context import Deps
from bot.chat.messages import CARD_EVENT, EVENT, Attachment, CardUpdate, Incoming, Reply
from bot.config import Settings
from bot.store.kv import key

log = logging.getLogger(__name__)

# What wechatpy and the standard library raise for validly signed garbage (not a WeChatException).
DECRYPT_ERRORS = (ValueError, binascii.Error, struct.error, UnicodeDecodeError, IndexError, TypeError)
DISPATCHED_EVENTS = frozenset({"enter_agent", CARD_EVENT})  # others (view, LOCATION, contact changes) need none
DUPLICATE_CHECK_SECONDS = 4 * 3600  # WeCom's longest duplicate-check window (its default is 30 minutes)
DUPLICATE_CHECK = {"enable_duplicate_check": 1, "duplicate_check_interval": DUPLICATE_CHECK_SECONDS}
MENU = [  # the app's menu: each button sends its command word as a click event
    {"type": "click", "name": "记录", "key": "记录"},
    {"type": "click", "name": "进度", "key": "进度"},
    {"type": "click", "name": "帮助", "key": "帮助"},
]

TASK_EXISTS = 42014  # "taskid has existed": an earlier attempt of this very card reached WeCom
INVALID_PARAMETER = 40058  # a card against WeCom's field rules, or a response_code spent or expired


class Undeliverable(ApiError):
    """WeCom will never take this message: the recipient (not in the app's visible range, or unknown), or a
    card against its field rules, or a card update whose response_code is spent or expired."""


@dataclass(frozen=True)
class WecomApp:
    """One school's WeCom app credentials."""

    school: str  # school code ("" for the default school)
    corp_id: str
    agent_id: int
    secret: str
    token: str
    encoding_aes_key: str


def wecom_app(settings: Settings, school: str) -> WecomApp | None:
    """Return the WeCom app of a school code ("" or the default code: `[wecom]`), or None if unknown."""
    if school in ("", settings.app.school):
        w = settings.wecom
        if not (w.corp_id and w.token and len(w.encoding_aes_key) == 43):
            return None
        return WecomApp("", w.corp_id, w.agent_id, w.secret, w.token, w.encoding_aes_key)
    for entry in settings.schools:
        if entry.code == school and entry.corp_id and entry.token and len(entry.encoding_aes_key) == 43:
            return WecomApp(entry.code, entry.corp_id, entry.agent_id, entry.secret, entry.token,
                            entry.encoding_aes_key)
    return None


class WecomChannel:
    """Reads and answers one school's WeCom callbacks and sends its messages."""

    name = "wecom"
    cards = True

    def __init__(self, app: WecomApp, settings: Settings, r: redis.Redis,
                 http: requests.Session | None = None) -> None:
        self.app, self.settings, self.redis, self.http = app, settings, r, http
        self.school = app.school
        self.crypto = WeChatCrypto(app.token, app.encoding_aes_key, app.corp_id)

    def verify_url(self, args: dict[str, str]) -> str:
        """Answer WeCom's URL check: verify the signature over echostr and return it decrypted."""
        try:
            return str(self.crypto.check_signature(args.get("msg_signature", ""), args.get("timestamp", ""),
                                                   args.get("nonce", ""), args.get("echostr", "")))
        except (InvalidSignatureException, InvalidCorpIdException):
            raise Forbidden("bad signature") from None
        except DECRYPT_ERRORS:
            raise BadMessage("echostr does not decrypt") from None

    def parse(self, args: dict[str, str], body: bytes, now: datetime) -> Delivery:
        """Verify, decrypt and normalise one callback body."""
        tree = open_tree(self.crypto, args, body)
        fields = flat_fields(tree)
        sender = fields.get("FromUserName", "")
        if not sender or not fields.get("MsgType"):
            raise BadMessage("message without sender or type")
        msg = incoming_from(fields, self.name, self.school, sender, now, tree)
        return Delivery(msg=msg, reply_to=sender, reply_from=fields.get("ToUserName", self.app.corp_id))

    def render_reply(self, delivery: Delivery, reply: Reply, now: datetime) -> str:
        """Render one message as an encrypted passive reply."""
        created = int(now.timestamp())
        plain = passive_xml(delivery, reply, created)
        return str(self.crypto.encrypt_message(plain, secrets.token_hex(8), str(created)))

    def deliver(self, msg: Incoming, deps: Deps, dispatch: Dispatch) -> tuple[Reply | None, str]:
        """Hand the message to the dispatcher; return its reply and who a late reply goes to."""
        if msg.kind == EVENT and msg.event not in DISPATCHED_EVENTS:
            return None, msg.sender
        return dispatch(msg, deps), msg.sender

    # -- the server API (outbox job, CLI) --

    def api(self) -> Api:
        tokens = TokenSource(
            path="cgi-bin/gettoken", params={"corpid": self.app.corp_id, "corpsecret": self.app.secret},
            cache_key=key(self.settings, "wecom-token", self.app.corp_id, self.app.agent_id))
        return Api(self.settings.wecom.api_base_url, tokens, self.redis, self.http)

    def parts(self, reply: Reply) -> list[Reply]:
        """Return the messages a reply is sent as, in order; an attachment is a last message of its own.

        A card update without a response_code (a tap's own card, redrawn by the passive reply) is not sent.
        """
        parts = [p for p in message_parts(reply, cards=True) if p.update is None or p.update.response_code]
        return parts + [Reply(attachment=reply.attachment)] if reply.attachment is not None else parts

    def send_part(self, recipient: str, part: Reply, step: Step) -> dict[str, Any]:
        """Send one message (message/send, or update_template_card for a card update); return WeCom's answer
        (msgid, response_code…).

        The body is the same bytes on every retry of the step, with WeCom's duplicate check on: a retry
        whose first try got through (its answer lost, or the sender killed) is dropped by WeCom. A template
        card's task_id is the step's id, so a retry of the card cannot be a second card either.
        """
        api = self.api()
        if part.attachment is not None:
            media_id = step.media_id or self.upload(api, part.attachment)
            if media_id is None:  # the message itself went out; a cleaned-up file is not worth a failure
                log.warning("attachment %s for %s no longer exists; sent without it", part.attachment.path, recipient)
                return {"skipped": "file gone"}
            step.keep_media(media_id)
            body = {"touser": recipient, "agentid": self.app.agent_id, "safe": 0, "msgtype": "file",
                    "file": {"media_id": media_id}, **DUPLICATE_CHECK}
            return self._call(api, recipient, "message/send", body)
        path, body = self.request(recipient, part, step)
        return self._call(api, recipient, path, body)

    def request(self, recipient: str, part: Reply, step: Step) -> tuple[str, dict[str, Any]]:
        """Return the API path and body that send one message (a file aside: it is uploaded first)."""
        if part.update is not None:
            return "message/update_template_card", self.update_payload(recipient, part.update)
        return "message/send", {**self.payload(recipient, part, step), **DUPLICATE_CHECK}

    def _call(self, api: Api, recipient: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        card = path != "message/send" or body.get("msgtype") == "template_card"
        try:
            result = api.call(path, body)
        except ApiError as exc:
            if card and exc.errcode == TASK_EXISTS:  # an earlier attempt got through, its answer did not
                return {"errcode": 0, "errmsg": exc.errmsg}
            if card and exc.errcode == INVALID_PARAMETER:  # resending the same card cannot succeed
                raise Undeliverable(exc.errcode, exc.errmsg) from None
            raise
        invalid = result.get("invaliduser") or ""
        if recipient in (invalid if isinstance(invalid, list) else str(invalid).split("|")):
            raise Undeliverable(81013, f"invaliduser {recipient}")
        return result

    def upload(self, api: Api, attachment: Attachment) -> str | None:
        """Upload a file (media/upload, type file, kept 3 days by WeCom); None if the file is gone."""
        path = Path(attachment.path)
        if not path.is_file():
            return None
        with path.open("rb") as fh:
            result = api.call("media/upload", params={"type": "file"}, files={"media": (attachment.name, fh)})
        return str(result.get("media_id", ""))

    def payload(self, recipient: str, part: Reply, step: Step) -> dict[str, Any]:
        """Return the message/send body for one message."""
        body: dict[str, Any] = {"touser": recipient, "agentid": self.app.agent_id, "safe": 0}
        if part.choice is not None:
            body.update(msgtype="template_card", template_card=card_json(part.choice, step.id))
        elif part.card is not None:
            card = part.card
            body.update(msgtype="textcard", textcard={"title": card.title, "description": step.vary(card.description),
                                                       "url": card.url, "btntxt": card.button})
        elif part.markdown:
            body.update(msgtype="markdown", markdown={"content": step.vary(part.markdown)})
        else:
            body.update(msgtype="text", text={"content": step.vary(part.text)})
        return body

    def update_payload(self, recipient: str, update: CardUpdate) -> dict[str, Any]:
        """Return the message/update_template_card body that redraws a sent card for its recipient."""
        return {"userids": [recipient], "agentid": self.app.agent_id, "response_code": update.response_code,
                "template_card": card_json(update.card)}

    def install_menu(self) -> None:
        """Create the app's menu (记录 / 进度 / 帮助)."""
        self.api().call("menu/create", {"button": MENU}, params={"agentid": str(self.app.agent_id)})


def open_envelope(crypto: Any, args: dict[str, str], body: bytes) -> dict[str, str]:
    """Read the encrypted envelope, check its signature, decrypt it and read the inner XML's fields."""
    return flat_fields(open_tree(crypto, args, body))


def open_tree(crypto: Any, args: dict[str, str], body: bytes) -> Node:
    """Read the encrypted envelope, check its signature, decrypt it and parse the inner XML."""
    try:
        outer = read_fields(body)
    except XMLRefused as exc:
        raise BadMessage(str(exc)) from None
    encrypted = outer.get("Encrypt", "")
    if not encrypted:
        raise BadMessage("no Encrypt element")
    try:
        plain = crypto.decrypt_message({"Encrypt": encrypted}, args.get("msg_signature", ""),
                                       args.get("timestamp", ""), args.get("nonce", ""))
    except WeChatException:  # a bad signature, or signed but for another corp/app (InvalidCorpIdException)
        raise Forbidden("bad signature or receiver") from None
    except DECRYPT_ERRORS:
        raise BadMessage("ciphertext does not decrypt") from None
    try:
        return read_tree(plain)
    except XMLRefused as exc:
        raise BadMessage(str(exc)) from None


def seal(app: WecomApp, plain_xml: str, timestamp: str, nonce: str) -> tuple[str, str]:
    """Encrypt and sign a message exactly as WeCom does; return (body, msg_signature). For the emulator."""
    crypto = WeChatCrypto(app.token, app.encoding_aes_key, app.corp_id)
    body = str(crypto.encrypt_message(plain_xml, nonce, timestamp))
    return body, read_fields(body)["MsgSignature"]


def unseal(app: WecomApp, body: str) -> dict[str, str]:
    """Verify and decrypt a passive reply (as the WeCom client would); return its fields. For the emulator."""
    return flat_fields(unseal_tree(app, body))


def unseal_tree(app: WecomApp, body: str) -> Node:
    """Verify and decrypt a passive reply; return it as a tree (a card update nests). For the emulator."""
    outer = read_fields(body)
    crypto = WeChatCrypto(app.token, app.encoding_aes_key, app.corp_id)
    args = {"msg_signature": outer.get("MsgSignature", ""), "timestamp": outer.get("TimeStamp", ""),
            "nonce": outer.get("Nonce", "")}
    return open_tree(crypto, args, body.encode("utf-8"))
