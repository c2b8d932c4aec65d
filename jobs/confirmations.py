"""Job `confirmations`: mark talks and activities still unconfirmed by their counselor/teacher after
`[rules] confirm_days` (N20; a school's own `[schools.rules]` if it has one), so the digest and the record
show them. Set-based and idempotent.
"""

from __future__ import annotations

from bot.chat.context import Deps
from bot.rules.confirmations import mark_unconfirmed
from bot.rules.school_groups import school_groups


def mark_unconfirmed_records(deps: Deps) -> int:
    """Mark overdue confirmations, each school after its own days; return the records newly marked."""
    with deps.sessions.begin() as db:
        return sum(mark_unconfirmed(db, deps.clock(), group.settings.rules.confirm_days, group.ids)
                   for group in school_groups(db, deps.settings))
