"""Spreadsheet and CSV files for the console's downloads, built in memory.

The .xlsx is written directly (a zip of a few XML parts, text as inline strings, a bold frozen header):
openpyxl without lxml needs ~15 s for the province report's 600,000 cells, this ~1 s, and Excel, WPS and
openpyxl open it alike. Text cells are typed as text, so a student's "=HYPERLINK(…)" never runs as a
formula; CSV cells that a spreadsheet would run are quoted with '.

A rate is a `Percent`: stored as the number (0.875) and shown as a percentage (87.5%), so a province can
sort, sum and chart it.

Example: `workbook_bytes([Sheet("学校汇总", headers, rows)])`; `csv_bytes(headers, rows)` (UTF-8 with BOM).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape, quoteattr

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class Percent(float):
    """A rate between 0 and 1, written as a number formatted as a percentage."""


PERCENT_STYLE = 2  # the cellXfs entry below with the 0.0% number format


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()


def cell_value(value: Any) -> Any:
    """Return what a cell holds: lists joined with ；, booleans as 是/blank, dates as ISO text."""
    if isinstance(value, (list, tuple)):
        return "；".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Percent):
        return float(value)
    return value


@lru_cache(maxsize=256)
def column(index: int) -> str:
    """Return a column's letters: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: Any, style: int = 0) -> str:
    """Return one cell's XML ("" for an empty cell); the common types take the short path."""
    kind = type(value)
    if kind is Percent:
        style, value, kind = PERCENT_STYLE, float(value), float
    elif kind is not str and kind is not int and kind is not float:
        value = cell_value(value)
        kind = type(value)
    if value is None or value == "":
        return ""
    s = f' s="{style}"' if style else ""
    if kind is int or kind is float:
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    text = str(value)
    if not text.isprintable():  # newlines are fine in XML; control characters are not
        text = _NOT_XML.sub("", text)
    if "&" in text or "<" in text or ">" in text:
        text = escape(text)
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet_xml(spec: Sheet) -> str:
    widths = spec.widths or [max(8, min(40, 2 * len(h) + 4)) for h in spec.headers]
    parts = [_HEAD, f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">',
             '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
             'state="frozen"/></sheetView></sheetViews><cols>']
    parts += [f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1)]
    parts.append('</cols><sheetData><row r="1">')
    parts += [_cell(f"{column(i)}1", h, style=1) for i, h in enumerate(spec.headers)]
    parts.append("</row>")
    letters = [column(i) for i in range(max(len(spec.headers), 1) + 64)]
    for n, row in enumerate(spec.rows, 2):
        parts.append(f'<row r="{n}">')
        parts += [_cell(f"{letters[i] if i < len(letters) else column(i)}{n}", v) for i, v in enumerate(row)]
        parts.append("</row>")
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


_STYLES = (f'{_HEAD}<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/>'
           '</numFmts><fonts count="2"><font><sz val="11"/><name val="宋体"/></font>'
           '<font><b/><sz val="11"/><name val="宋体"/></font></fonts><fills count="2"><fill><patternFill '
           'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1">'
           '<border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" '
           'fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" '
           'borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """Return an .xlsx with one worksheet per Sheet, its first row bold and frozen."""
    n = len(sheets)
    types = [f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
             '<Default Extension="xml" ContentType="application/xml"/>',
             '<Override PartName="/xl/workbook.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>',
             '<Override PartName="/xl/styles.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>']
    types += [f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
              for i in range(1, n + 1)]
    types.append("</Types>")
    sheets_xml = "".join(f'<sheet name={quoteattr(_NOT_XML.sub("", s.title)[:31])} sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(sheets, 1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, n + 1))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "".join(types))
        z.writestr("_rels/.rels", f'{_HEAD}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
                                  f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{sheets_xml}'
                                      "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", f'{_HEAD}<Relationships xmlns="{_PKG}">{rels}<Relationship '
                                                 f'Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
                                                 "</Relationships>")
        z.writestr("xl/styles.xml", _STYLES)
        for i, spec in enumerate(sheets, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(spec))
    return buf.getvalue()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Return CSV as UTF-8 with a BOM (Excel on Chinese Windows needs it); formula-like text quoted with '."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _csv_cell(value: Any) -> Any:
    value = cell_value(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
