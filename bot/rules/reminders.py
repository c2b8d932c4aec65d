"""Due reminders: who gets which reminder now, merged to one message per person per day, and the
once-only claim that queues them through the outbox.

Rules: a stage is due from its moment until the next stage or the period's end, so a run missed
during downtime catches up once; a later stage supersedes an earlier one not yet sent. Nothing goes
out in quiet hours or on a non-working day, nor to someone paused or snoozed, nor to someone who had
a reminder today. When another stage falls later today, the person's reminders wait for it and go
out together. Each (person, rule, period, stage) is claimed by a unique `ReminderSent` row in the
same transaction as the outbox row: two schedulers, or a restart, can never send it twice.

Example: `due_reminders(db, settings, now, Scope(school_id=1))` on Thursday 17:00.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.chat.messages import Button, Choice, Reply
from bot.chat.outbox import Outbox
from bot.config import Settings
from bot.rules.catalog import Rule
from bot.rules.engine import Evaluation, Obligation, evaluate
from bot.rules.models import ReminderSent
from bot.rules.queries import PersonRow, Scope
from bot.rules.reminder_texts import item_text, items_text, merged_text
from bot.rules.stages import Stage, stages_for
from bot.schedule.periods import Period
from bot.schedule.school_calendar import SchoolCalendar, calendar_for
from bot.store.models import School
from bot.terms.clock_times import parse_time

CLAIM_BATCH = 500


@dataclass(frozen=True)
class ReminderItem:
    """One rule's reminder for one person: the stage due and what it says."""

    rule: Rule
    period: Period
    stage: int
    text: str

    @property
    def key(self) -> tuple[str, str, int]:
        return self.rule.id, self.period.key, self.stage


@dataclass
class ReminderPlan:
    """Everything one person is reminded of now, sent as one message."""

    person: PersonRow
    items: list[ReminderItem] = field(default_factory=list)

    @property
    def text(self) -> str:
        return merged_text(self.person.name, [i.text for i in self.items])

    def card(self) -> Choice:
        """The reminder as a card: 记录一次 / 本周请假 / 下周再提醒 (the same typed elsewhere)."""
        return Choice(subject=reminder_subject(self.person.id), title=f"{self.person.name}您好，基层联系提醒",
                      text=self.text, description=items_text([i.text for i in self.items]),
                      buttons=(Button("记录一次", "record"), Button("本周请假", "leave", style=2),
                               Button("下周再提醒", "snooze", style=2)))

    def as_json(self) -> dict[str, Any]:
        """The preview's JSON: `to`, `rule` (an id, or a list when merged), `text`, and the items."""
        rules = [i.rule.id for i in self.items]
        return {
            "to": self.person.userid, "name": self.person.name, "school_id": self.person.school_id,
            "rule": rules[0] if len(rules) == 1 else rules, "text": self.text,
            "items": [{"rule": i.rule.id, "period": i.period.key, "stage": i.stage} for i in self.items],
        }


def reminder_subject(person_id: int) -> str:
    """The subject of a person's reminder cards: "remind:<person id>" (a pause settles them all)."""
    return f"remind:{person_id}"


def in_quiet_hours(settings: Settings, at: datetime) -> bool:
    """Tell whether a moment falls in `[reminders]` quiet hours (school time; may span midnight)."""
    local = at.astimezone(settings.tz).time()
    start, end = parse_time(settings.reminders.quiet_start), parse_time(settings.reminders.quiet_end)
    if start == end:
        return False
    return start <= local or local < end if start > end else start <= local < end


def may_send_at(settings: Settings, cal: SchoolCalendar, at: datetime) -> bool:
    """Tell whether reminders may go out at a moment: a working day, outside quiet hours."""
    return settings.reminders.enabled and cal.is_workday(cal.local_day(at)) and not in_quiet_hours(settings, at)


def _rule_stages(ev: Evaluation, cal: SchoolCalendar, settings: Settings) -> dict[str, tuple[Period, list[Stage]]]:
    """Return each rule's current period and stages (weekly rules only in teaching weeks)."""
    out = {}
    for rule in ev.rules:
        period = ev.periods.get(rule.period)
        if period is None or (rule.weekly and not ev.week.teaching):
            continue
        out[rule.id] = (period, stages_for(rule, period, cal, settings))
    return out


