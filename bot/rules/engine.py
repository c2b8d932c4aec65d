"""The compliance engine: for everyone in a scope, each obligation of the notice in the notice's own
periods — each teaching week (N1, N5), month (N4), quarter for each linked counselor/teacher (N7) and
semester (N2; N8 for each link) — with what is required, what is done and its state: met; due (the
period has not ended: in progress); overdue (ended unmet); excused (a real absence, N11); exempt (not a
teaching week; a month or quarter with fewer than `[calendar] min_working_days` working days inside a
semester; no semester) — and each person's counts (bot/rules/tally.py).

`ledger()` is the one function behind every report, record, digest, chart and export: for a span of
days it gives the counts over the span and every period overlapping it that has begun. `evaluate()` is
the same for the periods holding one day — what "我的进度", the reminders and the console's current
standing show. A week counts as due only once it has ended; until then it is in progress.

A whole school costs a handful of grouped SELECTs however many people and periods (people, links,
counts, per-link counts, pauses; the records and evidence when asked for). Deleted records never count;
online contacts count for no rule; back-dated, disputed and unconfirmed ones count and are marked (N20).

Example: `ledger(db, settings, now, date(2026, 9, 7), date(2027, 1, 18), scope=Scope(school_id=1))`.
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
    LinkSpan,
    MenteeRow,
    PauseRow,
    PersonRow,
    Scope,
    contact_rows,
    link_counts,
    links_between,
    obligated_people,
    pauses_between,
)
from bot.rules.tally import Counts, Tally, tally_contacts
from bot.schedule.periods import Period, span_label
from bot.schedule.school_calendar import SchoolCalendar, WeekInfo, calendar_for
from bot.terms.roles import LEADER_ROLES

MET, DUE, OVERDUE, EXCUSED, EXEMPT = "met", "due", "overdue", "excused", "exempt"
STATE_ZH = {MET: "已完成", DUE: "未完成", OVERDUE: "逾期未完成", EXCUSED: "外出免除", EXEMPT: "不作要求"}
PERIOD_KINDS = ("week", "month", "quarter", "semester")


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
    ended: bool = False  # the period is over at the moment evaluated: only then is it due

    @property
    def gap(self) -> float:
        """How much is still missing (0 when met)."""
        return max(0.0, self.required - self.done)

    @property
    def open(self) -> bool:
        """Due or overdue: something is still to be done."""
        return self.state in (DUE, OVERDUE)

    @property
    def settled(self) -> bool:
        """The period has ended and its outcome counts in a rate: met or not met (excused ones do not)."""
        return self.ended and self.state in (MET, OVERDUE)


@dataclass(slots=True)
class PersonStatus:
    """Everything the engine found for one person."""

    person: PersonRow
    obligations: list[Obligation] = field(default_factory=list)
    pauses: list[PauseRow] = field(default_factory=list)
    mentees: list[MenteeRow] = field(default_factory=list)  # linked on the day evaluated
    counts: Counts = field(default_factory=Counts)  # over the span (ledger only)
    weeks: dict[date, Counts] = field(default_factory=dict)  # per ISO week's Monday (ledger with weeks=True)

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
    as_of: date  # the day whose periods are current
    week: WeekInfo
    periods: dict[str, Period | None]  # the periods holding as_of
    rules: tuple[Rule, ...]
    people: dict[int, PersonStatus]
    records: dict[int, ContactRow] = field(default_factory=dict)
    span: tuple[date, date] = (date.min, date.min)  # [start, end) the counts cover (ledger only)
    every: dict[str, list[Period]] = field(default_factory=dict)  # the periods evaluated, per kind


def _pause_note(pauses: list[PauseRow]) -> str:
    parts = [f"{p.reason or '外出'}（{span_label(p.start, p.until - timedelta(days=1))}）" for p in pauses]
    return "外出：" + "；".join(parts)


def evaluate(db: Session, settings: Settings, at: datetime, *, as_of: date | None = None,
             scope: Scope | None = None, with_records: bool = False) -> Evaluation:
    """Evaluate every obligation in a scope for the periods holding `as_of` (default: the day of `at`);
    a rule with no such period (not a teaching week, between semesters) is one exempt obligation."""
    cal = calendar_for(settings)
    as_of = as_of or cal.local_day(at)
    periods = {kind: cal.period(kind, as_of) for kind in PERIOD_KINDS}
    every = {kind: [p] for kind, p in periods.items() if p is not None and not cal.off_session(p)}
    if not cal.week_info(as_of).teaching:
        every.pop("week", None)
    return _run(db, settings, at, scope or Scope(), (as_of, as_of + timedelta(days=1)), as_of, every,
                exempt=True, with_records=with_records)


def ledger(db: Session, settings: Settings, at: datetime, start: date, end: date, *, scope: Scope | None = None,
           with_records: bool = False, weeks: bool = False, evidence: bool = False,
           counts_only: bool = False) -> Evaluation:
    """Return, for everyone in a scope, the counts over [start, end) and every obligation in each period
    overlapping it that has begun by `at`: each teaching week, month, quarter and semester (per linked
    counselor/teacher for N7, N8). `weeks`: also the counts of each ISO week overlapping the span;
    `evidence`: count the records with photos and locations; `counts_only`: no obligations."""
    cal = calendar_for(settings)
    today = cal.local_day(at)
    as_of = min(end - timedelta(days=1), today)
    every: dict[str, list[Period]] = {}
    for kind in () if counts_only else PERIOD_KINDS:
        found = [p for p in cal.periods_between(kind, start, end) if p.start <= today and not cal.off_session(p)]
        if kind == "week":
            found = [p for p in found if cal.week_info(p.start).teaching]
        every[kind] = found
    return _run(db, settings, at, scope or Scope(), (start, end), as_of, every, exempt=False,
                with_records=with_records, weeks=weeks, evidence=evidence)


def _run(db: Session, settings: Settings, at: datetime, scope: Scope, span: tuple[date, date], as_of: date,
         every: dict[str, list[Period]], *, exempt: bool, with_records: bool, weeks: bool = False,
         evidence: bool = False) -> Evaluation:
    """Count, and judge each rule in each of its periods, for everyone in the scope."""
    cal = calendar_for(settings)
    rules = rules_for(settings)
    today = cal.local_day(at)
    current = {kind: cal.period(kind, as_of) for kind in PERIOD_KINDS}
    ev = Evaluation(today, as_of, cal.week_info(as_of), current, rules, {}, span=span,
                    every={k: every.get(k, []) for k in {r.period for r in rules}})
    people = obligated_people(db, scope, LEADER_ROLES | {role for r in rules for role in r.roles})
    if not people:
        return ev
    ev.people = {pid: PersonStatus(p) for pid, p in people.items()}

    windows: dict[tuple[date, date], int] = {span: 0}
    for periods in ev.every.values():
        for p in periods:
            windows.setdefault((p.start, p.end), len(windows))
    week_windows = cal.periods_between("week", *span) if weeks else []
    for w in week_windows:
        windows.setdefault((w.start, w.end), len(windows))
    tally = tally_contacts(db, scope, list(windows), evidence=evidence)

    link_rules = [r for r in rules if r.per_link and ev.every.get(r.period)]
    link_periods = sorted({p for r in link_rules for p in ev.every[r.period]}, key=lambda p: (p.start, p.kind))
    lcounts = link_counts(db, scope, link_periods, {k for r in link_rules for k in r.kinds})
    lindex = {(p.start, p.end): i for i, p in enumerate(link_periods)}
    all_periods = [p for ps in ev.every.values() for p in ps]
    lo = min([span[0], *(p.start for p in all_periods)])
    hi = max([span[1], *(p.end for p in all_periods)])
    links = links_between(db, scope, lo, hi) if link_rules else {}
    pauses = pauses_between(db, scope, lo, hi) if all_periods else {}
    by_person: dict[int, list[ContactRow]] = defaultdict(list)
    if with_records:
        for row in contact_rows(db, scope, lo, hi, {k for r in rules for k in r.kinds}):
            ev.records[row.id] = row
            by_person[row.person_id].append(row)

    working = {(p.kind, p.key): _working_days(cal, p) for p in all_periods}
    judge = _Judge(cal, ev, tally, windows, lcounts, lindex)
    for pid, status in ev.people.items():
        status.pauses = pauses.get(pid, [])
        mine = links.get(pid, [])
        status.mentees = [link.mentee for link in mine if link.holds(as_of)]
        status.counts = tally.counts(pid, 0)
        for w in week_windows:
            status.weeks[w.start] = tally.counts(pid, windows[(w.start, w.end)])
        excusing = [p for p in status.pauses if p.kind == "pause"]
        for rule in rules:
            if not rule.roles & status.person.roles:
                continue
            periods = ev.every.get(rule.period, [])
            if exempt and not periods:
                status.obligations.append(_exempt(pid, rule, ev, cal))
            for period in periods:
                status.obligations += judge(status, rule, period, working[(period.kind, period.key)], excusing, mine,
                                            by_person.get(pid, []))
    return ev


def _exempt(pid: int, rule: Rule, ev: Evaluation, cal: SchoolCalendar) -> Obligation:
    """The one exempt obligation of a rule with no current period (not a teaching week, a month or quarter
    in the vacation, no semester)."""
    period = ev.periods.get(rule.period)
    if period is None:
        gap = Period(rule.period, "", ev.as_of, ev.as_of, "假期")
        return Obligation(pid, rule, gap, 0, 0, EXEMPT, note="不在学期内（假期）")
    return Obligation(pid, rule, period, 0, 0, EXEMPT, note=cal.off_session(period) or ev.week.reason)


def _working_days(cal: SchoolCalendar, period: Period) -> tuple[date, ...]:
    """Return the working days a period's obligations are measured over (a week: inside the semester)."""
    if period.kind == "week":
        return cal.week_info(period.start).working_days
    return tuple(cal.working_days(period.start, period.end))


