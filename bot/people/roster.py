"""Roster import and export: the school's people, their roles and links, from the spreadsheet
the school already keeps (CSV in UTF-8 with or without BOM, or XLSX).

Example row: `zhaojianguo01,赵建国,school_leader,校领导,,党委书记,wangli01;wangjianjun01`.
An invalid file is refused whole, every problem listed with its line and column.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rules.standing import sync_from_roster
from bot.store.models import AuditLog, Link, Person, PersonRole, School
from bot.terms.roles import ALL_ROLES, LINKING_ROLES, MAX_MENTEES, MENTEE_ROLES, normalise_role

COLUMNS = ("userid", "name", "roles", "department", "class", "title", "mentees")
HEADER_ALIASES = {
    "账号": "userid", "帐号": "userid", "工号": "userid", "学号": "userid", "用户id": "userid",
    "姓名": "name", "角色": "roles", "部门": "department", "单位": "department",
    "班级": "class", "职务": "title", "联系对象": "mentees",
}
REQUIRED = ("userid", "name", "roles")
USERID_RE = re.compile(r"^[A-Za-z0-9_.@\-]{1,64}$")
SPLIT_RE = re.compile(r"[;；,，、]")


class RosterError(Exception):
    """The roster file cannot be read at all (wrong format, no header)."""


@dataclass(frozen=True)
class RosterRow:
    line: int
    userid: str
    name: str
    roles: tuple[str, ...]  # as written; normalised in validate()
    department: str = ""
    class_name: str = ""
    title: str = ""
    mentees: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.line}行 [{self.column}]: {self.message}"


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    reactivated: int = 0
    links_added: int = 0
    links_ended: int = 0
    people: int = 0
    standing: int = 0
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"花名册共 {self.people} 人：新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}，"
            f"停用 {self.deactivated}，恢复 {self.reactivated}；联系关系新增 {self.links_added}，结束 {self.links_ended}"
        )


def split_list(cell: str) -> tuple[str, ...]:
    """Split a ;-separated cell (also full-width ；，、 as Excel users type them)."""
    return tuple(p.strip() for p in SPLIT_RE.split(cell) if p.strip())


def read_roster(path: str | Path) -> tuple[list[RosterRow], list[Problem]]:
    """Read a roster file into rows; header problems come back as Problems on line 1."""
    path = Path(path)
    if not path.exists():
        raise RosterError(f"文件不存在: {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        table = _xlsx_rows(path)
    elif path.suffix.lower() in (".csv", ".txt", ""):
        table = _csv_rows(path)
    else:
        raise RosterError(f"不支持的文件类型 {path.suffix}：请使用 .csv 或 .xlsx")
    if not table:
        raise RosterError("花名册是空的：第一行应为表头 userid,name,roles,department,class,title,mentees")
    header_line, header = table[0]
    index, problems = _map_header(header, header_line)
    rows: list[RosterRow] = []
    for line, cells in table[1:]:
        if not any(c.strip() for c in cells):
            continue

        def cell(col: str, cells: list[str] = cells) -> str:
            i = index.get(col)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        rows.append(
            RosterRow(
                line=line,
                userid=cell("userid"),
                name=cell("name"),
                roles=split_list(cell("roles")),
                department=cell("department"),
                class_name=";".join(split_list(cell("class"))),
                title=cell("title"),
                mentees=split_list(cell("mentees")),
            )
        )
    return rows, problems


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves GBK "CSV"
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise RosterError("无法识别文件编码，请另存为 UTF-8 CSV")
    reader = csv.reader(io.StringIO(text, newline=""))
    out = []
    for cells in reader:
        out.append((reader.line_num, cells))
    return [(line, cells) for line, cells in out if cells]


def _xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise RosterError(f"无法读取 Excel 文件: {exc}") from None
    try:
        sheet = wb.worksheets[0]
        out = []
        for i, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_xlsx_cell(v) for v in values]
            if any(cells):
                out.append((i, cells))
        return out
    finally:
        wb.close()


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # numeric userids come back as floats
    return str(value)


def _map_header(header: list[str], line: int) -> tuple[dict[str, int], list[Problem]]:
    index: dict[str, int] = {}
    problems: list[Problem] = []
    for i, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff")
        key = name.lower() if name.lower() in COLUMNS else HEADER_ALIASES.get(name)
        if not name:
            continue
        if key is None:
            problems.append(Problem(line, name, "未知的列名（可用: " + ",".join(COLUMNS) + "）"))
        elif key in index:
            problems.append(Problem(line, name, "列名重复"))
        else:
            index[key] = i
    for col in REQUIRED:
        if col not in index:
            problems.append(Problem(line, col, "缺少必需的列"))
    return index, problems


def validate(rows: list[RosterRow]) -> list[Problem]:
    """Check every row against the whole file; return all problems (empty when the roster is good)."""
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    roles_of: dict[str, set[str]] = {}
    for row in rows:
        if not row.userid:
            problems.append(Problem(row.line, "userid", "缺少账号"))
        elif not USERID_RE.match(row.userid):
            problems.append(Problem(row.line, "userid", f"账号“{row.userid}”含有不允许的字符（仅限字母、数字和 _ . @ -，最长64位）"))
        elif row.userid in first_line:
            problems.append(Problem(row.line, "userid", f"账号“{row.userid}”重复（第{first_line[row.userid]}行已出现）"))
        else:
            first_line[row.userid] = row.line
        if not row.name:
            problems.append(Problem(row.line, "name", "缺少姓名"))
        roles: set[str] = set()
        if not row.roles:
            problems.append(Problem(row.line, "roles", "缺少角色"))
        for text in row.roles:
            role = normalise_role(text)
            if role is None:
                problems.append(Problem(row.line, "roles", f"未知角色“{text}”（可用: {', '.join(ALL_ROLES)} 或对应中文）"))
            else:
                roles.add(role)
        if row.userid and row.userid not in roles_of:
            roles_of[row.userid] = roles
    for row in rows:
        if not row.mentees:
            continue
        roles = roles_of.get(row.userid, set()) if first_line.get(row.userid) == row.line else set()
        if not roles & LINKING_ROLES:
            problems.append(Problem(row.line, "mentees", "只有校领导或中层正职可以填写联系对象"))
        if len(row.mentees) > MAX_MENTEES:
            problems.append(Problem(row.line, "mentees", f"联系对象最多{MAX_MENTEES}人，这里有{len(row.mentees)}人"))
        if len(set(row.mentees)) != len(row.mentees):
            problems.append(Problem(row.line, "mentees", "联系对象重复"))
        for mentee in row.mentees:
            if mentee == row.userid:
                problems.append(Problem(row.line, "mentees", "不能联系自己"))
            elif mentee not in roles_of:
                problems.append(Problem(row.line, "mentees", f"联系对象“{mentee}”不在花名册中"))
            elif not roles_of[mentee] & MENTEE_ROLES:
                problems.append(Problem(row.line, "mentees", f"联系对象“{mentee}”不是辅导员或思政课教师"))
    return sorted(problems, key=lambda p: (p.line, COLUMNS.index(p.column) if p.column in COLUMNS else 9))


def apply_roster(db: Session, school: School, rows: list[RosterRow], today: date, now: datetime,
                 actor: str = "cli") -> ImportSummary:
    """Write a validated roster: update in place, deactivate the missing, sync links (history kept)."""
    summary = ImportSummary(people=len(rows))
    existing = {p.userid: p for p in db.scalars(select(Person).where(Person.school_id == school.id))}
    seen: set[str] = set()
    for row in rows:
        seen.add(row.userid)
        roles = {r for r in (normalise_role(t) for t in row.roles) if r}
        person = existing.get(row.userid)
        if person is None:
            person = Person(school_id=school.id, userid=row.userid, name=row.name, department=row.department,
                            class_name=row.class_name, title=row.title, active=True)
            person.role_rows = [PersonRole(role=r) for r in sorted(roles)]
            db.add(person)
            existing[row.userid] = person
            summary.created += 1
            continue
        changed = (person.name, person.department, person.class_name, person.title) != (
            row.name, row.department, row.class_name, row.title) or person.roles != roles
        if not person.active:
            person.active, person.deactivated_at = True, None
            summary.reactivated += 1
        elif changed:
            summary.updated += 1
        else:
            summary.unchanged += 1
        person.name, person.department, person.class_name, person.title = (
            row.name, row.department, row.class_name, row.title)
        if person.roles != roles:
            person.role_rows = [r for r in person.role_rows if r.role in roles]
            person.role_rows += [PersonRole(role=r) for r in sorted(roles - person.roles)]
    for userid, person in existing.items():
        if userid not in seen and person.active:
            person.active, person.deactivated_at = False, now  # retention counts from here (jobs/purge.py)
            summary.deactivated += 1
    db.flush()
    _sync_links(db, school, rows, existing, today, summary)
    summary.standing = sync_from_roster(db, school.id, today)  # a school leader's class, dorm or club (N3)
    db.add(AuditLog(school_id=school.id, actor=actor, action="roster.import", target=school.code,
                    detail={"summary": summary.describe()}, at=now))
    return summary


def _sync_links(db: Session, school: School, rows: list[RosterRow], people: dict[str, Person],
                today: date, summary: ImportSummary) -> None:
    wanted = [(people[r.userid].id, people[m].id) for r in rows for m in r.mentees]  # roster order
    active = db.scalars(select(Link).where(Link.school_id == school.id, Link.until.is_(None))).all()
    have = {(link.leader_id, link.mentee_id): link for link in active}
    for key, link in have.items():
        if key not in set(wanted):
            link.until = today
            summary.links_ended += 1
    for leader_id, mentee_id in wanted:
        if (leader_id, mentee_id) not in have:
            db.add(Link(school_id=school.id, leader_id=leader_id, mentee_id=mentee_id, since=today,
                        source="roster"))
            summary.links_added += 1


def export_roster(db: Session, school: School, include_inactive: bool = False) -> str:
    """Return the school's roster as CSV in the import format (active people and current links)."""
    query = select(Person).where(Person.school_id == school.id).order_by(Person.id)
    if not include_inactive:
        query = query.where(Person.active.is_(True))
    people = db.scalars(query).all()
    by_id = {p.id: p for p in db.scalars(select(Person).where(Person.school_id == school.id))}
    mentees: dict[int, list[str]] = {}
    links = db.scalars(
        select(Link).where(Link.school_id == school.id, Link.until.is_(None)).order_by(Link.id)
    )
    for link in links:
        mentees.setdefault(link.leader_id, []).append(by_id[link.mentee_id].userid)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p in people:
        roles = ";".join(r for r in ALL_ROLES if r in p.roles)
        writer.writerow([p.userid, p.name, roles, p.department, p.class_name, p.title,
                         ";".join(mentees.get(p.id, []))])
    return out.getvalue()
