"""Job `confirmations`: mark talks and activities still unconfirmed by their counselor/teacher after
`[rules] confirm_days` (N20), so the digest and the record show them. Set-based and idempotent.
"""

from __future__ import annotations

from bot.context import Deps
from bot.rules.confirmations import mark_unconfirmed


def mark_unconfirmed_records(deps: Deps) -> int:
    """Mark overdue confirmations; return the number of records newly marked unconfirmed."""
    with deps.sessions.begin() as db:
        return mark_unconfirmed(db, deps.clock(), deps.settings.rules.confirm_days)
