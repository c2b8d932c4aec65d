"""Where evidence photos (N20) are kept: files under `[evidence] directory`, one folder per school,
named by the evidence row (jobs/evidence.py fetches them from WeCom; the console serves them). Files are
sealed with the current key (bot/store/crypto.py) and readable by the service's own user only: 0600 files in
0700 folders.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.store.crypto import Keyring
from bot.store.models import Evidence

FETCH_ATTEMPTS = 5  # a photo not fetched after this many tries is given up
VALID_FOR = timedelta(days=3)  # WeCom keeps a temporary media id this long


def given_up(evidence: Evidence, now: datetime) -> bool:
    """Whether a photo not stored yet will never be: too many failed tries, or its media id expired."""
    return evidence.fetch_attempts >= FETCH_ATTEMPTS or evidence.at < now - VALID_FOR


FILE_MODE = 0o600
FOLDER_MODE = 0o700


def store_photo(settings: Settings, keyring: Keyring, relative: str, data: bytes) -> None:
    """Write a photo sealed, whole or not at all (a temporary file renamed into place), 0600 in 0700 folders."""
    root = Path(settings.evidence.directory)
    path = root / relative
    write_private(path, keyring.seal_bytes(data), root)


def write_private(path: Path, data: bytes, root: Path) -> None:
    """Write a file only the service's user can read, in folders only it can enter (up to `root`)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    folder = path.parent
    while True:  # mkdir's mode is cut by the umask, and folders made before may be 0755
        os.chmod(folder, FOLDER_MODE)
        if folder == root or root not in folder.parents:
            break
        folder = folder.parent
    partial = path.with_suffix(path.suffix + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(partial, FILE_MODE)
    os.replace(partial, path)


def evidence_file(settings: Settings, evidence: Evidence) -> Path | None:
    """The stored photo of an evidence row, if it was fetched and is still on disk."""
    if not evidence.stored_path:
        return None
    root = Path(settings.evidence.directory).resolve()
    path = (root / evidence.stored_path).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None
