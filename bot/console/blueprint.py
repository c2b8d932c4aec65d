"""The console blueprint: every route in one table with the roles allowed on it, registered through
the one access guard; the session cookie's settings; CSRF on every POST; security headers.

Example: `Route("/console/records", "records", records.show_records, ALL)` — a leader reaching it sees
their own records, an admin the school's; not logged in, they are sent to /login first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, render_template, request
from flask.blueprints import BlueprintSetupState
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from bot.chat.context import Deps
from bot.console import (
    audit_log,
    concern_board,
    crisis_cases,
    exports,
    feedback_page,
    links,
    login,
    outbox_page,
    overview,
    people,
    records,
    standing_links,
    wecom_login,
)
from bot.console.access import ALL, DELIVERY, EDITORS, OPERATORS, OVERSIGHT, RESPONDERS, STAFF, guarded
from bot.console.csrf import check_csrf, csrf_token
from bot.console.models import ADMIN, PROVINCE
from bot.console.schools import school_names, school_title
from bot.console.sessions import RedisSessionInterface
from bot.contacts.records import KIND_ZH, VENUE_ZH, format_day
from bot.rules.engine import STATE_ZH as OBLIGATION_ZH
from bot.store.models import School

log = logging.getLogger(__name__)

bp = Blueprint("console", __name__, template_folder="templates", static_folder="static",
               static_url_path="/console/static")


@dataclass(frozen=True)
class Route:
    """One console URL: its view and who may open it (None: public, the login pages)."""

    rule: str
    endpoint: str
    view: Callable[..., Any]
    roles: frozenset[str] | None
    methods: tuple[str, ...] = ("GET",)


ROUTES: tuple[Route, ...] = (
    Route("/login", "login", login.login_page, None, ("GET", "POST")),
    Route("/logout", "logout", login.logout, None, ("POST",)),
    Route("/login/wecom", "wecom_login", wecom_login.start, None),
    Route("/login/wecom/callback", "wecom_callback", wecom_login.finish, None),
    Route("/console/", "overview", overview.show_overview, ALL),
    Route("/console/people", "people", people.list_people, ALL),
    Route("/console/people/find", "person_find", people.find_person, OPERATORS),
    Route("/console/people/<int:person_id>", "person", people.show_person, ALL),
    Route("/console/people/<int:person_id>/data.json", "person_data", people.export_data, OPERATORS),
    Route("/console/people/<int:person_id>/erase", "person_erase", people.erase_data, OPERATORS, ("POST",)),
    Route("/console/people/<int:person_id>/record", "person_record", people.show_record, ALL),
    Route("/console/people/<int:person_id>/record.xlsx", "person_record_xlsx", exports.person_record_xlsx, ALL),
    Route("/console/people/<int:person_id>/record.json", "person_record_json", exports.person_record_json, ALL),
    Route("/console/people/<int:person_id>/standing", "standing_set", standing_links.set_link, EDITORS, ("POST",)),
    Route("/console/people/<int:person_id>/standing/end", "standing_end", standing_links.end_link, EDITORS,
          ("POST",)),
    Route("/console/links", "links", links.show_links, STAFF),
    Route("/console/links/accept", "links_accept", links.accept_suggestion, EDITORS, ("POST",)),
    Route("/console/links/add", "links_add", links.add_link, EDITORS, ("POST",)),
    Route("/console/links/<int:link_id>/end", "links_end", links.end_link, EDITORS, ("POST",)),
    Route("/console/records", "records", records.show_records, ALL),
    Route("/console/records/<int:contact_id>", "record", records.show_record, ALL),
    Route("/console/records/<int:contact_id>/evidence/<int:evidence_id>", "evidence_photo", records.evidence_photo,
          ALL),
    Route("/console/concerns", "concerns", concern_board.show_board, ALL),
    Route("/console/concerns/<int:concern_id>", "concern", concern_board.show_concern, ALL),
    Route("/console/concerns/<int:concern_id>/reply", "concern_reply", concern_board.reply, RESPONDERS, ("POST",)),
    Route("/console/concerns/<int:concern_id>/status", "concern_status", concern_board.change_status, RESPONDERS,
          ("POST",)),
    Route("/console/concerns/<int:concern_id>/deadline", "concern_deadline", concern_board.change_deadline,
          frozenset({ADMIN}), ("POST",)),
    Route("/console/concerns/<int:concern_id>/reveal", "concern_reveal", concern_board.reveal, RESPONDERS,
          ("POST",)),
    Route("/console/concerns/<int:concern_id>/crisis", "concern_crisis", crisis_cases.act, RESPONDERS, ("POST",)),
    Route("/console/concerns/<int:concern_id>/missed", "concern_missed", feedback_page.mark_missed_crisis,
          RESPONDERS, ("POST",)),
    Route("/console/feedback", "feedback", feedback_page.show_feedback, feedback_page.CURATORS),
    Route("/console/feedback.jsonl", "feedback_jsonl", feedback_page.feedback_jsonl, feedback_page.CURATORS),
    Route("/console/concerns/groups/<int:group_id>/reply", "group_reply", concern_board.reply_group,
          frozenset({ADMIN}), ("POST",)),
    Route("/console/audit", "audit", audit_log.show_audit, OVERSIGHT),
    Route("/console/outbox", "outbox", outbox_page.show_outbox, DELIVERY),
    Route("/console/outbox/<int:row_id>/retry", "outbox_retry", outbox_page.retry_one, EDITORS, ("POST",)),
    Route("/console/outbox/retry-failed", "outbox_retry_failed", outbox_page.retry_failed, EDITORS, ("POST",)),
    Route("/console/outbox/<int:row_id>/acknowledge", "outbox_acknowledge", outbox_page.acknowledge_alert, EDITORS,
          ("POST",)),
    Route("/console/exports", "exports", exports.show_exports, ALL),
    Route("/console/exports/progress.xlsx", "export_progress", exports.progress_xlsx, STAFF),
    Route("/console/exports/progress.json", "export_progress_json", exports.progress_json, STAFF),
    Route("/console/exports/records.<fmt>", "export_records", exports.records_file, ALL),
    Route("/console/exports/concerns.<fmt>", "export_concerns", exports.concerns_file, ALL),
)

for route in ROUTES:
    view = route.view if route.roles is None else guarded(route.view, route.roles)
    bp.add_url_rule(route.rule, route.endpoint, view, methods=list(route.methods))


@bp.record_once
def configure_app(state: BlueprintSetupState) -> None:
    """Keep sessions on the server, in Redis (HttpOnly, SameSite=Lax cookie holding only an id; Secure behind
    https): 30 minutes idle and 8 hours at most by default (bot/console/sessions.py)."""
    app = state.app
    deps: Deps = app.extensions["bot"]
    app.session_interface = RedisSessionInterface(deps)  # type: ignore[attr-defined]  # a Flask app
    if not deps.keyring.enabled:
        log.warning("[encryption] keys 未配置：学生反映的内容和匿名提问人以明文标记保存，生产环境请配置密钥")
    app.jinja_env.filters.update(local=_local_time, day=_day, kind_zh=_kind_zh, venue_zh=_venue_zh)


@bp.before_request
def before_console_request() -> None:
    """Check the CSRF token of every POST to the console (the login form included)."""
    g.deps = current_app.extensions["bot"]
    check_csrf()


@bp.after_request
def security_headers(response: Response) -> Response:
    """Forbid framing and sniffing, keep pages out of shared caches, and allow only our own assets."""
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
    if request.endpoint != "console.static":
        response.headers.setdefault("Cache-Control", "no-store")
    if current_app.extensions["bot"].settings.app.public_url.startswith("https://"):  # never again over plain http (等保: 传输安全)
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


@bp.app_errorhandler(HTTPException)
def error_page(error: HTTPException) -> tuple[str, int] | HTTPException:
    """Show 400/403/404 as a Chinese page inside the console; leave other paths' errors alone."""
    if not request.path.startswith(("/console", "/login", "/logout")) or error.code not in ERRORS_ZH:
        return error
    assert error.code is not None
    message = ERRORS_ZH[error.code]
    if error.code == 400 and error.description and not error.description.startswith("The browser"):
        message = error.description
    return render_template("console/error.html", code=error.code, message=message), error.code


