"""The weekly digest as an .xlsx workbook (N16, N19, N21): the full per-leader table and every list the
markdown had to cut, one sheet each. The outbox attaches it to the admins' digest.

Example: `write_xlsx(digest, Path("instance/digests/default/2026-W47.xlsx"))`.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from bot.rules.digest_data import COLUMNS, Digest

BOLD = Font(bold=True)


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[object]]) -> Worksheet:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = BOLD
    for row in rows:
        ws.append(row)
    for i, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[i - 1])) for r in rows if len(r) >= i] or [8])
        ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, max(8, width * 2))
    ws.freeze_panes = "A2"
    return ws


def write_xlsx(d: Digest, path: Path) -> Path:
    """Write the digest workbook to `path` (folders created) and return the path."""
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "说明"
    summary.append([d.title])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([f"生成日期：{d.generated_on.isoformat()}；统计周：{d.week.key}（{d.week.label}）"])
    summary.append([f"本周与学生面对面 {d.in_person} 次，线上 {d.online} 次（线上不计入面对面）"])
    for w in d.warnings:
        summary.append([w])
    summary.append(["标记说明：✔ 已完成；— 不作要求（非教学周或不在学期内）；外出 因外出免除；补记/有异议/未确认的记录仍然计入。"])
    summary.column_dimensions["A"].width = 100
    for row in summary.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True)
    titles = [title for _, title in COLUMNS]
    _sheet(wb, "联系情况", ["姓名", "账号", "部门", "角色", *titles, "本周面对面次数", "覆盖学生", "线上次数", "尚有欠缺"],
           [[r.name, r.userid, r.department, r.roles, *[r.cells.get(k, "") for k, _ in COLUMNS], r.contacts,
             r.students, r.online, "；".join(r.gaps)] for r in d.rows])
    _sheet(wb, "尚有欠缺", ["姓名", "部门", "欠缺"], [[r.name, r.department, gap] for r in d.behind for gap in r.gaps])
    _sheet(wb, "联系方式", ["方式", "次数"], [[name, n] for name, n in d.venues])
    _sheet(wb, "需关注的记录", ["记录编号", "姓名", "日期", "类型", "标记"],
           [[f.contact_id, f.name, f.day.isoformat(), f.what, "，".join(f.flags)] for f in d.flagged])
    _sheet(wb, "暂停提醒", ["情况"], [[p] for p in d.pauses])
    _sheet(wb, "值得推广", ["事例"], [[e] for e in d.examples])
    if d.concerns:
        _sheet(wb, "学生反映", ["情况"], [[c] for c in d.concerns])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
