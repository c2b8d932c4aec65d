"""Encryption at rest: the words and identities that matter most are sealed in the application before
they reach the database or the disk (AES-256-GCM, or SM4-GCM for a school whose 密评 asks for it),
each value carrying the id of the key that sealed it, so keys can be rotated (`contactbot keys rotate`).

Keys come from `[encryption] keys` (or CONTACTBOT_ENCRYPTION_KEYS), each "id:algorithm:base64"; the
`current` one seals, every listed one opens. A database with no key configured stores the same columns
marked as plain text (the demo, a first try), and says so at start-up.

Stored forms: "enc:<key id>:<base64 of nonce+ciphertext+tag>" or "plain:<text>" for text columns;
{"sealed": "enc:…"} for JSON columns; b"CBE1" + key id + nonce + ciphertext for files.

Example: `SealedText()` on Concern.text; `Keyring.from_settings(settings).seal("最近失眠很严重")`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import JSON, Text, TypeDecorator
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import Session

from bot.config import ConfigError, Settings

ALGORITHMS = {"aes256gcm": 32, "sm4gcm": 16}  # algorithm -> key length in bytes
ENC, PLAIN = "enc:", "plain:"
FILE_MAGIC = b"CBE1"
NONCE = 12
TAG = 16
DIALECT_ATTR = "contactbot_keyring"


class SealError(Exception):
    """A value that cannot be opened: its key is not configured, or it was altered."""


@dataclass(frozen=True)
class Key:
    """One key: its id (stored with every value it seals), algorithm and bytes."""

    id: str
    algorithm: str
    secret: bytes

    @classmethod
    def parse(cls, text: str) -> Key:
        """Read "id:algorithm:base64"; raise ConfigError naming what is wrong."""
        parts = text.strip().split(":")
        if len(parts) != 3 or not parts[0] or not parts[0].isalnum() or len(parts[0]) > 16:
            raise ConfigError("config: [encryption] keys entries are \"id:algorithm:base64\" (id: letters/digits)")
        kid, algorithm, encoded = parts
        if algorithm not in ALGORITHMS:
            raise ConfigError(f"config: [encryption] key {kid}: algorithm must be one of {', '.join(ALGORITHMS)}")
        try:
            secret = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ConfigError(f"config: [encryption] key {kid} is not valid base64") from None
        if len(secret) != ALGORITHMS[algorithm]:
            raise ConfigError(f"config: [encryption] key {kid}: {algorithm} needs {ALGORITHMS[algorithm]} bytes")
        return cls(kid, algorithm, secret)

    def encrypt(self, plain: bytes) -> bytes:
        """Return nonce + ciphertext + tag."""
        nonce = os.urandom(NONCE)
        if self.algorithm == "aes256gcm":
            return nonce + AESGCM(self.secret).encrypt(nonce, plain, self.id.encode())
        encryptor = Cipher(algorithms.SM4(self.secret), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(self.id.encode())
        body = encryptor.update(plain) + encryptor.finalize()
        return nonce + body + encryptor.tag

    def decrypt(self, sealed: bytes) -> bytes:
        """Open nonce + ciphertext + tag; raise SealError if it was altered."""
        nonce, body = sealed[:NONCE], sealed[NONCE:]
        try:
            if self.algorithm == "aes256gcm":
                return AESGCM(self.secret).decrypt(nonce, body, self.id.encode())
            decryptor = Cipher(algorithms.SM4(self.secret), modes.GCM(nonce, body[-TAG:])).decryptor()
            decryptor.authenticate_additional_data(self.id.encode())
            return decryptor.update(body[:-TAG]) + decryptor.finalize()
        except (InvalidTag, ValueError):
            raise SealError(f"a value sealed with key {self.id} does not open: it was altered") from None


def generate_key(kid: str, algorithm: str = "aes256gcm") -> str:
    """Return a new key line for [encryption] keys."""
    return f"{kid}:{algorithm}:{base64.b64encode(secrets.token_bytes(ALGORITHMS[algorithm])).decode()}"


@dataclass(frozen=True)
class Keyring:
    """The configured keys: `current` seals (None: nothing is sealed), all of them open."""

    keys: dict[str, Key]
    current: Key | None

    @classmethod
    def from_settings(cls, settings: Settings) -> Keyring:
        """Build the keyring from [encryption]; raise ConfigError for a bad key or an unknown current id."""
        e = settings.encryption
        keys: dict[str, Key] = {}
        for line in e.keys:
            key = Key.parse(line)
            if key.id in keys:
                raise ConfigError(f"config: [encryption] key id {key.id} is listed twice")
            keys[key.id] = key
        if e.current and e.current not in keys:
            raise ConfigError(f"config: [encryption] current = {e.current!r} is not among the keys")
        current = keys[e.current] if e.current else next(iter(keys.values()), None)
        return cls(keys, current)

    @property
    def enabled(self) -> bool:
        return self.current is not None

    def key(self, kid: str) -> Key:
        found = self.keys.get(kid)
        if found is None:
            raise SealError(f"a value is sealed with key {kid}, which is not in [encryption] keys")
        return found

    # --- text ---

    def seal(self, text: str) -> str:
        """Return the stored form of a text: sealed under the current key, or marked plain."""
        if self.current is None:
            return PLAIN + text
        body = base64.b64encode(self.current.encrypt(text.encode())).decode()
        return f"{ENC}{self.current.id}:{body}"

    def open(self, stored: str) -> str:
        """Return the text a stored form holds (rows from before sealing existed are returned as they are)."""
        if stored.startswith(PLAIN):
            return stored[len(PLAIN):]
        if not stored.startswith(ENC):
            return stored
        kid, _, body = stored[len(ENC):].partition(":")
        return self.key(kid).decrypt(base64.b64decode(body)).decode()

    def is_current(self, stored: str | None) -> bool:
        """Tell whether a stored text is already in the form the current configuration writes."""
        if stored is None:
            return True
        if self.current is None:
            return stored.startswith(PLAIN)
        return stored.startswith(f"{ENC}{self.current.id}:")

    # --- files ---

    def seal_bytes(self, data: bytes) -> bytes:
        """Return a file's stored bytes (unchanged when no key is configured)."""
        if self.current is None:
            return data
        kid = self.current.id.encode()
        return FILE_MAGIC + bytes([len(kid)]) + kid + self.current.encrypt(data)

    def open_bytes(self, stored: bytes) -> bytes:
        """Return a file's contents from its stored bytes."""
        if not stored.startswith(FILE_MAGIC):
            return stored
        size = stored[len(FILE_MAGIC)]
        start = len(FILE_MAGIC) + 1
        kid = stored[start:start + size].decode()
        return self.key(kid).decrypt(stored[start + size:])

    def bytes_current(self, stored: bytes) -> bool:
        """Tell whether a stored file is in the form the current configuration writes."""
        if self.current is None:
            return not stored.startswith(FILE_MAGIC)
        kid = self.current.id.encode()
        return stored.startswith(FILE_MAGIC + bytes([len(kid)]) + kid)

    # --- blind index ---

    def tags(self, value: str) -> list[str]:
        """Return the keyed digests of a value under every key (the current one first): what a sealed
        identity can be found by without being readable. Empty when no key is configured."""
        ordered = ([self.current] if self.current else []) + [k for k in self.keys.values() if k is not self.current]
        return [_tag(k, value) for k in ordered]

    def tag(self, value: str) -> str | None:
        """Return the current key's digest of a value, or None when no key is configured."""
        return _tag(self.current, value) if self.current else None