ERRORS_ZH = {
    400: "请求无效，请返回后重试。",
    403: "您没有权限查看该页面。",
    404: "页面不存在，或内容已被删除。",
    405: "不支持该操作。",
}


@bp.app_context_processor
def template_globals() -> dict[str, Any]:
    """Give every template the CSRF token, the viewer and the navigation they may use."""
    viewer = g.get("viewer")
    picked = request.args.get("school", "") if viewer and viewer.school_id is None else ""
    return {"csrf_token": csrf_token, "viewer": viewer, "nav": _nav(viewer.role) if viewer else [],
            "school_title": school_title(), "ADMIN": ADMIN, "PROVINCE": PROVINCE,
            "keep_args": {"school": picked} if picked else {}, "province_schools": _province_schools,
            "OBLIGATION_ZH": OBLIGATION_ZH, "crisis_banner": outbox_page.crisis_banner,
            "unacknowledged_crises": crisis_cases.unacknowledged_banner,
            "feedback_state": feedback_page.feedback_state, "curates": feedback_page.curates,
            "school_names": school_names() if viewer else {}}


NAV = (  # (endpoint, label, roles)
    ("console.overview", "概览", ALL),
    ("console.people", "人员", ALL),
    ("console.links", "联系关系", STAFF),
    ("console.records", "联系记录", ALL),
    ("console.concerns", "问题反映", ALL),
    ("console.exports", "导出", ALL),
    ("console.audit", "操作日志", OVERSIGHT),
    ("console.outbox", "发件箱", DELIVERY),
)


def _nav(role: str) -> list[tuple[str, str]]:
    return [(endpoint, label) for endpoint, label, roles in NAV if role in roles]


def _province_schools() -> list[School]:
    """Return the schools a province viewer can pick from."""
    return list(g.db.scalars(select(School).where(School.id.in_(g.scope.all_school_ids)).order_by(School.id)))


def _local_time(value: datetime | None) -> str:
    """Format a UTC moment in the school's timezone: 2026-11-25 12:00."""
    if value is None:
        return ""
    deps: Deps = g.deps
    return value.astimezone(deps.settings.tz).strftime("%Y-%m-%d %H:%M")


def _day(value: Any) -> str:
    """Format a date as 11月25日（周三）."""
    return format_day(value) if value else ""


def _kind_zh(kind: str | None) -> str:
    return KIND_ZH.get(kind or "", kind or "")


def _venue_zh(venue: str | None) -> str:
    return VENUE_ZH.get(venue or "", venue or "")
