"""The emulator's chat: a page listing the roster by role, and the endpoints its script calls.

Each message typed on the page is built as WeCom's XML, encrypted and signed with the configured
token, EncodingAESKey and corp id, and POSTed to the real callback (in-process); the encrypted
passive reply is verified and decrypted as the WeCom client would. Messages the bot pushes later
(outbox: late replies, reminders, digests, template cards and their updates) are polled from the
emulator's API inbox. A tap on a card's button is a template_card_event with the card's TaskId, the
button's EventKey and a fresh ResponseCode; a passive card update is checked against WeCom's rules.

Example: POST /emulator/api/send {"userid": "zhaojianguo01", "text": "帮助"} → {"reply": {"text": "…"}};
{"userid": "wangli01", "tap": {"task_id": "ob12p0", "key": "confirm:12:34|yes"}} → {"reply": {"update": {…}}}.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import time
from typing import Any

from flask import Response, abort, current_app, jsonify, render_template, request
from sqlalchemy import select

from bot.channels.wecom import seal, unseal_tree, wecom_app
from bot.channels.xml import Node, flat_fields, write_fields
from bot.chat.context import Deps
from bot.chat.messages import CARD_EVENT
from bot.demo.emulator.api import issue_response_code, keep_image, kept_image, pushed
from bot.demo.emulator.blueprint import emulator_bp
from bot.demo.emulator.card_rules import card_problem
from bot.store.db import school_by_code
from bot.store.models import Person
from bot.terms.roles import ALL_ROLES, ROLE_NAMES_ZH

MENU_WORDS = ("记录", "进度", "帮助")
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
IMAGE_MAX_BYTES = 2 * 1024 * 1024


def _deps() -> Deps:
    return current_app.extensions["bot"]  # type: ignore[no-any-return]


@emulator_bp.get("/")
def page() -> str:
    """The chat page: pick anyone from the roster, grouped by role."""
    deps = _deps()
    with deps.sessions() as db:
        school = school_by_code(db, "", deps.settings)
        people = [] if school is None else list(db.scalars(
            select(Person).where(Person.school_id == school.id, Person.active.is_(True)).order_by(Person.id)))
        groups: dict[str, list[dict[str, str]]] = {role: [] for role in ALL_ROLES}
        for p in people:
            first = next((r for r in ALL_ROLES if r in p.roles), None)
            if first is not None:
                groups[first].append({"userid": p.userid, "name": p.name, "title": p.title or p.department,
                                      "roles": "、".join(ROLE_NAMES_ZH[r] for r in ALL_ROLES if r in p.roles)})
    return render_template("emulator/chat.html", school=deps.settings.app.school_name, menu=MENU_WORDS,
                           groups=[(ROLE_NAMES_ZH[r], groups[r]) for r in ALL_ROLES if groups[r]],
                           configured=wecom_app(deps.settings, "") is not None,
                           demo_clock="demo_clock" in current_app.extensions)


@emulator_bp.post("/api/send")
def send() -> Response:
    """Send one message or event as a person to the real callback; return the decrypted passive reply."""
    deps = _deps()
    app = wecom_app(deps.settings, "")
    if app is None:
        abort(409, "[wecom] 未配置：模拟器需要 corp_id、token 和 encoding_aes_key")
    body: dict[str, Any] = request.get_json(silent=True) or {}
    userid = str(body.get("userid", ""))
    if not userid:
        abort(400)
    now = int(time.time())
    fields: dict[str, str | int] = {"ToUserName": app.corp_id, "FromUserName": userid, "CreateTime": now}
    if body.get("tap"):
        task_id, key = str(body["tap"].get("task_id", "")), str(body["tap"].get("key", ""))
        fields.update(MsgType="event", Event=CARD_EVENT, EventKey=key, TaskId=task_id, CardType="button_interaction",
                      ResponseCode=issue_response_code(deps, task_id, [userid]))
    elif body.get("event"):
        fields.update(MsgType="event", Event=str(body["event"]), EventKey=str(body.get("key", "")))
    elif body.get("image"):
        media_id = _image_from(deps, str(body["image"]))
        fields.update(MsgType="image", PicUrl=f"{request.host_url}emulator/media/{media_id}", MediaId=media_id,
                      MsgId=_msg_id())
    elif body.get("location"):
        loc = body["location"]
        fields.update(MsgType="location", Location_X=str(loc.get("lat", "")), Location_Y=str(loc.get("lng", "")),
                      Scale=15, Label=str(loc.get("label", "")), MsgId=_msg_id())
    else:
        fields.update(MsgType="text", Content=str(body.get("text", "")), MsgId=_msg_id())
    fields["AgentID"] = app.agent_id
    timestamp, nonce = str(now), secrets.token_hex(5)
    envelope, signature = seal(app, write_fields(fields), timestamp, nonce)
    started = time.monotonic()
    response = current_app.test_client().post(
        "/wecom/callback", query_string={"msg_signature": signature, "timestamp": timestamp, "nonce": nonce},
        data=envelope.encode("utf-8"), content_type="text/xml")
    elapsed_ms = round((time.monotonic() - started) * 1000)
    result: dict[str, Any] = {"status": response.status_code, "elapsed_ms": elapsed_ms, "reply": None}
    raw = response.get_data(as_text=True)
    if response.status_code == 200 and raw:
        tree = unseal_tree(app, raw)
        reply = flat_fields(tree)
        if reply.get("MsgType") == "news":
            result["reply"] = {"card": {"title": reply.get("Title", ""), "description": reply.get("Description", ""),
                                        "url": reply.get("Url", "")}}
        elif reply.get("MsgType") == "update_template_card":
            card = card_from_xml(tree.find("TemplateCard"))
            result["reply"] = {"update": card, "problem": card_problem(card, update=True)}
        else:
            result["reply"] = {"text": reply.get("Content", "")}
    return jsonify(result)


LISTS = frozenset({"HorizontalContentList", "ButtonList", "OptionList", "SelectList", "ActionList", "JumpList"})
NUMBERS = frozenset({"Style", "Type", "DescColor", "Mode"})
JSON_NAMES = {"KeyName": "keyname"}  # the one name that is not the snake_case of its tag


def card_from_xml(node: Node | None) -> dict[str, Any]:
    """Read a passive reply's TemplateCard back into the JSON form of the API (lists for repeated parts)."""
    if node is None:
        return {}
    card: dict[str, Any] = {}
    for child in node.children:
        name = JSON_NAMES.get(child.tag) or re.sub(r"(?<!^)([A-Z])", r"_\1", child.tag).lower()
        value: Any = card_from_xml(child) if child.children else child.text
        if child.tag in NUMBERS and child.text.isdigit():
            value = int(child.text)
        if child.tag in LISTS:
            card.setdefault(name, []).append(value)
        else:
            card[name] = value
    return card



