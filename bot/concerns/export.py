"""`contactbot concerns export`: one row per ticket — number, category, status, owner, dates, text,
replies, and the sender, or nothing identifying for an anonymous one; a crisis ticket also its case's
state, kind, owner (who acknowledged it), the moment of each step, its outcome and how many chain steps
were paged.

Example: `contactbot concerns export --format xlsx -o concerns.xlsx`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.concerns.models import CrisisCase, CrisisStep
from bot.concerns.render import RATING_ZH, STATUS_ZH
from bot.concerns.routing import CATEGORY_ZH
from bot.config import Settings
from bot.store.models import Concern, Person, School

FIELDS = ("number", "category", "category_zh", "status", "status_zh", "owner_office", "owner", "anonymous",
          "crisis", "abuse", "created_at", "first_response_due", "first_response_at", "resolve_due", "resolved_at",
          "rating", "text", "replies", "sender_userid", "sender_name", "sender_class", "sender_department",
          "crisis_state", "crisis_kind", "crisis_owner", "crisis_alerted_at", "crisis_acknowledged_at",
          "crisis_contacted_at", "crisis_closed_at", "crisis_outcome", "crisis_steps_sent")
HEADERS_ZH = ("编号", "类别", "类别（中文）", "状态", "状态（中文）", "负责部门", "负责人", "匿名", "危机", "标记",
              "提出时间", "首次答复期限", "首次答复时间", "办结期限", "办结时间", "评价", "内容", "处理记录",
              "提问人账号", "提问人姓名", "提问人班级", "提问人部门",
              "危机个案状态", "危机类型", "认领人", "预警时间", "认领时间", "联系时间", "结案时间", "结案结果", "已通知级数")
ROLE_ZH = {"sender": "提问人", "staff": "处理人", "system": "系统"}


def concern_rows(db: Session, school: School, settings: Settings) -> Iterator[dict[str, Any]]:
    """Yield one dict per ticket of the school, by number; anonymous senders stay blank."""
    tz = settings.tz
    people = {p.id: p for p in db.scalars(select(Person).where(Person.school_id == school.id))}
    query = (select(Concern).where(Concern.school_id == school.id).options(selectinload(Concern.messages))
             .order_by(Concern.number))

    def at(value: Any) -> str | None:
        return value.astimezone(tz).isoformat(timespec="seconds") if value is not None else None

    crises = {case.concern_id: case for case in db.scalars(select(CrisisCase).where(CrisisCase.school_id == school.id))}
    steps = {case_id: int(n) for case_id, n in db.execute(
        select(CrisisStep.case_id, func.count()).join(CrisisCase, CrisisCase.id == CrisisStep.case_id)
        .where(CrisisCase.school_id == school.id).group_by(CrisisStep.case_id))}
    for c in db.scalars(query):
        case = crises.get(c.id)
        acknowledger = people.get(case.acknowledged_by or 0) if case else None
        sender = None if c.anonymous else people.get(c.sender_id or 0)
        owner = people.get(c.owner_id) if c.owner_id else None
        replies = []
        for m in c.messages[1:]:  # the first step is the text itself
            author = people.get(m.author_id) if m.author_id else None
            who = ROLE_ZH.get(m.role, m.role) if (m.role == "sender" or author is None) else author.name
            replies.append({"at": at(m.at), "role": m.role, "by": who, "text": m.text})
        yield {
            "id": c.id, "number": c.number, "category": c.category, "category_zh": CATEGORY_ZH.get(c.category, "其他"),
            "status": c.status, "status_zh": STATUS_ZH.get(c.status, c.status), "owner_office": c.owner_office,
            "owner": owner.name if owner else "", "anonymous": c.anonymous, "crisis": c.crisis, "abuse": c.abuse,
            "created_at": at(c.created_at), "first_response_due": at(c.first_response_due),
            "first_response_at": at(c.first_response_at), "resolve_due": at(c.resolve_due),
            "resolved_at": at(c.resolved_at), "rating": c.rating, "text": c.text, "replies": replies,
            "sender_userid": sender.userid if sender else None, "sender_name": sender.name if sender else None,
            "sender_class": sender.class_name if sender else None,
            "sender_department": sender.department if sender else None,
            "crisis_state": case.state if case else None, "crisis_kind": case.kind if case else None,
            "crisis_owner": acknowledger.name if acknowledger else None,
            "crisis_alerted_at": at(case.alerted_at) if case else None,
            "crisis_acknowledged_at": at(case.acknowledged_at) if case else None,
            "crisis_contacted_at": at(case.contacted_at) if case else None,
            "crisis_closed_at": at(case.closed_at) if case else None,
            "crisis_outcome": case.outcome if case else None,
            "crisis_steps_sent": steps.get(case.id, 0) if case else None,
        }


def write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    """Write rows as JSON lines; return how many."""
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_xlsx(rows: Iterator[dict[str, Any]], path: Path) -> int:
    """Write rows to a spreadsheet with Chinese headers; return how many."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "学生反映"
    ws.append(list(HEADERS_ZH))
    count = 0
    for row in rows:
        ws.append([_cell(row[f], f) for f in FIELDS])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a student's "=HYPERLINK(…)" stays text, never a formula
        count += 1
    wb.save(path)
    return count


def _cell(value: Any, name: str) -> Any:
    if name == "replies":
        return "\n".join(f"{r['at']} {r['by']}：{r['text']}" for r in value)
    if name == "rating":
        return RATING_ZH.get(value, "") if value else ""
    if isinstance(value, bool):
        return "是" if value else ""
    return value