def _tag(key: Key, value: str) -> str:
    mac_key = hashlib.sha256(b"contactbot tag\0" + key.secret).digest()
    return f"{key.id}:{hmac.new(mac_key, value.encode(), hashlib.sha256).hexdigest()[:40]}"


NO_KEYS = Keyring({}, None)


def install_keyring(engine: Engine, keyring: Keyring) -> None:
    """Give an engine its keyring: the sealed column types find it on the engine's dialect."""
    setattr(engine.dialect, DIALECT_ATTR, keyring)


def keyring_of(dialect: Dialect) -> Keyring:
    """Return the keyring installed on a dialect (none: values are stored marked plain)."""
    found = getattr(dialect, DIALECT_ATTR, None)
    return found if isinstance(found, Keyring) else NO_KEYS


class SealedText(TypeDecorator[str]):
    """A text column sealed with the engine's current key (or marked plain without one)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else keyring_of(dialect).seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else keyring_of(dialect).open(value)


class SealedJSON(TypeDecorator[dict[str, Any]]):
    """A JSON column whose object is sealed whole as {"sealed": "enc:…"} (left as JSON without a key)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: dict[str, Any] | None, dialect: Dialect) -> dict[str, Any] | None:
        keyring = keyring_of(dialect)
        if value is None or not keyring.enabled:
            return value
        return {"sealed": keyring.seal(json.dumps(value, ensure_ascii=False))}

    def process_result_value(self, value: Any, dialect: Dialect) -> dict[str, Any] | None:
        if isinstance(value, dict) and set(value) == {"sealed"} and isinstance(value["sealed"], str):
            opened: dict[str, Any] = json.loads(keyring_of(dialect).open(value["sealed"]))
            return opened
        return value  # type: ignore[no-any-return]


def session_keyring(db: Session) -> Keyring:
    """Return the keyring of the engine a session runs on."""
    return keyring_of(db.get_bind().dialect)