def _image_from(deps: Deps, data_url: str) -> str:
    """Keep a picture the page sends as a data: URL (PNG, JPEG, GIF or WebP, up to 2 MB); 400 otherwise."""
    header, _, encoded = data_url.partition(",")
    kind = header.removeprefix("data:").removesuffix(";base64")
    if kind not in IMAGE_TYPES or not header.endswith(";base64"):
        abort(400, "只能发送 PNG、JPEG、GIF 或 WebP 图片")
    try:
        data = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        abort(400, "图片数据有误")
    if not data or len(data) > IMAGE_MAX_BYTES:
        abort(400, "图片不能超过 2 MB")
    return keep_image(deps, data, kind)


@emulator_bp.get("/media/<media_id>")
def media(media_id: str) -> Response:
    """A picture sent from the chat page (the PicUrl of its image message)."""
    image = kept_image(_deps(), media_id)
    if image is None:
        abort(404)
    data, kind = image
    return Response(data, mimetype=kind)


@emulator_bp.get("/api/inbox/<userid>")
def inbox(userid: str) -> Response:
    """Messages the bot pushed to a person (through the outbox) from index `after` on."""
    after = request.args.get("after", default=0, type=int)
    messages = pushed(_deps(), userid, after)
    return jsonify(messages=messages, next=after + len(messages))


def _msg_id() -> str:
    return str(secrets.randbits(62))
