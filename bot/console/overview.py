"""The overview: where the school (department, or the leader themself; for the province every school)
stands this week, month, quarter and semester, who is behind, face-to-face contacts per week and the
venue mix, concerns open and overdue, the common problems (N14) and, over several schools, the schools
side by side by their rates this semester.

Example: GET /console/ — an admin reads "本周 7/10 位校领导已完成与学生面对面接触".
"""

from __future__ import annotations

from datetime import datetime, time

from flask import g, render_template

from bot.console import stats
from bot.console.charts import venue_bars, weekly_columns, weeks_window
from bot.console.compliance import behind, current_periods, standing_and_weeks, statuses_now, summarise
from bot.console.concern_board import CATEGORY_ZH, common_problems, concern_counts, problem_label
from bot.console.upstream import view_settings
from bot.rules.catalog import DEFAULT_RULES, PERIOD_ZH
from bot.rules.report_data import SchoolBlock, build_report
from bot.rules.terms import current_semester

BEHIND_SHOWN = 15


def show_overview() -> str:
    """Render the overview for the viewer's scope."""
    db, scope, deps = g.db, g.scope, g.deps
    settings = view_settings()
    now = deps.clock()
    today = deps.today(now)
    people = stats.leaders(db, scope.people())
    schools = _schools_by_rate()
    # One ledger pass gives the chart and where each leader stands now; over several schools, the semester's
    # ledger behind the comparison already holds the latter.
    statuses, per_week = standing_and_weeks(db, deps.settings, people, now, scope.school_ids, weeks_window(today),
                                            whole=scope.whole_schools, counts_only=bool(schools))
    if schools:
        statuses = statuses_now(people, {line.person.id: line.obligations for b in schools for line in b.leaders},
                                today)
    periods = current_periods(settings, today)
    mix_period = periods.get("semester") or periods["quarter"]
    week_start = datetime.combine(periods["week"].start, time.min, tzinfo=settings.tz)
    venues = stats.venue_mix(db, scope.contacts(), (mix_period.start, mix_period.end))
    mine = next((s for s in statuses if s.person.id == g.viewer.person_id), None)
    return render_template(
        "console/overview.html",
        today=today, periods=periods, summaries=summarise(statuses, periods), leaders=len(people),
        behind=behind(statuses)[:BEHIND_SHOWN], behind_total=len(behind(statuses)), mine=mine,
        columns=weekly_columns(per_week, today), venues=venue_bars(venues),
        mix_label=mix_period.label, concerns=concern_counts(db, scope.concerns(), now, week_start),
        problems=common_problems(db, scope.concerns(), limit=5), problem_label=problem_label, schools=schools,
        school_rules=[r for r in DEFAULT_RULES if any(r.id in b.rates for b in schools)],
        CATEGORY_ZH=CATEGORY_ZH, PERIOD_ZH=PERIOD_ZH,
    )


def _schools_by_rate() -> list[SchoolBlock]:
    """For a view over several schools: each school's counts and rates this semester, best rate first."""
    scope, deps = g.scope, g.deps
    if len(scope.school_ids) < 2:
        return []
    now = deps.clock()
    report = build_report(g.db, deps.settings, now, current_semester(deps.settings, deps.today(now)),
                          scope.school_ids, concerns=False)
    return sorted(report.schools, key=lambda b: (-(b.rates["all"].value or 0), b.name))
