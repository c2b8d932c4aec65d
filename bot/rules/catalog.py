"""The notice's rules with their defaults, and a school's changes from `[[rule]]`.

| id | clause | who | what |
|---|---|---|---|
| weekly_face_to_face | N1 | school leaders | ≥ 1 face-to-face contact with students per teaching week (online never counts) |
| semester_ideology_lecture | N2 | school leaders | ≥ 1 ideology / 形势与政策 lecture per semester |
| quarterly_mentee_talk | N7 | school leaders, middle chiefs | ≥ 1 talk per linked counselor/teacher per quarter |
| semester_mentee_activity | N8 | school leaders, middle chiefs | ≥ 1 part in each linked one's work per semester |
| monthly_chief_contact | N4 | middle chiefs | the school sets it; default ≥ 2 face-to-face contacts a month |
| weekly_frontline_share | N5 | student-affairs heads | front-line time ≥ 50 % of the week's working half-days |
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from bot.config import Settings
from bot.contacts import KIND_ZH, VENUE_ZH  # noqa: F401  (re-exported: the contact capability's words)
from bot.roles import MIDDLE_CHIEF, SCHOOL_LEADER, STUDENT_AFFAIRS_HEAD

FACE_TO_FACE = "face_to_face"
ONLINE = "online"
IDEOLOGY_LECTURE = "ideology_lecture"
MENTEE_TALK = "mentee_talk"
MENTEE_ACTIVITY = "mentee_activity"
FRONTLINE = "frontline"
CONTACT_KINDS = (FACE_TO_FACE, ONLINE, IDEOLOGY_LECTURE, MENTEE_TALK, MENTEE_ACTIVITY, FRONTLINE)
# Kinds that put the leader in a room with students: a visit, their own lecture, a mentee's class meeting.
IN_PERSON_KINDS = (FACE_TO_FACE, IDEOLOGY_LECTURE, MENTEE_ACTIVITY)
PERIOD_ZH = {"week": "本周", "month": "本月", "quarter": "本季度", "semester": "本学期"}


@dataclass(frozen=True)
class Rule:
    """One obligation: who, per which period, which contact kinds count, and how much is required."""

    id: str
    clause: str  # the notice's clause, N1…
    title: str  # what it asks, in Chinese
    roles: frozenset[str]
    period: str  # week / month / quarter / semester
    kinds: tuple[str, ...]
    count: int = 1  # contacts required (per link for per_link rules)
    share: float = 0.0  # > 0: required share of the period's working half-days, in `half_days` (N5)
    per_link: bool = False  # counted per linked counselor/teacher (N7, N8)
    link_title: str = ""  # what it asks of one link, "与{name}面对面交流"

    @property
    def weekly(self) -> bool:
        return self.period == "week"


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("weekly_face_to_face", "N1", "与学生面对面接触", frozenset({SCHOOL_LEADER}), "week", IN_PERSON_KINDS, 1),
    Rule("semester_ideology_lecture", "N2", "讲授思政课或形势与政策课", frozenset({SCHOOL_LEADER}), "semester",
         (IDEOLOGY_LECTURE,), 1),
    Rule("quarterly_mentee_talk", "N7", "与联系的辅导员/思政课教师面对面交流", frozenset({SCHOOL_LEADER, MIDDLE_CHIEF}),
         "quarter", (MENTEE_TALK,), 1, per_link=True, link_title="与{name}面对面交流"),
    Rule("semester_mentee_activity", "N8", "参与联系的辅导员/思政课教师的工作（班会、谈心、课堂）",
         frozenset({SCHOOL_LEADER, MIDDLE_CHIEF}), "semester", (MENTEE_ACTIVITY,), 1, per_link=True,
         link_title="参与{name}的工作"),
    Rule("monthly_chief_contact", "N4", "与学生面对面接触", frozenset({MIDDLE_CHIEF}), "month", IN_PERSON_KINDS, 2),
    Rule("weekly_frontline_share", "N5", "深入学生一线的工作时间", frozenset({STUDENT_AFFAIRS_HEAD}), "week",
         (FRONTLINE,), 0, share=0.5),
)
RULE_IDS = tuple(r.id for r in DEFAULT_RULES)


@lru_cache(maxsize=16)
def rules_for(settings: Settings) -> tuple[Rule, ...]:
    """Return the enabled rules: the defaults with the school's `[[rule]]` changes applied."""
    changes = {entry.id: entry for entry in settings.rule}
    out = []
    for rule in DEFAULT_RULES:
        entry = changes.get(rule.id)
        if entry is None:
            out.append(rule)
            continue
        if not entry.enabled:
            continue
        out.append(replace(
            rule,
            roles=frozenset(entry.roles) or rule.roles,
            kinds=tuple(entry.kinds) or rule.kinds,
            count=entry.count or rule.count,
            share=entry.share or rule.share,
        ))
    return tuple(out)


def rule_by_id(settings: Settings, rule_id: str) -> Rule | None:
    """Return an enabled rule by id."""
    return next((r for r in rules_for(settings) if r.id == rule_id), None)
