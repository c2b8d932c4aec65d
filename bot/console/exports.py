"""Downloads, each limited to the viewer's scope: the progress report for the province (N21; a province
account gets one report over all its schools), a leader's record for a term or year (N19), the
records (N16, through bot/records_export.py) and the concerns (through bot/concerns/export.py: an
anonymous sender never appears).

Example: GET /console/exports/progress.xlsx?term=semester:2026-08-31
"""

from __future__ import annotations

import io
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
from bot.console.reports import (
    Term,
    leader_record,
    leader_record_workbook,
    progress_workbook,
    resolve_term,
    term_choices,
)
from bot.console.sheets import CSV_MIME, XLSX_MIME, Sheet, csv_bytes, workbook_bytes
from bot.models import Concern, Person, School
from bot.records_export import record_rows, write_records

FORMATS = ("xlsx", "csv")


def show_exports() -> str:
    """List the downloads the viewer may take, with the term to report on."""
    today = g.deps.today()
    return render_template("console/exports.html", terms=term_choices(g.deps.settings, today),
                           person_id=g.viewer.person_id)


def _term() -> Term:
    term = resolve_term(g.deps.settings, request.args.get("term", ""), g.deps.today())
    if term is None:
        abort(404)
    return term


def _scope_name() -> str:
    """Name the files after the school in view (or 全省 for several)."""
    school_id = g.scope.single_school
    if school_id is None:
        return "全部学校"
    school = g.db.get(School, school_id)
    name = school.name if school else ""
    return f"{name}-{g.viewer.department}" if g.viewer.role == DEPARTMENT_HEAD else name


def _download(data: bytes, mimetype: str, name: str) -> Response:
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


def progress_xlsx() -> Response:
    """The progress report: a school summary and one row per leader (province: all schools, with a total)."""
    scope, deps = g.scope, g.deps
    term = _term()
    now = deps.clock()
    data = progress_workbook(g.db, deps.settings, scope, term, now, deps.today(now),
                             whole_schools=g.viewer.role != DEPARTMENT_HEAD)
    write_audit("export.progress", f"progress.xlsx?term={term.key}", {"schools": list(scope.school_ids)},
                scope.single_school)
    return _download(data, XLSX_MIME, f"工作进展报表-{_scope_name()}-{term.label}.xlsx")


def person_record_xlsx(person_id: int) -> Response:
    """One leader's record for a term or year."""
    person: Person = visible_or_403(g.db, Person, person_id, g.scope.people())
    if not person_visible(g.viewer, person):
        abort(403)
    term = _term()
    record = leader_record(g.db, g.deps.settings, person, term, g.deps.today())
    write_audit("export.person_record", f"person#{person.id}", {"person_id": person.id, "term": term.key},
                person.school_id)
    return _download(leader_record_workbook(record, g.deps.settings, record_view(g.viewer).words), XLSX_MIME,
                     f"联系工作记录-{person.name}-{term.label}.xlsx")


def records_file(fmt: str) -> Response:
    """The records in view with the records page's filters, in bot/records_export.py's columns."""
    if fmt not in FORMATS:
        abort(404)
    db, scope = g.db, g.scope
    f = filter_from_request()
    words = record_view(g.viewer).words
    rows: list[dict[str, Any]] = []
    for school in db.scalars(select(School).where(scope.schools()).order_by(School.id)):
        userids = set(db.scalars(select(Person.userid).where(scope.people(), Person.school_id == school.id,
                                                             *([Person.id == f.person_id] if f.person_id else []))))
        if userids:
            rows += [r for r in record_rows(db, school, g.deps.settings, f.date_from, words=words)
                     if f.matches(r, userids)]
    write_audit("export.records", f"records.{fmt}", {"rows": len(rows), "words": words}, scope.single_school)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"records.{fmt}"
        write_records(iter(rows), fmt, out)
        data = out.read_bytes()
    stamp = g.deps.today().isoformat()
    return _download(data, XLSX_MIME if fmt == "xlsx" else CSV_MIME, f"联系记录-{_scope_name()}-{stamp}.{fmt}")


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
