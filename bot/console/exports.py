"""Downloads, each limited to the viewer's scope: the progress report for the province (N21; a province
account gets one report over all its schools, a department head their department's summary for 述职评议)
and a leader's record for a semester or year (N19) — both as .xlsx or JSON, built as `contactbot report`
builds them — the records (N16, through bot/contacts/export.py; with the evidence photos as a .zip) and the
concerns (through bot/concerns/export.py: an anonymous sender never appears).

Example: GET /console/exports/progress.xlsx?term=semester:2026-08-31
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any

from flask import abort, g, render_template, request, send_file
from sqlalchemy import select
from werkzeug.wrappers import Response

from bot.concerns.export import FIELDS as CONCERN_FIELDS
from bot.concerns.export import HEADERS_ZH as CONCERN_HEADERS
from bot.concerns.export import concern_rows
from bot.concerns.render import RATING_ZH
from bot.console import stats
from bot.console.access import (
    cases_for,
    concern_view,
    person_visible,
    record_view,
    redact_concern_row,
    visible_or_403,
)
from bot.console.audit_log import write_audit
from bot.console.concern_board import board_filters
from bot.console.models import DEPARTMENT_HEAD
from bot.console.records import filter_from_request
from bot.console.upstream import view_settings
from bot.contacts.export import record_rows, write_evidence_zip, write_records
from bot.rules.leader_record import leader_record
from bot.rules.report_data import build_report
from bot.rules.report_json import record_json, report_json
from bot.rules.report_xlsx import record_workbook, report_workbook
from bot.rules.school_groups import settings_of
from bot.rules.terms import Term, resolve_term, term_choices
from bot.sheets import CSV_MIME, XLSX_MIME, Sheet, csv_bytes, workbook_bytes
from bot.store.models import Concern, Person, School

FORMATS = ("xlsx", "csv")
JSON_MIME = "application/json"


def show_exports() -> str:
    """List the downloads the viewer may take, with the term to report on."""
    db, scope = g.db, g.scope
    departments: list[str] = []  # whose leaders a department summary can cover (述职评议)
    if scope.viewer.role != DEPARTMENT_HEAD and scope.single_school is not None and scope.whole_schools:
        departments = sorted({p.department for p in stats.leaders(db, scope.people()) if p.department})
    return render_template("console/exports.html", terms=term_choices(view_settings(), g.deps.today()),
                           person_id=g.viewer.person_id, departments=departments)


def _term() -> Term:
    term = resolve_term(view_settings(), request.args.get("term", ""), g.deps.today())
    if term is None:
        abort(404)
    return term


def _scope_name() -> str:
    """Name the files after the school in view (or 全部学校 for several)."""
    school_id = g.scope.single_school
    if school_id is None:
        return "全部学校"
    school = g.db.get(School, school_id)
    name = school.name if school else ""
    return f"{name}-{g.viewer.department}" if g.viewer.role == DEPARTMENT_HEAD else name


def _download(data: bytes, mimetype: str, name: str) -> Response:
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def progress_xlsx() -> Response:
    """The progress report as .xlsx."""
    return _progress("xlsx")


def progress_json() -> Response:
    """The progress report as JSON."""
    return _progress("json")


def _progress(fmt: str) -> Response:
    """The progress report: a school summary, one row per leader and the shortfalls (province: all schools,
    with a total; a department head, or an admin asking for ?department=: that department's summary)."""
    scope, deps = g.scope, g.deps
    term = _term()
    department = g.viewer.department if g.viewer.role == DEPARTMENT_HEAD else request.args.get("department") or None
    if department and scope.single_school is None:
        abort(400, "请先选择学校，再选择部门。")
    report = build_report(g.db, deps.settings, deps.clock(), term, scope.school_ids, department=department)
    write_audit("export.progress", f"progress.{fmt}?term={term.key}",
                {"schools": list(scope.school_ids), "department": department}, scope.single_school)
    name = f"工作进展报表-{_scope_name()}{'-' + department if department and g.viewer.role != DEPARTMENT_HEAD else ''}"
    if fmt == "json":
        return _download(_json(report_json(report, deps.settings.tz)), JSON_MIME, f"{name}-{term.label}.json")
    return _download(report_workbook(report, deps.settings.tz), XLSX_MIME, f"{name}-{term.label}.xlsx")


def person_record_xlsx(person_id: int) -> Response:
    """One leader's record for a term or year (N19) as .xlsx."""
    return _person_record(person_id, "xlsx")


def person_record_json(person_id: int) -> Response:
    """One leader's record for a term or year (N19) as JSON."""
    return _person_record(person_id, "json")


def _person_record(person_id: int, fmt: str) -> Response:
    person: Person = visible_or_403(g.db, Person, person_id, g.scope.people())
    if not person_visible(g.viewer, person):
        abort(403)
    settings = settings_of(g.db, g.deps.settings, person.school_id)
    term = resolve_term(settings, request.args.get("term", ""), g.deps.today())
    if term is None:
        abort(404)
    record = leader_record(g.db, settings, g.deps.clock(), person, term)
    write_audit("export.person_record", f"person#{person.id}",
                {"person_id": person.id, "term": term.key, "format": fmt}, person.school_id)
    words = record_view(g.viewer).words
    name = f"联系工作记录-{person.name}-{term.label}"
    if fmt == "json":
        return _download(_json(record_json(record, settings.tz, words)), JSON_MIME, f"{name}.json")
    return _download(record_workbook(record, settings.tz, words), XLSX_MIME, f"{name}.xlsx")


def records_file(fmt: str) -> Response:
    """The records in view with the records page's filters, in bot/contacts/export.py's columns; as .zip, the
    .xlsx with the evidence photos named by record id (N16)."""
    if fmt not in (*FORMATS, "zip"):
        abort(404)
    db, scope = g.db, g.scope
    f = filter_from_request()
    view = record_view(g.viewer)
    words = view.words
    if fmt == "zip" and not view.evidence:
        abort(403)  # the photos are students' faces and rooms: not for who may not see evidence
    rows: list[dict[str, Any]] = []
    for school in db.scalars(select(School).where(scope.schools()).order_by(School.id)):
        userids = set(db.scalars(select(Person.userid).where(scope.people(), Person.school_id == school.id,
                                                             *([Person.id == f.person_id] if f.person_id else []))))
        if userids:
            rows += [r for r in record_rows(db, school, g.deps.settings, f.date_from, words=words,
                                            evidence=view.evidence) if f.matches(r, userids)]
    write_audit("export.records", f"records.{fmt}", {"rows": len(rows), "words": words}, scope.single_school)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"records.{fmt}"
        if fmt == "zip":
            write_evidence_zip(db, g.deps.settings, g.deps.keyring, rows, out)
        else:
            write_records(iter(rows), fmt, out)
        data = out.read_bytes()
    stamp = g.deps.today().isoformat()
    mime = {"xlsx": XLSX_MIME, "csv": CSV_MIME, "zip": "application/zip"}[fmt]
    what = "联系记录及佐证材料" if fmt == "zip" else "联系记录"
    return _download(data, mime, f"{what}-{_scope_name()}-{stamp}.{fmt}")


def concerns_file(fmt: str) -> Response:
    """The tickets in view (status and category filters as on the board), in the columns of
    `contactbot concerns export` (bot/concerns/export.py), which leaves anonymous senders blank."""
    if fmt not in FORMATS:
        abort(404)
    db, scope, now = g.db, g.scope, g.deps.clock()
    where = board_filters(scope.concerns(), request.args.get("status", ""), request.args.get("category", ""), now)
    wanted = {c.id: c for c in db.scalars(select(Concern).where(*where))}
    cases = cases_for(db, g.viewer, g.deps.settings)
    rows: list[list[Any]] = []
    for school in db.scalars(select(School).where(School.id.in_({c.school_id for c in wanted.values()}))
                             .order_by(School.id)):
        for row in concern_rows(db, school, g.deps.settings):
            if row["id"] in wanted:
                shown = redact_concern_row(row, concern_view(g.viewer, cases, wanted[row["id"]]))
                rows.append([school.name, *(concern_cell(shown[f], f) for f in CONCERN_FIELDS)])
    write_audit("export.concerns", f"concerns.{fmt}", {"rows": len(rows)}, scope.single_school)
    headers = ("学校", *CONCERN_HEADERS)
    name = f"问题反映-{_scope_name()}-{g.deps.today().isoformat()}.{fmt}"
    if fmt == "csv":
        return _download(csv_bytes(headers, rows), CSV_MIME, name)
    return _download(workbook_bytes([Sheet("问题反映", headers, rows)]), XLSX_MIME, name)


def concern_cell(value: Any, name: str) -> Any:
    """Return one cell of a ticket's row, as the concerns export writes it."""
    if name == "replies":
        return "\n".join(f"{r['at']} {r['by']}：{r['text']}" for r in value)
    if name == "rating":
        return RATING_ZH.get(value, "") if value else ""
    return value
