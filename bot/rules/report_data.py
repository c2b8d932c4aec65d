"""The progress report a school sends upward (N21) — and a province account's over every school, and a
department's summary for 述职评议 (N19) — built from the engine's ledger: per school and per leader, the
counts (bot/rules/tally.py) and every obligation in the notice's periods, with rates over the periods that
have ended (a week in progress is not yet due), plus how students' concerns went.

Example: `build_report(db, settings, now, term, school_ids=(1, 2))` behind `contactbot report province`,
the console's 工作进展报表 and the monthly file sent by `[report]`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import cached_property

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.rules.catalog import RULE_IDS, Rule
from bot.rules.engine import EXCUSED, MET, OVERDUE, Obligation, ledger
from bot.rules.queries import PersonRow
from bot.rules.school_groups import school_groups
from bot.rules.tally import Counts
from bot.rules.terms import Term
from bot.store.models import Concern, Person, School
from bot.terms.roles import MIDDLE_CHIEF, SCHOOL_LEADER, STUDENT_AFFAIRS_HEAD

STATE_JSON = {MET: "met", OVERDUE: "not_met", EXCUSED: "excused"}  # any other state: the period is in progress
STATE_REPORT_ZH = {"met": "已完成", "not_met": "未完成", "excused": "外出免除", "in_progress": "进行中"}


def obligation_state(o: Obligation) -> str:
    """The state as reports name it: met, not_met (ended unmet), excused, in_progress (not ended, not yet met)."""
    return STATE_JSON.get(o.state, "in_progress")


@dataclass
class Rate:
    """Obligations met among those due (ended and not excused); excused ones and those of periods not yet
    ended (met already, or still open) are counted apart."""

    met: int = 0
    due: int = 0
    excused: int = 0
    in_progress: int = 0  # the period has not ended and it is not met yet
    met_early: int = 0  # the period has not ended and it is met already

    @property
    def value(self) -> float | None:
        """met / due, or None when nothing is due yet."""
        return self.met / self.due if self.due else None

    def add(self, o: Obligation) -> None:
        if o.state == EXCUSED:
            self.excused += 1
        elif not o.ended:
            self.met_early += o.state == MET
            self.in_progress += o.state != MET
        else:
            self.due += 1
            self.met += o.state == MET

    def merge(self, other: Rate) -> None:
        self.met += other.met
        self.due += other.due
        self.excused += other.excused
        self.in_progress += other.in_progress
        self.met_early += other.met_early

    def as_json(self) -> dict[str, object]:
        value = self.value
        return {"met": self.met, "due": self.due, "excused": self.excused, "in_progress": self.in_progress,
                "met_early": self.met_early, "rate": round(value, 4) if value is not None else None}


def rates_of(obligations: Iterable[Obligation]) -> dict[str, Rate]:
    """Return the rate of each rule (in the catalog's order) and, under "all", of every obligation."""
    out: dict[str, Rate] = {}
    total = Rate()
    for o in obligations:
        out.setdefault(o.rule.id, Rate()).add(o)
        total.add(o)
    ordered = {rid: out[rid] for rid in RULE_IDS if rid in out}
    ordered["all"] = total
    return ordered


@dataclass
class LeaderLine:
    """One leader's counts and obligations over the term."""

    person: PersonRow
    school: School
    counts: Counts
    obligations: list[Obligation]

    @cached_property
    def rates(self) -> dict[str, Rate]:
        return rates_of(self.obligations)

    @property
    def mentees(self) -> list[str]:
        """The counselors/teachers they were linked to in the term (N6), in order of first period."""
        names: dict[int, str] = {}
        for o in self.obligations:
            if o.mentee is not None:
                names.setdefault(o.mentee.id, o.mentee.name)
        return list(names.values())

    @property
    def shortfalls(self) -> list[Obligation]:
        """Obligations of periods that ended unmet."""
        return [o for o in self.obligations if o.state == OVERDUE]


@dataclass
class ConcernFigures:
    """Students' concerns raised in the term (N18) and how they went."""

    raised: int = 0
    answered: int = 0
    resolved: int = 0
    in_time: int = 0  # resolved by their deadline
    overdue: int = 0
    groups: int = 0  # common problems (N14)

    def add(self, other: ConcernFigures) -> None:
        for name in ("raised", "answered", "resolved", "in_time", "overdue", "groups"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_json(self) -> dict[str, int]:
        return {"raised": self.raised, "answered": self.answered, "resolved": self.resolved,
                "resolved_in_time": self.in_time, "overdue": self.overdue, "common_problems": self.groups}


@dataclass
class SchoolBlock:
    """One school's part of a report (or, as `total`, every school's)."""

    code: str
    name: str
    rules: tuple[Rule, ...]
    leaders: list[LeaderLine] = field(default_factory=list)
    concerns: ConcernFigures = field(default_factory=ConcernFigures)

    @cached_property
    def counts(self) -> Counts:
        total = Counts()
        for line in self.leaders:
            total.add(line.counts)
        return total

    @cached_property
    def rates(self) -> dict[str, Rate]:
        """Each rule's rate over its leaders (the sum of theirs), in the catalog's order, and "all"."""
        total: dict[str, Rate] = {}
        for line in self.leaders:
            for rule_id, rate in line.rates.items():
                total.setdefault(rule_id, Rate()).merge(rate)
        ordered = {rid: total[rid] for rid in RULE_IDS if rid in total}
        ordered["all"] = total.get("all", Rate())
        return ordered

    def with_role(self, role: str) -> int:
        return sum(role in line.person.roles for line in self.leaders)


@dataclass
class Report:
    """A report over one or more schools (or one department) for a term."""

    kind: str  # province / school / department
    term: Term
    generated_at: datetime  # UTC
    schools: list[SchoolBlock]
    department: str | None = None

    @property
    def title(self) -> str:
        if self.department:
            return f"{self.schools[0].name}{self.department}领导干部深入基层联系工作汇总（{self.term.label}）"
        where = self.schools[0].name if len(self.schools) == 1 else f"全省{len(self.schools)}所高校"
        return f"{where}领导干部深入基层联系学生、辅导员和思政课教师工作进展（{self.term.label}）"

    @cached_property
    def total(self) -> SchoolBlock:
        block = SchoolBlock("", f"合计（{len(self.schools)}所学校）", (),
                            [line for s in self.schools for line in s.leaders])
        for s in self.schools:
            block.concerns.add(s.concerns)
        return block

    @property
    def leaders(self) -> list[LeaderLine]:
        return [line for s in self.schools for line in s.leaders]


def build_report(db: Session, settings: Settings, at: datetime, term: Term, school_ids: Sequence[int] | None = None,
                 *, department: str | None = None, person_ids: tuple[int, ...] | None = None,
                 concerns: bool = True) -> Report:
    """Build the report of a term over some schools (all by default), one department, or some people."""
    if department is not None:
        person_ids = tuple(db.scalars(select(Person.id).where(Person.department == department,
                                                              *([Person.school_id.in_(school_ids)] if school_ids
                                                                else []))))
    blocks: dict[int, SchoolBlock] = {}
    for group in school_groups(db, settings, school_ids):
        ev = ledger(db, group.settings, at, term.start, term.end, scope=group.scope(person_ids), evidence=True)
        schools = {school.id: school for school in group.schools}
        for school in group.schools:
            blocks[school.id] = SchoolBlock(school.code, school.name, ev.rules)
        for status in ev.people.values():
            sid = status.person.school_id
            blocks[sid].leaders.append(LeaderLine(status.person, schools[sid], status.counts, status.obligations))
    if concerns and department is None and person_ids is None:
        for school_id, figures in concern_figures(db, settings, tuple(blocks), term, at).items():
            blocks[school_id].concerns = figures
    kind = "department" if department else ("province" if len(blocks) > 1 else "school")
    return Report(kind, term, at, [blocks[k] for k in sorted(blocks)], department)


def concern_figures(db: Session, settings: Settings, school_ids: tuple[int, ...], term: Term,
                    now: datetime) -> dict[int, ConcernFigures]:
    """Return, per school, the concerns raised in the term (marked abuse left out) and how they went."""
    tz = settings.tz
    start, end = datetime.combine(term.start, time.min, tzinfo=tz), datetime.combine(term.end, time.min, tzinfo=tz)
    overdue = (((Concern.first_response_at.is_(None)) & (Concern.first_response_due <= now))
               | ((Concern.resolved_at.is_(None)) & (Concern.resolve_due <= now)))
    in_time = (Concern.resolved_at.is_not(None)) & ((Concern.resolve_due.is_(None))
                                                    | (Concern.resolved_at <= Concern.resolve_due))
    stmt = (select(Concern.school_id, func.count(Concern.id),
                   func.sum(case((Concern.first_response_at.is_not(None), 1), else_=0)),
                   func.sum(case((Concern.status == "resolved", 1), else_=0)),
                   func.sum(case((in_time & (Concern.status == "resolved"), 1), else_=0)),
                   func.sum(case((overdue & Concern.status.not_in(("resolved", "spam")), 1), else_=0)),
                   func.count(func.distinct(Concern.group_id)))
            .where(Concern.school_id.in_(school_ids), Concern.abuse.is_(None), Concern.created_at >= start,
                   Concern.created_at < end)
            .group_by(Concern.school_id))
    return {row[0]: ConcernFigures(*(int(v or 0) for v in row[1:])) for row in db.execute(stmt)}


def leaders_of(block: SchoolBlock) -> dict[str, int]:
    """How many leaders of each kind a block covers."""
    return {"school_leader": block.with_role(SCHOOL_LEADER), "middle_chief": block.with_role(MIDDLE_CHIEF),
            "student_affairs_head": block.with_role(STUDENT_AFFAIRS_HEAD), "all": len(block.leaders)}
