"""Records export: one row per contact record, for the school's work records (N16) and appraisal (N19); with
the evidence photos (N20), a .zip of the records' .xlsx and each photo named by its record's id.

Example: `contactbot records export --format xlsx -o records.xlsx --since 2026-09-01`;
`contactbot records export --with-evidence -o 材料.zip` holds 联系记录.xlsx and 照片/12-1.jpg, 照片/12-2.jpg, ….
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.config import Settings
from bot.contacts.evidence import evidence_file
from bot.contacts.records import KIND_ZH, VENUE_ZH
from bot.store.crypto import Keyring
from bot.store.models import Contact, ContactCounterpart, Evidence, Person, School
from bot.terms.roles import LEADER_ROLES, MENTEE_ROLES

FIELDS = ("school", "id", "userid", "name", "department", "date", "kind", "kind_zh", "venue", "venue_zh", "place",
          "group", "students", "counterparts", "topics", "backdated", "confirmation", "channel",
          "received_at", "photos", "location", "source_text")
HEADERS_ZH = ("学校", "编号", "账号", "姓名", "部门", "日期", "类型", "类型（中文）", "场所", "场所（中文）", "地点",
              "班级/社团", "学生人数", "联系对象", "内容", "补记", "确认状态", "渠道", "收到时间", "佐证照片", "位置",
              "原始消息")
STAFF_NAMED = LEADER_ROLES | MENTEE_ROLES  # named to anyone who sees the records; others only with their words
STUDENT_UNNAMED = "学生"
CONFIRMATION_ZH = {"none": "", "pending": "待确认", "unconfirmed": "未确认", "confirmed": "已确认", "disputed": "有异议"}
PHOTO_FOLDER = "照片"
NOT_FETCHED = "（未取回）"


def photo_names(contact_id: int, evidence: Iterable[Evidence]) -> list[tuple[str, Evidence]]:
    """Name a record's photos by its id, in the order they came: "12-1.jpg", "12-2.jpg"."""
    photos = sorted((e for e in evidence if e.kind == "image"), key=lambda e: (e.at, e.id))
    return [(f"{contact_id}-{i}{Path(e.stored_path or '').suffix or '.jpg'}", e) for i, e in enumerate(photos, 1)]


def _location(evidence: Iterable[Evidence]) -> str:
    return "；".join(f"{e.label or ''}（{e.latitude:.5f}, {e.longitude:.5f}）".lstrip() if e.latitude is not None
                    and e.longitude is not None else (e.label or "") for e in evidence if e.kind == "location")


def record_rows(db: Session, school: School, settings: Settings, since: date | None = None,
                words: bool = True, evidence: bool = True) -> Iterator[dict[str, Any]]:
    """Yield one dict per live record of the school, oldest first. Without `words` (the access matrix's
    record words: the province) the message is left out and the students named are not named; without
    `evidence` (its record evidence) the photos and locations are left out."""
    query = (
        select(Contact, Person)
        .join(Person, Person.id == Contact.person_id)
        .where(Contact.school_id == school.id, Contact.deleted_at.is_(None))
        .options(selectinload(Contact.counterparts).selectinload(ContactCounterpart.person),
                 selectinload(Contact.evidence))
        .order_by(Contact.occurred_on, Contact.id)
    )
    if since is not None:
        query = query.where(Contact.occurred_on >= since)
    for contact, person in db.execute(query):
        yield {
            "school": school.name, "id": contact.id, "userid": person.userid, "name": person.name, "department": person.department,
            "date": contact.occurred_on.isoformat(), "kind": contact.kind, "kind_zh": KIND_ZH.get(contact.kind, ""),
            "venue": contact.venue, "venue_zh": VENUE_ZH.get(contact.venue or "", ""), "place": contact.place,
            "group": contact.group_name, "students": contact.students,
            "counterparts": [c.person.name if words or c.person.roles & STAFF_NAMED else STUDENT_UNNAMED
                             for c in contact.counterparts], "topics": list(contact.topics),
            "backdated": contact.backdated, "confirmation": contact.confirmation, "channel": contact.channel,
            "received_at": contact.received_at.astimezone(settings.tz).isoformat(timespec="seconds"),
            "photos": [name if e.stored_path else name + NOT_FETCHED for name, e in photo_names(contact.id, contact.evidence)]
            if evidence else [],
            "location": _location(contact.evidence) if evidence else "", "source_text": contact.source_text if words else "",
        }


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else ""
    return value


def write_records(rows: Iterator[dict[str, Any]], fmt: str, out: Path | None) -> int:
    """Write rows as jsonl, csv or xlsx to a file (or stdout for text formats); return the count."""
    count = 0
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        if out is None:
            raise ValueError("xlsx needs -o FILE")
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("联系记录")
        ws.append(list(HEADERS_ZH))
        for row in rows:
            values = [_cell(row[f]) for f in FIELDS]
            values[FIELDS.index("confirmation")] = CONFIRMATION_ZH.get(row["confirmation"], row["confirmation"])
            cells = []
            for value in values:
                cell = WriteOnlyCell(ws, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # a message starting with "=" stays text, never a formula
                cells.append(cell)
            ws.append(cells)
            count += 1
        wb.save(out)
        return count
    buf = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(FIELDS)
        for row in rows:
            writer.writerow([_cell(row[f]) if isinstance(row[f], list) else row[f] for f in FIELDS])
            count += 1
    else:
        for row in rows:
            buf.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    text = buf.getvalue()
    if out is None:
        import sys

        sys.stdout.write(text)
    else:
        # Excel opens a BOM-marked UTF-8 CSV correctly; JSON lines stay plain UTF-8.
        out.write_text(("\ufeff" if fmt == "csv" else "") + text, encoding="utf-8")
    return count


def write_evidence_zip(db: Session, settings: Settings, keyring: Keyring, rows: Iterable[dict[str, Any]],
                       out: Path) -> tuple[int, int]:
    """Write a .zip of the rows' .xlsx (联系记录.xlsx) and every stored photo of theirs under 照片/ (opened from
    their sealed files), named by record id as the rows name them; return (records, photos)."""
    rows = list(rows)
    ids = [row["id"] for row in rows]
    by_contact: dict[int, list[Evidence]] = {}
    for i in range(0, len(ids), 500):
        for e in db.scalars(select(Evidence).where(Evidence.contact_id.in_(ids[i:i + 500]), Evidence.kind == "image")):
            by_contact.setdefault(e.contact_id, []).append(e)
    photos = 0
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        sheet = Path(folder) / "records.xlsx"
        count = write_records(iter(rows), "xlsx", sheet)
        z.write(sheet, "联系记录.xlsx")
        for contact_id in ids:
            for name, evidence in photo_names(contact_id, by_contact.get(contact_id, ())):
                path = evidence_file(settings, evidence)
                if path is not None:
                    z.writestr(f"{PHOTO_FOLDER}/{name}", keyring.open_bytes(path.read_bytes()),
                               compress_type=zipfile.ZIP_STORED)  # JPEGs do not shrink
                    photos += 1
    return count, photos
