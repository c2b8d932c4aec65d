"""Logging in through WeCom (企业微信网页授权), as production does: leaders open the console from a
WeCom message and are recognised without a password; their roster roles decide what they see.

1. /login/wecom redirects to WeCom's authorize page with a one-time `state` kept in the session.
2. WeCom sends the browser back to /login/wecom/callback?code=…&state=…; we check the state and ask
   `cgi-bin/auth/getuserinfo` (at `[wecom] api_base_url`, with the app's access token) who it is.
3. The roster person with that userid is logged in: admin → the school, 中层正职 → their department,
   校领导/学工负责人 → their own records; students and others are refused.

Example: /login/wecom?school=hbu&next=/console/records
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from bot.channels.wecom_api import TIMEOUT, TOKEN_ERRORS, Api, ApiError, TokenSource, TransportError, check
from bot.chat.context import Deps
from bot.config import Settings
from bot.console.access import viewer_for_person
from bot.console.login import safe_next, start_session
from bot.store.db import school_by_code
from bot.store.kv import key
from bot.store.models import AuditLog, Person

AUTHORIZE_URL = "https://open.weixin.qq.com/connect/oauth2/authorize"  # WeCom's fixed OAuth page
NO_ACCESS = "您没有访问管理台的权限：管理台仅向学校管理员、部门负责人和领导干部开放。"


@dataclass(frozen=True)
class OAuthApp:
    """The WeCom app a school's leaders log in through."""

    school: str  # school code, "" for the default school
    corp_id: str
    agent_id: int
    secret: str


def oauth_app(settings: Settings, school: str) -> OAuthApp | None:
    """Return the WeCom app of a school code ("" for the default school), or None if not configured."""
    if school in ("", settings.app.school):
        w = settings.wecom
        return OAuthApp("", w.corp_id, w.agent_id, w.secret) if w.corp_id and w.agent_id and w.secret else None
    for e in settings.schools:
        if e.code == school and e.corp_id and e.agent_id and e.secret:
            return OAuthApp(e.code, e.corp_id, e.agent_id, e.secret)
    return None


def api_for(deps: Deps, app: OAuthApp) -> Api:
    """Return the server API of the app, sharing the access-token cache with the message channel."""
    tokens = TokenSource(path="cgi-bin/gettoken", params={"corpid": app.corp_id, "corpsecret": app.secret},
                         cache_key=key(deps.settings, "wecom-token", app.corp_id, app.agent_id))
    return Api(deps.settings.wecom.api_base_url, tokens, deps.redis)


def start() -> Response:
    """Send the browser to WeCom's authorize page."""
    deps: Deps = current_app.extensions["bot"]
    school = request.args.get("school", "")
    app = oauth_app(deps.settings, school)
    if app is None:
        abort(404)
    state = secrets.token_urlsafe(24)
    session["oauth"] = {"state": state, "school": app.school, "next": request.args.get("next", "")}
    callback = deps.settings.app.public_url.rstrip("/") + url_for("console.wecom_callback")
    query = urlencode({"appid": app.corp_id, "redirect_uri": callback, "response_type": "code",
                       "scope": "snsapi_base", "state": state, "agentid": str(app.agent_id)})
    return redirect(f"{AUTHORIZE_URL}?{query}#wechat_redirect")


def finish() -> Response | tuple[str, int]:
    """Check the state, learn the userid from WeCom, and log the roster person in."""
    deps: Deps = current_app.extensions["bot"]
    g.deps = deps
    pending: dict[str, Any] = session.pop("oauth", None) or {}
    state, code = request.args.get("state", ""), request.args.get("code", "")
    if not pending or not hmac.compare_digest(state.encode(), str(pending.get("state", "")).encode()):
        return _refuse("登录请求已失效，请重新从企业微信打开管理台。", 400)
    if not code:
        return _refuse("您没有同意授权，未能登录。", 400)
    app = oauth_app(deps.settings, str(pending.get("school", "")))
    if app is None:
        abort(404)
    try:
        userid = fetch_userid(api_for(deps, app), code)
    except (ApiError, TransportError):
        return _refuse("暂时无法向企业微信确认您的身份，请稍后再试。", 502)
    if not userid:
        return _refuse(NO_ACCESS, 403)  # not a member of the school's WeCom (an external contact)
    now = deps.clock()
    with deps.sessions.begin() as db:
        school = school_by_code(db, app.school, deps.settings)
        person = db.scalar(select(Person).where(Person.school_id == school.id, Person.userid == userid)) \
            if school else None
        viewer = viewer_for_person(person) if person is not None else None
        if person is None or viewer is None:
            return _refuse(NO_ACCESS, 403)
        start_session(kind="wecom", person_id=person.id, at=now)
        db.add(AuditLog(school_id=person.school_id, actor=person.userid, action="console.login",
                        target=person.userid, detail={"method": "wecom", "role": viewer.role}, at=now))
    return redirect(safe_next(str(pending.get("next", ""))))


def fetch_userid(api: Api, code: str) -> str | None:
    """Ask WeCom whose login code this is; return the member's userid (None for a non-member)."""
    token = api.token()
    for attempt in range(2):
        try:
            response = requests.get(f"{api.base_url}/cgi-bin/auth/getuserinfo",
                                    params={"access_token": token, "code": code}, timeout=TIMEOUT)
            result = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise TransportError(f"auth/getuserinfo: {exc.__class__.__name__}") from None
        if int(result.get("errcode", 0) or 0) in TOKEN_ERRORS and attempt == 0:
            token = api.token(stale=token)
            continue
        check(result)
        userid = result.get("userid") or result.get("UserId")  # the older user/getuserinfo said UserId
        return str(userid) if userid else None
    return None


def _refuse(message: str, status: int) -> tuple[str, int]:
    return render_template("console/error.html", code=status, message=message), status
