"""The notice's rules: the defaults (bot/terms/default_rules.py, re-exported here) with a school's changes from
`[[rule]]`.

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

from dataclasses import replace
from functools import lru_cache

from bot.config import Settings
from bot.contacts.records import KIND_ZH, VENUE_ZH
from bot.terms.default_rules import (
    CONTACT_KINDS,
    DEFAULT_RULES,
    FACE_TO_FACE,
    FRONTLINE,
    IDEOLOGY_LECTURE,
    IN_PERSON_KINDS,
    MENTEE_ACTIVITY,
    MENTEE_TALK,
    ONLINE,
    PERIOD_ZH,
    RULE_IDS,
    Rule,
)

# The defaults and the contact words are re-exported: the rules capability's vocabulary in one place.
__all__ = [
    "CONTACT_KINDS",
    "DEFAULT_RULES",
    "FACE_TO_FACE",
    "FRONTLINE",
    "IDEOLOGY_LECTURE",
    "IN_PERSON_KINDS",
    "KIND_ZH",
    "MENTEE_ACTIVITY",
    "MENTEE_TALK",
    "ONLINE",
    "PERIOD_ZH",
    "RULE_IDS",
    "Rule",
    "VENUE_ZH",
    "rule_by_id",
    "rules_for",
]


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