class _Judge:
    """Decides one person's obligations under one rule in one period."""

    def __init__(self, cal: SchoolCalendar, ev: Evaluation, tally: Tally, windows: dict[tuple[date, date], int],
                 lcounts: dict[tuple[int, int, str], tuple[int, ...]], lindex: dict[tuple[date, date], int]) -> None:
        self.cal, self.ev, self.tally, self.windows = cal, ev, tally, windows
        self.lcounts, self.lindex = lcounts, lindex

    def __call__(self, status: PersonStatus, rule: Rule, period: Period, working: tuple[date, ...],
                 excusing: list[PauseRow], links: list[LinkSpan], records: list[ContactRow]) -> list[Obligation]:
        pid, ev = status.person.id, self.ev
        away = [p for p in excusing if p.start < period.end and p.until > period.start] if excusing else []
        available = tuple(d for d in working if not any(p.covers(d) for p in away)) if away else working
        excused = len(available) < len(working) and len(available) < self.cal.min_working_days
        verdict = _Verdict(pid, rule, period, rule.share * 2 * len(available) if rule.share else float(rule.count),
                           excused, _pause_note(away) if excused else "", ev.today >= period.end, records)
        if rule.per_link:
            ref = min(period.last_day, ev.as_of)  # the counselors/teachers linked at the period's end (or today)
            window = self.lindex[(period.start, period.end)]
            return [verdict.judge(self.with_mentee(pid, link.mentee.id, rule.kinds, window), link.mentee)
                    for link in links if link.holds(ref)]
        window = self.windows[(period.start, period.end)]
        return [verdict.judge(self.tally.done(pid, rule.kinds, window, half_days=bool(rule.share)), None)]

    def with_mentee(self, pid: int, mentee_id: int, kinds: tuple[str, ...], window: int) -> float:
        """Return a leader's contacts of some kinds naming one counselor/teacher in one period."""
        total = 0
        for kind in kinds:
            per_window = self.lcounts.get((pid, mentee_id, kind))
            total += per_window[window] if per_window else 0
        return float(total)


@dataclass(frozen=True, slots=True)
class _Verdict:
    """What holds for one person, rule and period whoever the linked one: required, excused, ended."""

    pid: int
    rule: Rule
    period: Period
    required: float
    excused: bool
    note: str
    ended: bool
    records: list[ContactRow]

    def judge(self, done: float, mentee: MenteeRow | None) -> Obligation:
        """The obligation, given what was done (for one linked counselor/teacher, or in all)."""
        rule, period, required = self.rule, self.period, self.required
        ids = tuple(r.id for r in self.records if r.kind in rule.kinds and period.contains(r.occurred_on)
                    and (mentee is None or mentee.id in r.counterparts)) if self.records else ()
        if required > 0 and done >= required:
            state = MET
        elif self.excused or required <= 0:
            state = EXCUSED
        elif self.ended:
            state = OVERDUE
        else:
            state = DUE
        return Obligation(self.pid, rule, period, required, done, state, mentee,
                          self.note if state == EXCUSED else "", ids, self.ended)


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
