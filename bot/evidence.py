"""Where evidence photos (N20) are kept: files under `[evidence] directory`, one folder per school,
named by the evidence row (jobs/evidence.py fetches them from WeCom; the console serves them).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.models import Evidence

FETCH_ATTEMPTS = 5  # a photo not fetched after this many tries is given up
VALID_FOR = timedelta(days=3)  # WeCom keeps a temporary media id this long


def given_up(evidence: Evidence, now: datetime) -> bool:
    """Whether a photo not stored yet will never be: too many failed tries, or its media id expired."""
    return evidence.fetch_attempts >= FETCH_ATTEMPTS or evidence.at < now - VALID_FOR


def store_photo(settings: Settings, relative: str, data: bytes) -> None:
    """Write a photo whole or not at all (a temporary file renamed into place)."""
    path = Path(settings.evidence.directory) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)


def evidence_file(settings: Settings, evidence: Evidence) -> Path | None:
    """The stored photo of an evidence row, if it was fetched and is still on disk."""
    if not evidence.stored_path:
        return None
    root = Path(settings.evidence.directory).resolve()
    path = (root / evidence.stored_path).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None
