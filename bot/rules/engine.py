"""The compliance engine: for everyone in a scope and the periods holding a day, which obligations
are met, due, overdue, excused (a pause, N11) or exempt (not a teaching week, no semester), with
the counts and, on request, the records that count.

A whole school costs five grouped SELECTs however many people it has (people, links, contact counts,
per-link counts, pauses; two more with the records). Deleted records never count; online contacts
count for no rule; back-dated, disputed and unconfirmed ones count and are marked (N20).

Example: `evaluate(db, settings, now, scope=Scope(school_id=1)).people[leader_id].obligations`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.rules.catalog import PERIOD_ZH, Rule, rules_for
from bot.rules.queries import (
    ContactRow,
    MenteeRow,
    PauseRow,
    PersonRow,
    Scope,
    active_links,
    contact_counts,
    contact_rows,
    link_counts,
    obligated_people,
    pauses_between,
)
from bot.schedule.periods import Period, span_label
from bot.schedule.school_calendar import SchoolCalendar, WeekInfo, calendar_for

MET, DUE, OVERDUE, EXCUSED, EXEMPT = "met", "due", "overdue", "excused", "exempt"
STATE_ZH = {MET: "已完成", DUE: "未完成", OVERDUE: "逾期未完成", EXCUSED: "外出免除", EXEMPT: "不作要求"}


@dataclass(frozen=True, slots=True)
class Obligation:
    """One rule for one person (and one linked counselor/teacher) in one period."""

    person_id: int
    rule: Rule
    period: Period
    required: float
    done: float
    state: str
    mentee: MenteeRow | None = None
    note: str = ""  # why exempt or excused, in Chinese
    contact_ids: tuple[int, ...] = ()  # the records that count (with_records only)

    @property
    def gap(self) -> float:
        """How much is still missing (0 when met)."""
        return max(0.0, self.required - self.done)

    @property
    def open(self) -> bool:
        """Due or overdue: something is still to be done."""
        return self.state in (DUE, OVERDUE)


@dataclass(slots=True)
class PersonStatus:
    """Everything the engine found for one person."""

    person: PersonRow
    obligations: list[Obligation] = field(default_factory=list)
    pauses: list[PauseRow] = field(default_factory=list)
    mentees: list[MenteeRow] = field(default_factory=list)

    @property
    def rules(self) -> list[Obligation]:
        """The person's obligations (empty: nothing is asked of them)."""
        return self.obligations

    def of_rule(self, rule_id: str) -> list[Obligation]:
        return [o for o in self.obligations if o.rule.id == rule_id]

    def paused_on(self, day: date) -> PauseRow | None:
        """Return the pause or snooze covering a day, if any."""
        return next((p for p in self.pauses if p.covers(day)), None)


@dataclass
class Evaluation:
    """The engine's answer for a scope at a moment."""

    today: date  # the school-local day of the moment (judges overdue)
    as_of: date  # the day whose periods are evaluated
    week: WeekInfo
    periods: dict[str, Period | None]
    rules: tuple[Rule, ...]
    people: dict[int, PersonStatus]
    records: dict[int, ContactRow] = field(default_factory=dict)


def _pause_note(pauses: list[PauseRow]) -> str:
    parts = [f"{p.reason or '外出'}（{span_label(p.start, p.until - timedelta(days=1))}）" for p in pauses]
    return "外出：" + "；".join(parts)


