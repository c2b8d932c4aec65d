"""The whole database schema: every model module imported, so `Base.metadata` holds every table.

Alembic (bot/store/migrations/env.py) and the schema tests compare against it. Model modules import only the
core tables of `bot.store.models`, never each other's capability: a new table's module is added here.

Example: `from bot.schema import Base` then `Base.metadata.tables["concern_group"]`.
"""

from __future__ import annotations

import bot.cards.models  # noqa: F401  (template cards sent, migration 0011)
import bot.channels.binding  # noqa: F401  (the Official Account binding codes, migration 0002)
import bot.concerns.models  # noqa: F401  (the concerns capability's own tables)
import bot.console.models  # noqa: F401  (the console's local accounts)
import bot.rules.models  # noqa: F401  (the rules capability's own tables)
from bot.store.models import Base

__all__ = ["Base"]
