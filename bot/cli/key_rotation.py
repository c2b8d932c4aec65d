"""Re-sealing everything under the current key: `contactbot keys rotate` after a new key is made current,
and `contactbot db upgrade` (which seals what was stored before a key was configured: migration 0007
marks old texts plain without needing a key). Idempotent: values already under the current key are left.

What it covers: every sealed column (concern texts and messages, common-problem titles, stored chat
replies, outbox payloads, TOTP secrets, the crisis detector's labelled examples), anonymous senders (sealed, their digest recomputed), and the
evidence photo files. With no key configured it opens everything back to plain (before removing keys).

Example: add "k2:aes256gcm:…" to [encryption] keys, set current = "k2", run `contactbot keys rotate`,
then remove k1 once it reports nothing left under it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Text, select, type_coerce, update
from sqlalchemy.orm import Session

from bot.concerns.models import ConcernGroup, FeedbackExample
from bot.concerns.senders import set_sender
from bot.config import Settings
from bot.console.models import ConsoleAccount
from bot.contacts.evidence import evidence_file, write_private
from bot.store.crypto import ENC, Keyring, session_keyring
from bot.store.models import Concern, ConcernMessage, Evidence, InboundMessage, OutboundMessage, Person

BATCH = 1000
SEALED_TEXT = ((Concern, "text"), (ConcernMessage, "text"), (ConcernGroup, "label"), (InboundMessage, "reply"),
               (ConsoleAccount, "totp_secret"), (Concern, "sender_ref"), (FeedbackExample, "text"))


def _batches(db: Session, model: Any, column: Any, stored_type: Any) -> Iterator[list[tuple[int, Any]]]:
    last = 0
    while True:
        rows = db.execute(select(model.id, type_coerce(column, stored_type)).where(model.id > last, column.is_not(None))
                          .order_by(model.id).limit(BATCH)).all()
        if not rows:
            return
        yield [(int(r[0]), r[1]) for r in rows]
        last = int(rows[-1][0])


def reseal(db: Session, settings: Settings) -> dict[str, int]:
    """Bring every sealed value under the session engine's current key; return how many were rewritten."""
    keyring = session_keyring(db)
    counts: dict[str, int] = {}
    for model, name in SEALED_TEXT:
        column = getattr(model, name)
        n = 0
        for batch in _batches(db, model, column, Text):
            for row_id, stored in batch:
                if not keyring.is_current(stored):
                    db.execute(update(model).where(model.id == row_id).values({name: keyring.open(stored)}))
                    n += 1
        counts[f"{model.__tablename__}.{name}"] = n
    counts["outbound_message.payload"] = _payloads(db, keyring)
    counts["anonymous senders"] = _senders(db, keyring)
    counts["evidence files"] = reseal_files(db, settings, keyring)
    return counts


def _payloads(db: Session, keyring: Keyring) -> int:
    n = 0
    column = OutboundMessage.payload
    for batch in _batches(db, OutboundMessage, column, JSON):
        for row_id, stored in batch:
            sealed = isinstance(stored, dict) and set(stored) == {"sealed"}
            current = keyring.is_current(stored["sealed"]) if sealed else not keyring.enabled
            if not current:
                value = OutboundMessage.payload.type.process_result_value(stored, db.get_bind().dialect)
                db.execute(update(OutboundMessage).where(OutboundMessage.id == row_id).values(payload=value))
                n += 1
    return n


def _senders(db: Session, keyring: Keyring) -> int:
    """Seal the senders of anonymous tickets stored by id, and recompute digests made with another key."""
    n = 0
    for concern in db.scalars(select(Concern).where(Concern.anonymous.is_(True), Concern.purged_at.is_(None))):
        wanted_tag = keyring.tag(concern.sender_ref or str(concern.sender_id or ""))
        sealed = concern.sender_ref is not None
        if (keyring.enabled and (not sealed or concern.sender_tag != wanted_tag)) or (not keyring.enabled and sealed):
            person_id = concern.sender_id or int(concern.sender_ref or 0)
            person = db.get(Person, person_id)
            if person is not None:
                set_sender(db, concern, person)
                n += 1
    return n


def reseal_files(db: Session, settings: Settings, keyring: Keyring) -> int:
    """Re-seal the stored evidence photos under the current key (and make them 0600 in 0700 folders)."""
    n = 0
    root = Path(settings.evidence.directory)
    for evidence in db.scalars(select(Evidence).where(Evidence.stored_path.is_not(None))):
        path = evidence_file(settings, evidence)
        if path is None:
            continue
        stored = path.read_bytes()
        if not keyring.bytes_current(stored):
            write_private(path, keyring.seal_bytes(keyring.open_bytes(stored)), root.resolve())
            n += 1
    return n


def still_under(db: Session, kid: str) -> int:
    """Count the sealed texts still under a key id (0: the key may be removed)."""
    total = 0
    for model, name in SEALED_TEXT:
        column = getattr(model, name)
        for batch in _batches(db, model, column, Text):
            total += sum(1 for _, stored in batch if str(stored).startswith(f"{ENC}{kid}:"))
    return total
