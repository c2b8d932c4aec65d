"""The notice's rules as code: rule config, the compliance engine, reminders, digests, pauses,
counterpart confirmations and link assignment.

Example: `compliance_for(db, leader, at=now, settings=settings)` then `render_progress(status)` answers
"我的进度". Names are loaded lazily so that `bot.models` can import `bot.rules.models` without a cycle.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "compliance_for": "bot.rules.progress",
    "render_progress": "bot.rules.progress",
    "evaluate": "bot.rules.engine",
    "rules_for": "bot.rules.catalog",
    "request_confirmations": "bot.rules.confirmations",
}


def __getattr__(name: str) -> Any:
    """Import the public names on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
