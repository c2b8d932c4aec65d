"""The WeChat Official Account (微信公众号, safe mode) adapter, for students who are not in WeCom.

Same pipeline as WeCom (verify, decrypt, de-duplicate, dispatch, encrypted passive reply, outbox),
with one step in front: a follower's OpenID speaks as a roster person only after binding with a
one-time code ("绑定 123456") that their counselor or an admin issued.

Example: an unbound follower writes "你好" → "请先绑定：向辅导员索取绑定码，然后发送“绑定 六位数字”".
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any

import redis
import requests
from wechatpy.crypto import WeChatCrypto

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
from bot.channels.binding import BIND_PATTERN, bind, person_for_openid
from bot.channels.wecom import Undeliverable, open_envelope
from bot.channels.wecom_api import Api, ApiError, TokenSource
from bot.chat.context import Deps
from bot.chat.messages import EVENT, TEXT, Incoming, Reply
from bot.config import Settings
from bot.store.db import school_by_code
from bot.store.kv import key

OPENID_PREFIX = "openid:"  # outbox recipients that are a raw OpenID (a follower not bound yet)
OUT_OF_WINDOW = 45015  # customer-service messages only within 48 hours of the follower's last message

WELCOME = ("欢迎关注基层联系助手！\n"
           "学生同学：请先向辅导员索取六位绑定码，然后在这里发送“绑定 123456”（换成您的绑定码），"
           "绑定后就可以直接反映问题、收到答复。")
PLEASE_BIND = "您还没有绑定身份。请向辅导员或管理员索取六位绑定码，然后发送“绑定 123456”（换成您的绑定码）。"


def official_enabled(settings: Settings) -> bool:
    o = settings.official
    return bool(o.app_id and o.token and len(o.encoding_aes_key) == 43)


class OfficialChannel:
    """Reads and answers the default school's Official Account callbacks and sends its messages."""

    name = "official"
    school = ""
    cards = False  # a Choice goes out as its typed question

    def __init__(self, settings: Settings, r: redis.Redis, http: requests.Session | None = None) -> None:
        self.settings, self.redis, self.http = settings, r, http
        o = settings.official
        self.crypto = WeChatCrypto(o.token, o.encoding_aes_key, o.app_id)

    def verify_url(self, args: dict[str, str]) -> str:
        """Answer the server-config check: a plain signature over token, timestamp and nonce."""
        expected = sign(self.settings.official.token, args.get("timestamp", ""), args.get("nonce", ""))
        if not hmac.compare_digest(expected, args.get("signature", "")):
            raise Forbidden("bad signature")
        return args.get("echostr", "")

    def parse(self, args: dict[str, str], body: bytes, now: datetime) -> Delivery:
        """Verify, decrypt and normalise one callback (safe mode only: plaintext callbacks are refused)."""
        if args.get("encrypt_type") != "aes":
            raise Forbidden("only safe mode (encrypt_type=aes) is accepted")
        fields = open_envelope(self.crypto, args, body)
        openid = fields.get("FromUserName", "")
        if not openid or not fields.get("MsgType"):
            raise BadMessage("message without sender or type")
        msg = incoming_from(fields, self.name, self.school, openid, now)
        return Delivery(msg=msg, reply_to=openid, reply_from=fields.get("ToUserName", ""))

    def render_reply(self, delivery: Delivery, reply: Reply, now: datetime) -> str:
        """Render one message as an encrypted passive reply."""
        created = int(now.timestamp())
        plain = passive_xml(delivery, reply, created)
        return str(self.crypto.encrypt_message(plain, secrets.token_hex(8), str(created)))

    def deliver(self, msg: Incoming, deps: Deps, dispatch: Dispatch) -> tuple[Reply | None, str]:
        """Bind, or speak as the bound person through the dispatcher; return the reply and its recipient."""
        openid = msg.sender
        if msg.kind == EVENT:
            return (Reply.of(WELCOME), OPENID_PREFIX + openid) if msg.event == "subscribe" else (None, openid)
        with deps.sessions.begin() as db:  # the binding step: a short transaction of its own
            school = school_by_code(db, self.school, deps.settings)
            if school is None:
                return None, OPENID_PREFIX + openid
            found = BIND_PATTERN.match(msg.text) if msg.kind == TEXT else None
            if found:
                tries = key(deps.settings, "bind-tries", openid)
                text = bind(db, deps.redis, tries, school, openid, found.group(1), msg.received_at or deps.clock())
                return Reply.of(text), OPENID_PREFIX + openid
            person = person_for_openid(db, school, openid)
            userid = person.userid if person is not None else None
        if userid is None:
            return Reply.of(PLEASE_BIND), OPENID_PREFIX + openid
        return dispatch(replace(msg, sender=userid), deps), userid

    # -- the server API (outbox job) --

    def api(self) -> Api:
        o = self.settings.official
        tokens = TokenSource(
            path="cgi-bin/token", params={"grant_type": "client_credential", "appid": o.app_id, "secret": o.secret},
            cache_key=key(self.settings, "wechat-token", o.app_id))
        return Api(o.api_base_url, tokens, self.redis, self.http)

    def parts(self, reply: Reply) -> list[Reply]:
        """Return the messages a reply is sent as (customer-service messages carry no files)."""
        return message_parts(reply)

    def send_part(self, openid: str, part: Reply, step: Step) -> dict[str, Any]:
        """Send one customer-service message to a follower (text, or news for a card); return the answer.

        The Official Account API has no duplicate check: a retry after a lost answer may arrive twice.
        """
        path, body = self.request(openid, part, step)
        try:
            return self.api().call(path, body)
        except ApiError as exc:
            if exc.errcode == OUT_OF_WINDOW:
                raise Undeliverable(exc.errcode, exc.errmsg) from None
            raise

    def request(self, openid: str, part: Reply, step: Step) -> tuple[str, dict[str, Any]]:
        """Return the API path and body that send one message (text, or news for a card)."""
        if part.card is not None:
            article = {"title": part.card.title, "description": step.vary(part.card.description), "url": part.card.url}
            return "message/custom/send", {"touser": openid, "msgtype": "news", "news": {"articles": [article]}}
        return "message/custom/send", {"touser": openid, "msgtype": "text",
                                       "text": {"content": step.vary(part.text or part.markdown)}}


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 of the sorted parts joined."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()
