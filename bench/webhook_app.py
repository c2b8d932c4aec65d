"""The app `bench/webhook` runs under gunicorn: the real bot, plus a minimal wechatpy echo callback
at /bench/echo to compare against (decrypt, parse_message, TextReply, encrypt; no storage).
"""

from __future__ import annotations

import secrets
import time

from flask import Flask, Response, request
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.replies import TextReply

from bot.web import create_app


def create_bench_app() -> Flask:
    """The real app with the echo route added."""
    app = create_app()
    w = app.extensions["bot"].settings.wecom
    crypto = WeChatCrypto(w.token, w.encoding_aes_key, w.corp_id)

    @app.post("/bench/echo")
    def echo() -> Response:
        args = request.args
        plain = crypto.decrypt_message(request.get_data(), args["msg_signature"], args["timestamp"], args["nonce"])
        msg = parse_message(plain)
        reply = TextReply(content=msg.content, message=msg).render()
        body = crypto.encrypt_message(reply, secrets.token_hex(8), str(int(time.time())))
        return Response(body, mimetype="application/xml")

    return app
