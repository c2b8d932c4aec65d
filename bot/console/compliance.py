"""Where each leader stands right now, from the rules engine (`bot.rules.engine.evaluate`): every rule
that binds them this week, month, quarter and semester, one line per rule — a per-link rule (N7, N8)
folded into "2 of 3 met", naming the counselors/teachers not yet met.

Example: a school leader with no in-person record this week has an open N1 line "本周与学生面对面接触 0/1".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.console.stats import PersonRow
from bot.rules.catalog import PERIOD_ZH, Rule
from bot.rules.engine import DUE, EXCUSED, EXEMPT, MET, OVERDUE, PersonStatus, evaluate, ledger
from bot.rules.engine import Obligation as EngineObligation
from bot.rules.school_groups import school_groups
from bot.schedule.periods import Period
from bot.schedule.school_calendar import calendar_for

PERIOD_KINDS = ("week", "month", "quarter", "semester")
SCOPE_BY_IDS = 500  # up to this many people, the engine is asked about exactly them
_WORST = (OVERDUE, DUE, EXCUSED, MET)  # a folded per-link line takes its worst state


@dataclass(frozen=True)
class Obligation:
    """One rule for one leader in its current period (per-link rules folded over the links)."""

    rule: Rule
    period: Period
    required: float
    done: float
    state: str  # met / due / overdue / excused (engine states; exempt ones are left out)
    missing: tuple[str, ...] = ()  # per-link rules: the counselors/teachers not yet met
    note: str = ""

    @property
    def met(self) -> bool:
        """Nothing is owed: met, or excused by a pause (N11)."""
        return self.state in (MET, EXCUSED)

    @property
    def css(self) -> str:
        return {MET: "ok", EXCUSED: "warn"}.get(self.state, "bad")

    def gap_zh(self) -> str:
        """Describe the line in Chinese ("本周与学生面对面接触 0/1", with who is not yet met)."""
        unit = "个半天" if self.rule.share else ""
        text = f"{PERIOD_ZH[self.rule.period]}{self.rule.title} {self.done:g}/{self.required:g}{unit}"
        if self.missing:
            text += "（未完成：" + "、".join(self.missing) + "）"
        if self.state == OVERDUE:
            text += "，已逾期"
        if self.note:
            text += f"（{self.note}）"
        return text


@dataclass
class LeaderStatus:
    person: PersonRow
    obligations: list[Obligation] = field(default_factory=list)

    def in_period(self, kind: str) -> list[Obligation]:
        return [o for o in self.obligations if o.rule.period == kind]

    @property
    def unmet(self) -> list[Obligation]:
        return [o for o in self.obligations if not o.met]


def fold(obligations: list[EngineObligation]) -> list[Obligation]:
    """Turn the engine's obligations of one person into one line per rule."""
    by_rule: dict[str, list[EngineObligation]] = {}
    for o in obligations:
        if o.state != EXEMPT:
            by_rule.setdefault(o.rule.id, []).append(o)
    out = []
    for items in by_rule.values():
        first = items[0]
        state = next(s for s in _WORST if any(o.state == s for o in items))
        note = next((o.note for o in items if o.note), "")
        if first.rule.per_link:
            missing = tuple(o.mentee.name for o in items if o.mentee is not None and o.state in (DUE, OVERDUE))
            met = sum(1 for o in items if o.state in (MET, EXCUSED))
            out.append(Obligation(first.rule, first.period, float(len(items)), float(met), state, missing, note))
        else:
            out.append(Obligation(first.rule, first.period, first.required, first.done, state, (), note))
    return out


def leader_statuses(db: Session, settings: Settings, people: list[PersonRow], at: datetime,
                    school_ids: tuple[int, ...], whole: bool = False) -> list[LeaderStatus]:
    """Evaluate every rule binding each of `people` at a moment, each school on its own rules and calendar
    (the engine's few grouped queries per group of schools sharing them).

    `whole`: the people are everyone in the schools, so the engine scans by school, not by a list of ids.
    """
    if not people:
        return []
    wanted = {p.school_id for p in people}
    found: dict[int, PersonStatus] = {}
    for group in school_groups(db, settings, [sid for sid in school_ids if sid in wanted]):
        ids = tuple(p.id for p in people if p.school_id in group.ids)
        by_ids = len(ids) <= SCOPE_BY_IDS and not whole
        found.update(evaluate(db, group.settings, at, scope=group.scope(ids if by_ids else None)).people)
    return [LeaderStatus(p, fold(found[p.id].obligations) if p.id in found else []) for p in people]


def statuses_now(people: list[PersonRow], obligations: dict[int, list[EngineObligation]], today: date
                 ) -> list[LeaderStatus]:
    """Turn a ledger's obligations (per person) into where each leader stands now: those of the periods
    holding today, one line per rule (what `leader_statuses` gives, without evaluating again)."""
    return [LeaderStatus(p, fold([o for o in obligations.get(p.id, []) if o.period.contains(today)])) for p in people]


def standing_and_weeks(db: Session, settings: Settings, people: list[PersonRow], at: datetime,
                       school_ids: tuple[int, ...], span: tuple[date, date], whole: bool = False,
                       counts_only: bool = False) -> tuple[list[LeaderStatus], dict[date, int]]:
    """Return where each of `people` stands now and their in-person contacts per ISO week (keyed by Monday)
    in a span ending with this week — one ledger pass per group of schools, counting as every report does.
    `counts_only`: the weeks alone (the statuses come back empty)."""
    wanted, schools = {p.id for p in people}, {p.school_id for p in people}
    today = calendar_for(settings).local_day(at)
    totals: dict[date, int] = {}
    found: dict[int, list[EngineObligation]] = {}
    for group in school_groups(db, settings, [sid for sid in school_ids if sid in schools]):
        ids = tuple(p.id for p in people if p.school_id in group.ids)
        by_ids = len(ids) <= SCOPE_BY_IDS and not whole
        ev = ledger(db, group.settings, at, *span, scope=group.scope(ids if by_ids else None), weeks=True,
                    counts_only=counts_only)
        for pid, status in ev.people.items():
            if pid in wanted:
                found[pid] = status.obligations
                for monday, counts in status.weeks.items():
                    totals[monday] = totals.get(monday, 0) + counts.face_to_face
    return statuses_now(people, found, today), totals


def current_periods(settings: Settings, today: date) -> dict[str, Period]:
    """Return this week, month, quarter and semester (none between semesters)."""
    cal = calendar_for(settings)
    return {kind: p for kind in PERIOD_KINDS if (p := cal.period(kind, today)) is not None}


@dataclass(frozen=True)
class PeriodSummary:
    """How many of the leaders bound in a period have nothing owed in it."""

    kind: str
    label: str
    bound: int
    met: int

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.bound) if self.bound else 100


def summarise(statuses: list[LeaderStatus], periods: dict[str, Period]) -> list[PeriodSummary]:
    """Return, per period kind, the leaders bound and the leaders with nothing owed."""
    out = []
    for kind in PERIOD_KINDS:
        if kind not in periods:
            continue
        bound = [s for s in statuses if s.in_period(kind)]
        met = [s for s in bound if all(o.met for o in s.in_period(kind))]
        out.append(PeriodSummary(kind, f"{PERIOD_ZH[kind]}（{periods[kind].label}）", len(bound), len(met)))
    return out


def behind(statuses: list[LeaderStatus]) -> list[LeaderStatus]:
    """Return the leaders with something owed, overdue and most gaps first."""
    return sorted((s for s in statuses if s.unmet),
                  key=lambda s: (-sum(o.state == OVERDUE for o in s.unmet), -len(s.unmet), s.person.name))
