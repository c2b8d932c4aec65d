"""Reports and records as .xlsx (`contactbot report … --format xlsx`, the console's downloads, the monthly
file `[report]` sends): Chinese headings, rates as numbers formatted as percentages.

The progress report (a school's or a department's) has four sheets: 学校汇总, 领导干部明细 (a row per
leader), 未完成明细 (each obligation of an ended period that was not met or was excused) and 说明; over
several schools (the province's), 学校汇总 has a row per school and a total, and 未完成明细 is left to each
school's own report and the JSON. A leader's record has 汇总, 任务完成情况 (every rule in every period) and
联系记录.

Example: `report_workbook(build_report(db, settings, now, term), tz)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from bot.contacts.records import KIND_ZH, VENUE_ZH
from bot.rules.catalog import DEFAULT_RULES, Rule
from bot.rules.engine import Obligation, count_text
from bot.rules.leader_record import LeaderRecord, counterparts, summary_pairs
from bot.rules.report_data import STATE_REPORT_ZH, LeaderLine, Rate, Report, SchoolBlock, obligation_state
from bot.sheets import Percent, Sheet, workbook_bytes
from bot.terms.roles import roles_zh

RULE_SHORT_ZH = {
    "weekly_face_to_face": "N1每周面对面接触学生", "semester_ideology_lecture": "N2每学期讲思政课",
    "quarterly_mentee_talk": "N7每季度与联系对象交流", "semester_mentee_activity": "N8每学期参与联系对象工作",
    "monthly_chief_contact": "N4中层正职每月联系学生", "weekly_frontline_share": "N5一线工作时间过半",
}
CONFIRMATION_ZH = {"none": "", "pending": "待确认", "unconfirmed": "未确认", "confirmed": "已确认", "disputed": "有异议"}
COUNT_HEADERS = ("联系记录", "面对面接触学生（含讲课、参与工作）", "其中讲授思政课", "其中参与联系对象工作",
                 "与联系对象面对面交流", "深入一线（半天）", "线上联系（不计入面对面）")
MARK_HEADERS = ("补记", "有异议", "未确认", "有照片的记录", "有位置的记录")


def _rules(report: Report) -> list[Rule]:
    """The rules in force in any of the report's schools, in the catalog's order."""
    ids = {r.id for block in report.schools for r in block.rules}
    return [r for r in DEFAULT_RULES if r.id in ids]


def _percent(rate: Rate | None) -> Percent | None:
    value = rate.value if rate is not None else None
    return Percent(value) if value is not None else None


def _counts(block_or_line: SchoolBlock | LeaderLine) -> list[Any]:
    c = block_or_line.counts
    return [c.records, c.face_to_face, c.n("ideology_lecture"), c.n("mentee_activity"), c.n("mentee_talk"),
            round(c.half_days, 1), c.n("online")]


def _marks(block_or_line: SchoolBlock | LeaderLine) -> list[Any]:
    c = block_or_line.counts
    return [c.backdated, c.disputed, c.unconfirmed, c.photos, c.located]


def school_headers(rules: list[Rule]) -> tuple[str, ...]:
    return ("学校", "统计期间", "校领导", "中层正职", "学工负责人", *COUNT_HEADERS, "面对面占比",
            *(f"{RULE_SHORT_ZH[r.id]}达标率" for r in rules), "各项要求总体达标率", "外出免除（项）", *MARK_HEADERS,
            "学生反映问题", "已答复", "已办结", "按期办结", "超期未办结", "共性问题")


def school_cells(block: SchoolBlock, report: Report, rules: list[Rule]) -> list[Any]:
    """One school's summary row (or the total's)."""
    c = block.counts
    share = c.face_to_face / (c.face_to_face + c.n("online")) if c.face_to_face + c.n("online") else None
    rates = block.rates
    q = block.concerns
    return [block.name, report.term.label, block.with_role("school_leader"), block.with_role("middle_chief"),
            block.with_role("student_affairs_head"), *_counts(block), Percent(share) if share is not None else None,
            *(_percent(rates.get(r.id)) for r in rules), _percent(rates["all"]), rates["all"].excused, *_marks(block),
            q.raised, q.answered, q.resolved, q.in_time, q.overdue, q.groups]


def leader_headers(rules: list[Rule]) -> tuple[str, ...]:
    per_rule = [h for r in rules for h in (f"{RULE_SHORT_ZH[r.id]}（已完成）", f"{RULE_SHORT_ZH[r.id]}（应完成）")]
    return ("学校", "账号", "姓名", "部门", "职务", "角色", *COUNT_HEADERS, "联系的辅导员/思政课教师", *per_rule,
            "各项要求达标率", "未完成（项）", "外出免除（项）", "本期已完成（项，周期未结束）", "本期进行中（项）",
            *MARK_HEADERS)


def leader_cells(line: LeaderLine, rules: list[Rule]) -> list[Any]:
    """One leader's row."""
    p, rates = line.person, line.rates
    per_rule: list[Any] = []
    for r in rules:
        rate = rates.get(r.id)
        per_rule += [rate.met, rate.due] if rate is not None else [None, None]
    total = rates["all"]
    return [line.school.name, p.userid, p.name, p.department, p.title, roles_zh(p.roles), *_counts(line),
            "、".join(line.mentees), *per_rule, _percent(total), total.due - total.met,
            total.excused, total.met_early, total.in_progress, *_marks(line)]