def _sent(db: Session, scope: Scope, stages: dict[str, tuple[Period, list[Stage]]], today: date
          ) -> tuple[dict[tuple[int, str, str], int], set[int]]:
    """Return the highest stage sent per (person, rule, period), and who had a reminder today."""
    rules = list(stages)
    keys = {p.key for p, _ in stages.values()}
    highest: dict[tuple[int, str, str], int] = {}
    if rules:
        rows = db.execute(
            select(ReminderSent.person_id, ReminderSent.rule, ReminderSent.period, func.max(ReminderSent.stage))
            .where(ReminderSent.rule.in_(rules), ReminderSent.period.in_(keys),
                   *scope.on(ReminderSent.person_id, ReminderSent.school_id))
            .group_by(ReminderSent.person_id, ReminderSent.rule, ReminderSent.period)
        )
        highest = {(pid, rule, period): stage for pid, rule, period, stage in rows}
    today_ids = set(db.scalars(
        select(ReminderSent.person_id).where(ReminderSent.sent_on == today,
                                             *scope.on(ReminderSent.person_id, ReminderSent.school_id)).distinct()
    ))
    return highest, today_ids


def due_reminders(db: Session, settings: Settings, now: datetime, scope: Scope | None = None,
                  ev: Evaluation | None = None) -> list[ReminderPlan]:
    """Return the reminders due now, one plan per person (nothing in quiet hours or on a non-working day)."""
    scope = scope or Scope()
    cal = calendar_for(settings)
    if not may_send_at(settings, cal, now):
        return []
    ev = ev or evaluate(db, settings, now, scope=scope)
    today = ev.today
    stages = _rule_stages(ev, cal, settings)
    due: dict[str, Stage] = {}
    later: dict[str, list[Stage]] = {}
    for rule_id, (_, rule_stages) in stages.items():
        passed = [s for s in rule_stages if s.at <= now]
        if passed:
            due[rule_id] = passed[-1]
        later[rule_id] = [s for s in rule_stages if now < s.at and cal.local_day(s.at) == today
                          and not in_quiet_hours(settings, s.at)]
    highest, reminded_today = _sent(db, scope, stages, today)
    plans = []
    for pid, status in ev.people.items():
        if pid in reminded_today or status.paused_on(today) is not None:
            continue
        open_by_rule: dict[str, list[Obligation]] = defaultdict(list)
        for o in status.obligations:
            if o.open and o.rule.id in stages:
                open_by_rule[o.rule.id].append(o)
        items, hold = [], False
        for rule_id, obligations in open_by_rule.items():
            period = stages[rule_id][0]
            sent = highest.get((pid, rule_id, period.key), 0)
            if any(s.number > sent for s in later[rule_id]):
                hold = True  # a stage of this rule comes later today: go out together then
            stage = due.get(rule_id)
            if stage is not None and stage.number > sent:
                items.append(ReminderItem(obligations[0].rule, period, stage.number,
                                          item_text(obligations, today, stage.final)))
        if items and not hold:
            plans.append(ReminderPlan(status.person, items))
    return plans


def _claim(db: Session, rows: list[dict[str, Any]]) -> set[tuple[int, str, str, int]]:
    """Insert ReminderSent rows, skipping any already there; return the keys this call inserted."""
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    else:  # pragma: no cover - the two supported databases
        raise RuntimeError(f"unsupported database {dialect}")
    cols = (ReminderSent.person_id, ReminderSent.rule, ReminderSent.period, ReminderSent.stage)
    claimed: set[tuple[int, str, str, int]] = set()
    for i in range(0, len(rows), CLAIM_BATCH):
        stmt = (insert(ReminderSent).values(rows[i:i + CLAIM_BATCH])
                .on_conflict_do_nothing(index_elements=["person_id", "rule", "period", "stage"])
                .returning(*cols))
        claimed.update((r[0], r[1], r[2], r[3]) for r in db.execute(stmt))
    return claimed


def queue_reminders(db: Session, school: School, plans: list[ReminderPlan], now: datetime, settings: Settings) -> int:
    """Claim each plan's stages once and queue one outbox message per person; return messages queued."""
    if not plans:
        return 0
    today = calendar_for(settings).local_day(now)
    rows = [dict(school_id=school.id, person_id=p.person.id, rule=i.rule.id, period=i.period.key, stage=i.stage,
                 sent_on=today, sent_at=now) for p in plans for i in p.items]
    claimed = _claim(db, rows)
    outbox = Outbox(db, school, now)
    queued = 0
    for plan in plans:
        items = [i for i in plan.items if (plan.person.id, *i.key) in claimed]
        if not items:
            continue  # another scheduler got there first
        plan = ReminderPlan(plan.person, items)
        sent = outbox.send(plan.person.userid, Reply(choice=plan.card()), purpose="reminder",
                           dedupe_key=f"reminder:{school.code}:{plan.person.userid}:{today.isoformat()}")
        if sent is None:  # a reminder already went today: give the stages back for tomorrow
            for item in items:
                db.execute(delete(ReminderSent).where(
                    ReminderSent.person_id == plan.person.id, ReminderSent.rule == item.rule.id,
                    ReminderSent.period == item.period.key, ReminderSent.stage == item.stage))
            continue
        queued += 1
    return queued
