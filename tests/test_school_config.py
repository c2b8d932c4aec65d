"""Several schools in one deployment (N4, N10): a `[[schools]]` entry may carry its own `[schools.rules]`,
`[[schools.rule]]`, `[[schools.semesters]]`, `[[schools.holidays]]` and `[schools.calendar]`, replacing the
deployment's for that school only, checked at start-up with the key named; and `[report]`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings, school_settings
from bot.rules.catalog import rule_by_id, rules_for
from bot.schedule.school_calendar import calendar_for

DEPLOYMENT = """
[rules]
confirm_days = 9
pause_max_days = 30

[[rule]]
id = "monthly_chief_contact"
count = 4

[[semesters]]
name = "2026秋季学期"
start = 2026-09-07
end = 2027-01-17

[[schools]]
code = "hbut"
name = "河北第二大学"
"""

OWN = DEPLOYMENT + """
[schools.rules]
confirm_days = 3

[schools.calendar]
min_working_days = 2

[[schools.rule]]
id = "monthly_chief_contact"
count = 3

[[schools.rule]]
id = "semester_ideology_lecture"
enabled = false

[[schools.semesters]]
name = "2026-2027学年第一学期"
start = 2026-09-01
end = 2027-01-10

[[schools.holidays]]
name = "校庆"
start = 2026-10-20
"""


def load(tmp_path: Path, text: str) -> Settings:
    cfg = tmp_path / "c.toml"
    cfg.write_text(text, encoding="utf-8")
    return load_settings(cfg, env={})


def test_a_school_with_its_own_rules_calendar_and_semesters(tmp_path: Path) -> None:
    s = load(tmp_path, OWN)
    own = school_settings(s, "hbut")
    assert school_settings(s, "default") is s and school_settings(s, "nosuch") is s
    # [schools.rules] changes only the keys it sets; the rest is the deployment's.
    assert own.rules.confirm_days == 3 and own.rules.pause_max_days == 30
    assert own.calendar.min_working_days == 2 and own.calendar.work_start == s.calendar.work_start
    # [[schools.rule]] replaces the deployment's [[rule]] list for this school.
    assert rule_by_id(s, "monthly_chief_contact").count == 4  # type: ignore[union-attr]
    assert rule_by_id(own, "monthly_chief_contact").count == 3  # type: ignore[union-attr]
    assert rule_by_id(own, "semester_ideology_lecture") is None
    assert len(rules_for(own)) == len(rules_for(s)) - 1
    # Its own semesters and holidays.
    assert calendar_for(own).semester_at(date(2026, 9, 2)).name == "2026-2027学年第一学期"  # type: ignore[union-attr]
    assert calendar_for(s).semester_at(date(2026, 9, 2)) is None  # the deployment's starts on 09-07
    assert not calendar_for(own).is_workday(date(2026, 10, 20)) and calendar_for(s).is_workday(date(2026, 10, 20))


def test_a_school_without_its_own_keeps_the_deployments(tmp_path: Path) -> None:
    s = load(tmp_path, DEPLOYMENT)
    assert school_settings(s, "hbut") is s


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ('[[schools.rule]]\nid = "weekly_facetime"\n', r"\[schools\[0\]\.rule\[0\]\] id: unknown rule 'weekly_facetime'"),
        ('[[schools.rule]]\nid = "weekly_face_to_face"\nkinds = ["online"]\n', r"\[schools\[0\]\.rule\[0\]\] kinds"),
        ("[schools.calendar]\nmin_working_days = 9\n", r"\[schools\[0\]\.calendar\] min_working_days"),
        ("[schools.rules]\nconfirm_dayz = 3\n", r"\[schools\[0\]\.rules\] confirm_dayz"),
        ('[[schools.semesters]]\nname = "a"\nstart = 2026-09-01\n', r"\[schools\[0\]\.semesters\[0\]\] start and end"),
        ('[[schools.semesters]]\nname = "a"\nstart = 2026-09-01\nend = 2027-01-10\n'
         '[[schools.semesters]]\nname = "b"\nstart = 2027-01-01\nend = 2027-06-10\n', r"\[\[schools\[0\]\.semesters\]\]"),
        ('[[schools.holidays]]\nstart = "2026-10-01"\n', r"\[schools\[0\]\.holidays\[0\]\] start"),
        ("[schools.rule]\nid = 1\n", r"\[\[schools\[0\]\.rule\]\] must be an array"),
    ],
)
def test_a_schools_bad_rule_or_calendar_stops_start_up_naming_it(tmp_path: Path, extra: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load(tmp_path, DEPLOYMENT + extra)


def test_report_settings(tmp_path: Path) -> None:
    s = load(tmp_path, DEPLOYMENT + '[report]\nenabled = true\nday = 3\nrecipients = ["role:admin", "zhao"]\n'
                                    'province_recipients = ["hbut:prov01", "boss"]\n')
    assert s.report.enabled and s.report.day == 3
    for bad, named in (("day = 31", "day"), ('covers = "week"', "covers"), ('time = "9点"', r"\[report\] time"),
                       ('province_recipients = ["nosuch:prov01"]', "province_recipients"),
                       ('recipients = ["role:"]', "recipients")):
        with pytest.raises(ConfigError, match=named):
            load(tmp_path, f"[report]\n{bad}\n")
