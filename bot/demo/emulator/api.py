"""The emulator's WeCom server API: gettoken, message/send, message/update_template_card, media/upload,
media/get and menu/create (plus the Official Account's token and message/custom/send), answering as
WeCom does, errcodes included.

Pushed messages are kept per recipient in Redis, so the chat page shows reminders and digests.
Template cards are checked against WeCom's field rules (`card_rules`; errcode 40058 says which rule);
a task_id is taken once per app (42014 after); each card sent, and each tap on one, gets a
response_code good for one update_template_card within 72 hours.
Tests inject faults: POST /emulator/api/faults {"path": "message/send", "errcode": 42001} makes
the next call to that path fail once with that errcode ({"lose_answer": true}: deliver, then answer
HTTP 504, as a lost answer looks to the caller). A message/send with `enable_duplicate_check: 1`
that repeats a request delivered within its `duplicate_check_interval` is answered as the first was
(its msgid, a card's response_code) and not delivered again, as WeCom drops a duplicate.

Example: GET /emulator/cgi-bin/gettoken?corpid=…&corpsecret=… → {"errcode": 0, "access_token": "…"}.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import time
from typing import Any

from flask import Response, current_app, jsonify, request

from bot.chat.context import Deps
from bot.demo.emulator.blueprint import emulator_bp
from bot.demo.emulator.card_rules import card_problem

TOKEN_TTL = 7200
DUPLICATE_CHECK_MAX = 4 * 3600  # WeCom's longest duplicate-check interval
INBOX_TTL = 7 * 86400
INBOX_MAX = 500
RESPONSE_CODE_SECONDS = 72 * 3600
INVALID_PARAMETER = 40058
TASK_EXISTS = 42014


def _deps() -> Deps:
    return current_app.extensions["bot"]  # type: ignore[no-any-return]


def inbox_key(deps: Deps, recipient: str) -> str:
    return deps.key("emulator", "inbox", recipient)


def pushed(deps: Deps, recipient: str, after: int = 0) -> list[dict[str, Any]]:
    """Return the messages pushed to a recipient, from index `after` on."""
    return [json.loads(m) for m in deps.redis.lrange(inbox_key(deps, recipient), after, -1)]  # type: ignore[union-attr]


def calls(deps: Deps, path: str) -> int:
    """How often an API path was called (tests check that token refreshes are bounded)."""
    return int(deps.redis.get(deps.key("emulator", "calls", path)) or 0)  # type: ignore[arg-type]


def _answer(path: str, result: dict[str, Any]) -> Response:
    return _call(path) or jsonify(result)


def _call(path: str) -> Response | None:
    """Count a call and answer an injected fault for it, if any (for answers that are not JSON)."""
    deps = _deps()
    counter = deps.key("emulator", "calls", path)
    deps.redis.incr(counter)
    deps.redis.expire(counter, INBOX_TTL)
    fault = deps.redis.lpop(deps.key("emulator", "faults", path))
    if fault is None:
        return None
    code = int(fault)  # type: ignore[arg-type]
    return jsonify(errcode=code, errmsg=f"emulated error {code}")


def keep_image(deps: Deps, data: bytes, kind: str) -> str:
    """Keep an image a person sends from the chat page; return its media id (as WeCom's, temporary)."""
    media_id = "emu-" + secrets.token_hex(12)
    encoded = base64.b64encode(data).decode("ascii")
    deps.redis.set(deps.key("emulator", "image", media_id), f"{kind};{encoded}", ex=INBOX_TTL)
    return media_id


def kept_image(deps: Deps, media_id: str) -> tuple[bytes, str] | None:
    raw = deps.redis.get(deps.key("emulator", "image", media_id))
    if not raw:
        return None
    kind, _, encoded = str(raw).partition(";")
    try:
        return base64.b64decode(encoded, validate=True), kind
    except binascii.Error:
        return None


def _valid_token() -> bool:
    deps = _deps()
    token = request.args.get("access_token", "")
    return bool(token) and bool(deps.redis.exists(deps.key("emulator", "token", token)))


def _issue_token(app_ids: set[tuple[str, str]], given: tuple[str, str], path: str) -> Response:
    deps = _deps()
    if given not in app_ids:
        return _answer(path, {"errcode": 40013 if given[0] not in {a for a, _ in app_ids} else 40001,
                              "errmsg": "invalid corpid or secret"})
    token = secrets.token_urlsafe(24)
    deps.redis.set(deps.key("emulator", "token", token), given[0], ex=TOKEN_TTL)
    return _answer(path, {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": TOKEN_TTL})


@emulator_bp.get("/cgi-bin/gettoken")
def gettoken() -> Response:
    settings = _deps().settings
    apps = {(settings.wecom.corp_id, settings.wecom.secret)} | {(e.corp_id, e.secret) for e in settings.schools}
    return _issue_token(apps, (request.args.get("corpid", ""), request.args.get("corpsecret", "")), "gettoken")


@emulator_bp.get("/cgi-bin/token")
def official_token() -> Response:
    o = _deps().settings.official
    return _issue_token({(o.app_id, o.secret)}, (request.args.get("appid", ""), request.args.get("secret", "")),
                        "token")


def _store(recipients: list[str], body: dict[str, Any]) -> None:
    deps = _deps()
    message = json.dumps({**body, "at": time.time()}, ensure_ascii=False)
    for recipient in recipients:
        key = inbox_key(deps, recipient)
        deps.redis.rpush(key, message)
        deps.redis.ltrim(key, -INBOX_MAX, -1)
        deps.redis.expire(key, INBOX_TTL)


@emulator_bp.post("/cgi-bin/message/send")
def message_send() -> Response:
    if not _valid_token():
        return _answer("message/send", {"errcode": 40014, "errmsg": "invalid access_token"})
    body = request.get_json(silent=True) or {}
    msgtype = body.get("msgtype")
    if msgtype not in ("text", "markdown", "textcard", "file", "template_card") or not isinstance(body.get(msgtype),
                                                                                                   dict):
        return _answer("message/send", {"errcode": 40008, "errmsg": "invalid message type"})
    recipients = [u for u in str(body.get("touser", "")).split("|") if u]
    deps = _deps()
    deps.redis.rpush(deps.key("emulator", "bodies", "message/send"), request.get_data())
    deps.redis.expire(deps.key("emulator", "bodies", "message/send"), INBOX_TTL)
    lose_answer = deps.redis.lpop(deps.key("emulator", "lose", "message/send")) is not None
    earlier = _earlier_send(body)
    if earlier is not None:  # WeCom's duplicate check: the same request again within the interval is dropped
        return _answer("message/send", earlier)
    refusal = _card_refusal(body) if msgtype == "template_card" else None
    if refusal is not None:
        return _answer("message/send", refusal)
    answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": secrets.token_urlsafe(16)}
    result = _answer("message/send", answer)
    if result.get_json()["errcode"] == 0:  # type: ignore[index]
        content = dict(body[msgtype])
        if msgtype == "template_card":
            task_id = str(content["task_id"])
            deps.redis.set(deps.key("emulator", "task", task_id), "1", ex=INBOX_TTL)
            answer["response_code"] = issue_response_code(deps, task_id, recipients)
            result = jsonify(answer)
        _remember_send(body, answer)
        if msgtype == "file":
            content["name"] = deps.redis.get(deps.key("emulator", "media", str(content.get("media_id", "")))) or "文件"
        _store(recipients, {"msgtype": msgtype, msgtype: content})
        if lose_answer:  # delivered, but the answer never reaches the caller
            return Response("upstream timed out", status=504)
    return result


def _card_refusal(body: dict[str, Any]) -> dict[str, Any] | None:
    """Why WeCom would refuse a template card: a broken field rule (40058), or its task_id taken (42014)."""
    card = body["template_card"]
    problem = card_problem(card, update=False)
    if problem is not None:
        return {"errcode": INVALID_PARAMETER, "errmsg": f"invalid template_card: {problem}"}
    if _deps().redis.exists(_deps().key("emulator", "task", str(card["task_id"]))):
        return {"errcode": TASK_EXISTS, "errmsg": "taskid has existed"}
    return None


def issue_response_code(deps: Deps, task_id: str, userids: list[str]) -> str:
    """Issue a response_code: one update_template_card of that card, for those members, within 72 hours."""
    code = "emu-rc-" + secrets.token_urlsafe(18)
    entry = {"task_id": task_id, "userids": userids, "issued": deps.clock().timestamp()}
    deps.redis.set(deps.key("emulator", "response-code", code), json.dumps(entry), ex=RESPONSE_CODE_SECONDS + 86400)
    return code


@emulator_bp.post("/cgi-bin/message/update_template_card")
def update_template_card() -> Response:
    """Redraw a card for the members given, spending its response_code."""
    path = "message/update_template_card"
    if not _valid_token():
        return _answer(path, {"errcode": 40014, "errmsg": "invalid access_token"})
    body = request.get_json(silent=True) or {}
    deps = _deps()
    code_key = deps.key("emulator", "response-code", str(body.get("response_code", "")))
    raw = deps.redis.get(code_key)
    entry = json.loads(str(raw)) if raw else None
    userids = body.get("userids")
    problem = card_problem(body.get("template_card"), update=True)
    if entry is None or entry.get("used"):
        problem = "response_code is unknown or already used"
    elif deps.clock().timestamp() - float(entry["issued"]) > RESPONSE_CODE_SECONDS:
        problem = "response_code is older than 72 hours"
    elif not isinstance(userids, list) or not userids or not set(userids) <= set(entry["userids"]):
        problem = "userids must name members the card was sent to"
    if problem is not None:
        return _answer(path, {"errcode": INVALID_PARAMETER, "errmsg": f"invalid update: {problem}"})
    result = _answer(path, {"errcode": 0, "errmsg": "ok", "invaliduser": []})
    if result.get_json()["errcode"] == 0:  # type: ignore[index]
        assert entry is not None and isinstance(userids, list)
        deps.redis.set(code_key, json.dumps({**entry, "used": True}), keepttl=True)
        _store([str(u) for u in userids], {"msgtype": "update_template_card", "task_id": entry["task_id"],
                                           "template_card": body["template_card"]})
    return result


def _send_key(body: dict[str, Any]) -> str | None:
    """The duplicate-check key of a message/send request that asks for it (the whole request's JSON)."""
    if body.get("enable_duplicate_check") != 1:
        return None
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return _deps().key("emulator", "sent", hashlib.sha256(canonical.encode()).hexdigest())


def _earlier_send(body: dict[str, Any]) -> dict[str, Any] | None:
    """The answer to the same request delivered within its duplicate_check_interval, if any."""
    key = _send_key(body)
    found = _deps().redis.get(key) if key else None
    return json.loads(str(found)) if found else None


def _remember_send(body: dict[str, Any], answer: dict[str, Any]) -> None:
    key = _send_key(body)
    if key:
        interval = min(DUPLICATE_CHECK_MAX, int(body.get("duplicate_check_interval") or 1800))
        _deps().redis.set(key, json.dumps(answer), ex=interval)


@emulator_bp.post("/cgi-bin/message/custom/send")
def custom_send() -> Response:
    if not _valid_token():
        return _answer("message/custom/send", {"errcode": 40001, "errmsg": "invalid credential"})
    body = request.get_json(silent=True) or {}
    msgtype = str(body.get("msgtype", ""))
    result = _answer("message/custom/send", {"errcode": 0, "errmsg": "ok"})
    if result.get_json()["errcode"] == 0:  # type: ignore[index]
        _store([f"openid:{body.get('touser', '')}"], {"msgtype": msgtype, msgtype: body.get(msgtype)})
    return result


@emulator_bp.get("/cgi-bin/media/get")
def media_get() -> Response:
    """The file itself, as WeCom answers media/get; errors as JSON."""
    fault = _call("media/get")
    if fault is not None:
        return fault
    if not _valid_token():
        return jsonify(errcode=40014, errmsg="invalid access_token")
    image = kept_image(_deps(), request.args.get("media_id", ""))
    if image is None:
        return jsonify(errcode=40007, errmsg="invalid media_id")
    data, kind = image
    return Response(data, mimetype=kind)


@emulator_bp.post("/cgi-bin/media/upload")
def media_upload() -> Response:
    if not _valid_token():
        return _answer("media/upload", {"errcode": 40014, "errmsg": "invalid access_token"})
    kind = request.args.get("type", "file")
    media = request.files.get("media")
    if media is None:
        return _answer("media/upload", {"errcode": 41006, "errmsg": "media data missing"})
    media_id = "emu-" + secrets.token_hex(12)
    deps = _deps()  # remember the name so the chat page can show which file arrived
    deps.redis.set(deps.key("emulator", "media", media_id), media.filename or "文件", ex=INBOX_TTL)
    return _answer("media/upload", {"errcode": 0, "errmsg": "ok", "type": kind,
                                    "media_id": media_id, "created_at": str(int(time.time()))})


@emulator_bp.post("/cgi-bin/menu/create")
def menu_create() -> Response:
    if not _valid_token():
        return _answer("menu/create", {"errcode": 40014, "errmsg": "invalid access_token"})
    deps = _deps()
    deps.redis.set(deps.key("emulator", "menu"), json.dumps(request.get_json(silent=True) or {}, ensure_ascii=False),
                   ex=INBOX_TTL)
    return _answer("menu/create", {"errcode": 0, "errmsg": "ok"})


@emulator_bp.post("/api/faults")
def add_fault() -> Response:
    """Make the next call(s) to an API path fail with an errcode (tests and demonstrations)."""
    body = request.get_json(silent=True) or {}
    deps = _deps()
    kind = "lose" if body.get("lose_answer") else "faults"  # lose_answer: deliver, then answer HTTP 504
    key = deps.key("emulator", kind, str(body.get("path", "")))
    for _ in range(int(body.get("times", 1))):
        deps.redis.rpush(key, int(body.get("errcode", -1)))
    deps.redis.expire(key, 3600)
    return jsonify(ok=True)


def sent_bodies(deps: Deps) -> list[bytes]:
    """The raw message/send request bodies received, in order (tests check that retries are identical)."""
    raw = deps.redis.lrange(deps.key("emulator", "bodies", "message/send"), 0, -1)
    return [item.encode() if isinstance(item, str) else item for item in raw]  # type: ignore[union-attr]
