"""The app `bench/webhook` runs under gunicorn: the real bot, plus two reference callbacks on the same
server (never part of the product):

- /bench/echo: a minimal wechatpy echo (decrypt, parse_message, TextReply, encrypt; no storage), the
  issue's baseline (b);
- /bench/floor: the least any exactly-once design must do per message before answering: the echo plus
  a Redis SET NX claim and a one-row PostgreSQL transaction (the message id), with no parsing, no sender
  lookup and no handler. Its throughput bounds what the full bot (a) can reach on the same machine.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timezone

from flask import Flask, Response, request
from sqlalchemy import insert
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.replies import TextReply

from bot.chat.context import Deps
from bot.server.web import create_app
from bot.store.db import school_by_code
from bot.store.models import InboundMessage


def create_bench_app() -> Flask:
    """The real app with the two reference routes added."""
    app = create_app()
    deps: Deps = app.extensions["bot"]
    w = deps.settings.wecom
    crypto = WeChatCrypto(w.token, w.encoding_aes_key, w.corp_id)
    record = insert(InboundMessage)
    with deps.sessions() as db:
        school = school_by_code(db, "", deps.settings)
        assert school is not None
        school_id = school.id

    def reply_to(msg: object) -> Response:
        reply = TextReply(content=msg.content, message=msg).render()  # type: ignore[attr-defined]
        body = crypto.encrypt_message(reply, secrets.token_hex(8), str(int(time.time())))
        return Response(body, mimetype="application/xml")

    def decrypt() -> object:
        args = request.args
        plain = crypto.decrypt_message(request.get_data(), args["msg_signature"], args["timestamp"], args["nonce"])
        return parse_message(plain)

    @app.post("/bench/echo")
    def echo() -> Response:
        return reply_to(decrypt())

    @app.post("/bench/floor")
    def floor() -> Response:
        msg = decrypt()
        if not deps.redis.set(deps.key("bench-floor", msg.id), "1", nx=True, ex=600):  # type: ignore[attr-defined]
            return Response("", 200)
        with deps.engine.begin() as conn:
            conn.execute(record, {"school_id": school_id, "channel": "bench", "msg_id": str(msg.id),  # type: ignore[attr-defined]
                                  "sender": msg.source, "received_at": datetime.now(timezone.utc),  # type: ignore[attr-defined]
                                  "reply": msg.content})  # type: ignore[attr-defined]
        return reply_to(msg)

    return app
