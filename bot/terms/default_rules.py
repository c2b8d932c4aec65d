"""The notice's rules as plain values: contact kinds, periods and the six default rules (the table in
bot/rules/catalog.py). Below the config, which checks a school's `[[rule]]` changes against them.

Example: `RULE_IDS` → ("weekly_face_to_face", "semester_ideology_lecture", …); `IN_PERSON_KINDS` counts for N1.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.terms.roles import MIDDLE_CHIEF, SCHOOL_LEADER, STUDENT_AFFAIRS_HEAD

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