def evaluate(db: Session, settings: Settings, at: datetime, *, as_of: date | None = None,
             scope: Scope | None = None, with_records: bool = False) -> Evaluation:
    """Evaluate every obligation in a scope for the periods holding `as_of` (default: the day of `at`)."""
    scope = scope or Scope()
    cal = calendar_for(settings)
    rules = rules_for(settings)
    today = cal.local_day(at)
    as_of = as_of or today
    week = cal.week_info(as_of)
    periods = {kind: cal.period(kind, as_of) for kind in {r.period for r in rules}}
    ev = Evaluation(today, as_of, week, periods, rules, {})
    people = obligated_people(db, scope, {role for r in rules for role in r.roles})
    if not people:
        return ev
    ev.people = {pid: PersonStatus(p) for pid, p in people.items()}

    person_rules = [r for r in rules if not r.per_link]
    link_rules = [r for r in rules if r.per_link]
    buckets = {k: p for k, p in periods.items() if p is not None}
    person_buckets = {r.period: buckets[r.period] for r in person_rules if r.period in buckets}
    link_buckets = {r.period: buckets[r.period] for r in link_rules if r.period in buckets}
    counts = contact_counts(db, scope, person_buckets, {k for r in person_rules for k in r.kinds})
    lcounts = link_counts(db, scope, link_buckets, {k for r in link_rules for k in r.kinds})
    links = active_links(db, scope, as_of) if link_rules else {}
    lo = min((p.start for p in buckets.values()), default=as_of)
    hi = max((p.end for p in buckets.values()), default=as_of)
    pauses = pauses_between(db, scope, lo, hi)
    by_person: dict[int, list[ContactRow]] = defaultdict(list)
    if with_records:
        for row in contact_rows(db, scope, lo, hi, {k for r in rules for k in r.kinds}):
            ev.records[row.id] = row
            by_person[row.person_id].append(row)

    working = {kind: _working_days(cal, kind, p, week) for kind, p in buckets.items()}
    for pid, status in ev.people.items():
        status.pauses = pauses.get(pid, [])
        status.mentees = links.get(pid, [])
        excusing = [p for p in status.pauses if p.kind == "pause"]
        available = working if not excusing else {  # working days left once real absences are taken out
            kind: tuple(d for d in days if not any(p.covers(d) for p in excusing)) for kind, days in working.items()}
        for rule in rules:
            if not rule.roles & status.person.roles:
                continue
            status.obligations += _obligations(cal, ev, rule, status, excusing, working.get(rule.period, ()),
                                               available.get(rule.period, ()), counts, lcounts, by_person.get(pid, []))
    return ev


def _working_days(cal: SchoolCalendar, kind: str, period: Period, week: WeekInfo) -> tuple[date, ...]:
    """Return the working days a period's obligations are measured over (a week: inside the semester)."""
    if kind == "week":
        return week.working_days
    return tuple(cal.working_days(period.start, period.end))


def _obligations(cal: SchoolCalendar, ev: Evaluation, rule: Rule, status: PersonStatus, excusing: list[PauseRow],
                 working: tuple[date, ...], available: tuple[date, ...],
                 counts: dict[tuple[int, str], dict[str, tuple[int, float]]],
                 lcounts: dict[tuple[int, int, str], dict[str, int]], records: list[ContactRow]
                 ) -> list[Obligation]:
    """Return one person's obligations under one rule."""
    pid = status.person.id
    period = ev.periods.get(rule.period)
    if period is None:
        gap = Period(rule.period, "", ev.as_of, ev.as_of, "假期")
        return [Obligation(pid, rule, gap, 0, 0, EXEMPT, note="不在学期内（假期）")]
    if rule.weekly and not ev.week.teaching:
        return [Obligation(pid, rule, period, 0, 0, EXEMPT, note=ev.week.reason)]
    excused = len(available) < len(working) and len(available) < cal.min_working_days
    note = _pause_note([p for p in excusing if p.start < period.end and p.until > period.start]) if excused else ""
    required = rule.share * 2 * len(available) if rule.share else float(rule.count)

    def judge(done: float, mentee: MenteeRow | None) -> Obligation:
        ids = tuple(r.id for r in records if r.kind in rule.kinds and period.contains(r.occurred_on)
                    and (mentee is None or mentee.id in r.counterparts)) if records else ()
        if required > 0 and done >= required:
            state = MET
        elif excused or required <= 0:
            state = EXCUSED
        elif ev.today >= period.end:
            state = OVERDUE
        else:
            state = DUE
        return Obligation(pid, rule, period, required, done, state, mentee, note if state == EXCUSED else "", ids)

    if rule.per_link:
        return [judge(float(sum(lcounts.get((pid, m.id, k), {}).get(rule.period, 0) for k in rule.kinds)), m)
                for m in status.mentees]
    cells = [counts.get((pid, k), {}).get(rule.period, (0, 0.0)) for k in rule.kinds]
    done = sum(c[1] for c in cells) if rule.share else float(sum(c[0] for c in cells))
    return [judge(done, None)]


def describe_gap(o: Obligation) -> str:
    """Say in Chinese what is still missing for an open obligation, e.g. "本周还差1次面对面接触"."""
    when = PERIOD_ZH.get(o.rule.period, "")
    if o.rule.share:
        return f"{when}一线时间{count_text(o.done)}/{count_text(o.required)}个半天，还差{count_text(o.gap)}个半天"
    if o.mentee is not None:
        return f"{when}尚未{o.rule.link_title.format(name=o.mentee.name)}"
    return f"{when}{o.rule.title}{count_text(o.done)}/{count_text(o.required)}次，还差{count_text(o.gap)}次"


def count_text(x: float) -> str:
    """Format a count: 2, 2.5."""
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"