OBLIGATION_HEADERS = ("要求", "期间", "起止", "联系对象", "应完成", "已完成", "状态", "说明")


def obligation_cells(o: Obligation) -> list[Any]:
    """One rule in one period: what was required and done, and its state."""
    unit = "个半天" if o.rule.share else "次"
    return [f"{o.rule.clause} {o.rule.title}", o.period.label, f"{o.period.start} 至 {o.period.last_day}",
            o.mentee.name if o.mentee is not None else "", f"{count_text(o.required)}{unit}",
            f"{count_text(o.done)}{unit}", STATE_REPORT_ZH[obligation_state(o)], o.note]


def _shortfalls(report: Report) -> Iterable[list[Any]]:
    for line in report.leaders:
        for o in line.obligations:
            if o.ended and obligation_state(o) in ("not_met", "excused"):
                yield [line.school.name, line.person.userid, line.person.name, line.person.department,
                       *obligation_cells(o)]


NOTES = (
    ("面对面接触学生", "进课堂、班级、宿舍、食堂、社团、讲座等与学生当面接触，含本人讲授思政课或形势与政策课、参加辅导员/思政课教师"
                    "组织的班会、谈心、课堂教学（N1 的口径）；线上（键对键）联系单列，不计入面对面"),
    ("达标率", "按通知规定的周期计：每个教学周（N1、N5）、每月（N4）、每季度每位联系对象（N7）、每学期（N2；N8 每位联系对象）。"
             "达标率 = 已完成 ÷ 应完成；应完成只计已经结束的周期，本周、本月等尚未结束的周期记为“进行中”，不计入"),
    ("外出免除", "因出差等外出（本人报备“暂停提醒”）使该周期工作日少于规定天数的，记为外出免除，不计入应完成"),
    ("教学周", "学期内、非假期周、工作日不少于规定天数的周；节假日和调休按国家安排及学校配置"),
    ("联系对象", "校领导、中层正职直接联系的辅导员/思政课教师（N6），以周期末（或统计日）仍在联系的为准"),
    ("补记/有异议/未确认", "补记：事后超过规定天数登记；有异议、未确认：被联系的辅导员/思政课教师对谈话或参与工作的记录提出异议或尚未确认"
                        "（均仍计入并标注）"),
)


def report_workbook(report: Report, tz: ZoneInfo) -> bytes:
    """The progress report as .xlsx."""
    rules = _rules(report)
    summary = [school_cells(block, report, rules) for block in report.schools]
    if len(report.schools) > 1:
        summary.append(school_cells(report.total, report, rules))
    if report.department:
        summary = [[f"{report.schools[0].name} {report.department}", *row[1:]] for row in summary]
    notes = [("报表", report.title),
             ("统计期间", f"{report.term.label}（{report.term.start.isoformat()} 至 {report.term.last.isoformat()}）"),
             ("生成时间", report.generated_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")), *NOTES]
    sheets = [Sheet("学校汇总", school_headers(rules), summary),
              Sheet("领导干部明细", leader_headers(rules), (leader_cells(line, rules) for line in report.leaders))]
    if len(report.schools) == 1:  # over several schools, each one's own report (and the JSON) has the detail
        sheets.append(Sheet("未完成明细", ("学校", "账号", "姓名", "部门", *OBLIGATION_HEADERS), _shortfalls(report)))
    else:
        notes.append(("未完成明细", "多校汇总不列逐项明细；选择某一学校下载该校报表，或下载 JSON，可见每人每个周期的完成情况"))
    return workbook_bytes([*sheets, Sheet("说明", ("项目", "说明"), notes, widths=(16, 100))])


RECORD_HEADERS = ("编号", "日期", "类型", "场所", "地点/班级/社团", "学生人数", "联系对象", "内容", "确认状态", "补记",
                  "佐证照片", "位置", "收到时间", "原始消息")


def record_workbook(record: LeaderRecord, tz: ZoneInfo, words: bool = True) -> bytes:
    """A leader's record (N19) as .xlsx: the summary, every obligation in every period, every record (without
    `words`, the access matrix's record words: no message, and the students named are not named)."""
    rows = [[c.id, c.occurred_on, KIND_ZH.get(c.kind, c.kind), VENUE_ZH.get(c.venue or "", ""),
             " ".join(x for x in (c.place, c.group_name) if x), c.students or "", counterparts(c, words),
             list(c.topics), CONFIRMATION_ZH.get(c.confirmation, ""), c.backdated,
             sum(e.kind == "image" for e in c.evidence) or "",
             "；".join(e.label or f"{e.latitude},{e.longitude}" for e in c.evidence if e.kind == "location"),
             c.received_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), c.source_text if words else ""]
            for c in record.contacts]
    return workbook_bytes([
        Sheet("汇总", ("项目", "内容"), summary_pairs(record), widths=(30, 80)),
        Sheet("任务完成情况", OBLIGATION_HEADERS, (obligation_cells(o) for o in record.line.obligations),
              widths=(34, 22, 24, 10, 10, 10, 10, 40)),
        Sheet("联系记录", RECORD_HEADERS, rows, widths=(8, 12, 16, 10, 20, 8, 20, 30, 10, 6, 8, 16, 17, 50)),
    ])
