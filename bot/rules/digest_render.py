"""The weekly digest as WeCom markdown (admins' and departments'), as a leader's short personal summary,
and as JSON. WeCom refuses markdown over 2048 bytes, so lists are cut to `[digest] markdown_limit`
with "……等N人，详见附件" — the .xlsx holds everything.

Example first lines: "# 示例大学基层联系周报（11月16日–22日）\n> 本周与学生面对面 23 次，线上 5 次……".
"""

from __future__ import annotations

from typing import Any

from bot.rules.digest_data import COLUMNS, Digest, LeaderRow, flagged_line

NO_LIMIT = 10**9


def _size(lines: list[str]) -> int:
    return len("\n".join(lines).encode("utf-8"))


def fit_section(out: list[str], heading: str, items: list[str], limit: int, reserve: int, unit: str,
         bullet: str = "- ") -> None:
    """Append a heading and as many items as fit in `limit` bytes (keeping `reserve` for the end);
    the items cut are counted ("……等3人，详见附件"); a section with no room at all is left out."""
    if not items:
        return
    for keep in range(len(items), -1, -1):
        lines = [heading] + [f"{bullet}{item}" for item in items[:keep]]
        if keep < len(items):
            lines.append(f"……等{len(items) - keep}{unit}，详见附件")
        if _size(out + lines) + reserve <= limit:
            out += lines
            return


def behind_line(r: LeaderRow) -> str:
    return f"{r.name}（{r.department}）：{'；'.join(r.gaps)}"


def render_markdown(d: Digest, limit: int | None = None) -> str:
    """Render the digest as WeCom markdown within `limit` bytes (no limit: everything)."""
    limit = limit or NO_LIMIT
    total = d.in_person + d.online
    share = f"，线上占 {d.online_share:.0%}，不计入面对面" if total else ""
    week_done = sum(1 for r in d.rows if r.cells.get("week", "").startswith("✔"))
    week_bound = sum(1 for r in d.rows if r.cells.get("week", "—") not in ("—", "外出"))
    out = [f"# {d.title}",
           f"> 本周与学生面对面 **{d.in_person}** 次，线上 **{d.online}** 次{share}"]
    if week_bound:
        out.append(f"> 校领导每周面对面：**{week_done}/{week_bound}** 人完成")
    out.append(f"> 应完成联系任务 {len(d.rows)} 人，尚有欠缺 **{len(d.behind)}** 人")
    footer = [f"[查看详情]({d.console_url})"]
    warnings = [f'<font color="warning">{w}</font>' for w in d.warnings]
    reserve = _size(footer + warnings) + 1
    fit_section(out, "**尚有欠缺**", [behind_line(r) for r in d.behind], limit, reserve, "人")
    if d.venues:
        fit_section(out, "**联系方式**", [" · ".join(f"{name} {n}" for name, n in d.venues)], limit, reserve, "项", "")
    if d.flagged:
        counts: dict[str, int] = {}
        for f in d.flagged:
            for flag in f.flags:
                counts[flag] = counts.get(flag, 0) + 1
        summary = "，".join(f"{flag} {n} 条" for flag, n in counts.items())
        fit_section(out, f"**需关注的记录**（{summary}，仍计入）", [flagged_line(f) for f in d.flagged], limit, reserve, "条")
    fit_section(out, "**暂停提醒**", d.pauses, limit, reserve, "条")
    fit_section(out, "**值得推广**", d.examples, limit, reserve, "人")
    fit_section(out, "**学生反映**", d.concerns, limit, reserve, "项")
    return "\n".join(out + warnings + footer)


def render_personal(d: Digest, row: LeaderRow) -> str:
    """A leader's short personal summary of the week (markdown)."""
    cells = " · ".join(f"{title} {row.cells[key]}" for key, title in COLUMNS if key in row.cells)
    lines = [f"**{row.name} · {d.week.label} 联系情况**", cells or "本周没有需要完成的联系任务。"]
    if row.gaps:
        lines.append("还需：" + "；".join(row.gaps))
    else:
        lines.append("各项要求均已完成或不作要求，谢谢！")
    mine = [f for f in d.flagged if f.name == row.name]
    if mine:
        lines.append("需关注：" + "；".join(flagged_line(f) for f in mine[:3]))
    lines.append(f"[查看我的记录]({d.console_url})")
    return "\n".join(lines)


def digest_json(d: Digest) -> dict[str, Any]:
    """The digest as plain JSON-ready data (for `contactbot digest --json`)."""
    return {
        "school": d.school_code, "department": d.department, "week": d.week.key, "label": d.week.label,
        "generated_on": d.generated_on.isoformat(),
        "rows": [{"userid": r.userid, "name": r.name, "department": r.department, "roles": r.roles, **r.cells,
                  "gaps": list(r.gaps), "contacts": r.contacts, "students": r.students, "online": r.online}
                 for r in d.rows],
        "behind": [{"userid": r.userid, "name": r.name, "gaps": list(r.gaps)} for r in d.behind],
        "venues": dict(d.venues), "in_person": d.in_person, "online": d.online,
        "flagged": [{"contact_id": f.contact_id, "name": f.name, "date": f.day.isoformat(), "what": f.what,
                     "flags": list(f.flags)} for f in d.flagged],
        "pauses": d.pauses, "examples": d.examples, "concerns": d.concerns, "warnings": d.warnings,
    }
