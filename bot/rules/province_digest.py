"""The province's weekly digest over every school of a deployment (N15, N21): each school's in-person and
online contacts of the week, its leaders' weekly face-to-face rate (N1) for the week and its rate over all
obligations this semester so far, and the schools with the highest rates named as good practice to spread.
Built from the same reports as `contactbot report province`.

Example first lines: "# 全省高校基层联系周报（11月16日–22日）\n**值得推广**\n- 示例大学：本学期各项要求达标率 85.0%…".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.rules.digest_render import NO_LIMIT, fit_section
from bot.rules.report_data import Rate, build_report
from bot.rules.terms import current_semester, range_term
from bot.schedule.periods import Period

N1 = "weekly_face_to_face"


def percent(rate: Rate | None) -> str:
    """"85.0%", or "—" when nothing is due."""
    value = rate.value if rate is not None else None
    return f"{100 * value:.1f}%" if value is not None else "—"


@dataclass(frozen=True)
class SchoolLine:
    """One school's week and semester so far."""

    code: str
    name: str
    face_to_face: int
    online: int
    week_n1: Rate
    semester: Rate  # every obligation of the semester's ended periods
    semester_n1: Rate

    def text(self) -> str:
        return (f"{self.name}：本周面对面 {self.face_to_face} 次、线上 {self.online} 次，校领导每周面对面 "
                f"{percent(self.week_n1)}；本学期各项要求达标率 {percent(self.semester)}")


@dataclass
class ProvinceDigest:
    """The province's digest of one week."""

    week: Period
    term_label: str
    lines: list[SchoolLine] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)  # the schools with the highest rates (N15)

    @property
    def title(self) -> str:
        return f"全省高校基层联系周报（{self.week.label}）"


def build_province_digest(db: Session, settings: Settings, week: Period, now: datetime) -> ProvinceDigest:
    """Build the digest of one week over every school (two reports: the week, and the semester so far)."""
    week_report = build_report(db, settings, now, range_term(week.start, week.last_day), concerns=False)
    term = current_semester(settings, week.last_day)
    so_far = {b.code: b for b in build_report(db, settings, now, term, concerns=False).schools}
    digest = ProvinceDigest(week, term.label)
    for block in week_report.schools:
        semester = so_far[block.code].rates
        digest.lines.append(SchoolLine(block.code, block.name, block.counts.face_to_face, block.counts.n("online"),
                                       block.rates.get(N1, Rate()), semester["all"], semester.get(N1, Rate())))
    ranked = sorted((line for line in digest.lines if line.semester.due),
                    key=lambda line: (-(line.semester.value or 0), -(line.week_n1.value or 0), line.name))
    digest.examples = [f"{line.name}：本学期各项要求达标率 {percent(line.semester)}（校领导每周面对面 "
                       f"{percent(line.semester_n1)}）" for line in ranked[:settings.digest.examples]]
    return digest


def render_province_markdown(d: ProvinceDigest, limit: int | None = None) -> str:
    """Render the province's digest as WeCom markdown within `limit` bytes."""
    limit = limit or NO_LIMIT
    total_f2f = sum(line.face_to_face for line in d.lines)
    total_online = sum(line.online for line in d.lines)
    out = [f"# {d.title}", f"> {len(d.lines)} 所学校本周与学生面对面 **{total_f2f}** 次，线上 **{total_online}** 次（不计入面对面）",
           f"> 达标率按通知规定的周期计，{d.term_label}截至本周"]
    footer = ["完整报表：contactbot report province，或管理台“导出”。"]
    reserve = len("\n".join(footer).encode("utf-8")) + 1
    fit_section(out, "**值得推广**（本学期达标率最高）", d.examples, limit, reserve, "所")
    ordered = sorted(d.lines, key=lambda line: (-(line.semester.value or 0), line.name))
    fit_section(out, "**各校情况**", [line.text() for line in ordered], limit, reserve, "所")
    return "\n".join(out + footer)
