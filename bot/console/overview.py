"""The overview: where the school (department, or the leader themself; for the province every school)
stands this week, month, quarter and semester, who is behind, face-to-face contacts per week and the
venue mix, concerns open and overdue, and the common problems (N14).

Example: GET /console/ — an admin reads "本周 7/10 位校领导已完成与学生面对面接触".
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time

from flask import g, render_template
from sqlalchemy import select

from bot.console import stats
from bot.console.charts import venue_bars, weekly_columns, weeks_window
from bot.console.compliance import LeaderStatus, behind, current_periods, leader_statuses, summarise
from bot.console.concern_board import CATEGORY_ZH, common_problems, concern_counts, problem_label
from bot.models import School
from bot.rules.catalog import IN_PERSON_KINDS, PERIOD_ZH

BEHIND_SHOWN = 15


def show_overview() -> str:
    """Render the overview for the viewer's scope."""
    db, scope, deps = g.db, g.scope, g.deps
    settings = deps.settings
    now = deps.clock()
    today = deps.today(now)
    people_where = scope.people()
    people = stats.leaders(db, people_where)
    statuses = leader_statuses(db, settings, people, now, scope.school_ids, whole=scope.whole_schools)
    periods = current_periods(settings, today)
    contacts_where = scope.contacts()
    mix_period = periods.get("semester") or periods["quarter"]
    week_start = datetime.combine(periods["week"].start, time.min, tzinfo=settings.tz)
    mix = stats.contact_mix(db, contacts_where, IN_PERSON_KINDS, weeks_window(today), (mix_period.start, mix_period.end))
    mine = next((s for s in statuses if s.person.id == g.viewer.person_id), None)
    return render_template(
        "console/overview.html",
        today=today, periods=periods, summaries=summarise(statuses, periods), leaders=len(people),
        behind=behind(statuses)[:BEHIND_SHOWN], behind_total=len(behind(statuses)), mine=mine,
        columns=weekly_columns(mix.per_day, today), venues=venue_bars(mix.venues),
        mix_label=mix_period.label, concerns=concern_counts(db, scope.concerns(), now, week_start),
        problems=common_problems(db, scope.concerns(), limit=5), problem_label=problem_label, schools=_by_school(statuses, scope.school_ids),
        CATEGORY_ZH=CATEGORY_ZH, PERIOD_ZH=PERIOD_ZH,
    )


def _by_school(statuses: list[LeaderStatus], school_ids: tuple[int, ...]) -> list[tuple[School, int, int, int]]:
    """For a view over several schools: each school with its leaders, those with gaps, and gaps in all."""
    if len(school_ids) < 2:
        return []
    grouped: dict[int, list[LeaderStatus]] = defaultdict(list)
    for status in statuses:
        grouped[status.person.school_id].append(status)
    schools = g.db.scalars(select(School).where(School.id.in_(school_ids)).order_by(School.id))
    return [(s, len(grouped[s.id]), sum(1 for x in grouped[s.id] if x.unmet),
             sum(len(x.unmet) for x in grouped[s.id])) for s in schools]
