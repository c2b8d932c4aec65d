"""Settings: read once from TOML (`--config` or `CONTACTBOT_CONFIG`), overridden per key by
`CONTACTBOT_<SECTION>_<KEY>` environment variables, validated, and frozen.

Example: `CONTACTBOT_DATABASE_URL=postgresql+psycopg://127.0.0.1/contactbot contactbot db upgrade`.
"""

from __future__ import annotations

import os
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENV_PREFIX = "CONTACTBOT_"


class ConfigError(Exception):
    """A config problem that stops start-up; the message names the key."""


@dataclass(frozen=True)
class AppSettings:
    timezone: str = "Asia/Shanghai"
    school: str = "default"
    school_name: str = "示例大学"
    public_url: str = "http://127.0.0.1:5000"
    secret_key: str = ""
    workers: int = 1
    log_level: str = "INFO"


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = ""
    echo: bool = False


@dataclass(frozen=True)
class RedisSettings:
    url: str = ""
    prefix: str = "bot"


@dataclass(frozen=True)
class WecomSettings:
    corp_id: str = ""
    agent_id: int = 0
    secret: str = ""
    token: str = ""
    encoding_aes_key: str = ""
    api_base_url: str = "https://qyapi.weixin.qq.com"
    reply_budget_seconds: float = 3.0
    dedupe_ttl_seconds: int = 86400


@dataclass(frozen=True)
class ContactSettings:
    backdate_mark_days: int = 2
    backdate_max_days: int = 14
    undo_hours: int = 24
    dialog_ttl_minutes: int = 30


@dataclass(frozen=True)
class SchoolEntry:
    code: str = ""
    name: str = ""
    corp_id: str = ""
    agent_id: int = 0
    secret: str = ""
    token: str = ""
    encoding_aes_key: str = ""


@dataclass(frozen=True)
class Settings:
    app: AppSettings = field(default_factory=AppSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    redis: RedisSettings = field(default_factory=RedisSettings)
    wecom: WecomSettings = field(default_factory=WecomSettings)
    contacts: ContactSettings = field(default_factory=ContactSettings)
    schools: tuple[SchoolEntry, ...] = ()
    source: str = ""  # the file the settings came from, "" for built-in defaults

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.app.timezone)

    @property
    def database_url(self) -> str:
        """Return the database URL; SQLite under ./instance/ when none is configured."""
        return self.database.url or f"sqlite:///{Path('instance').resolve() / 'contactbot.db'}"


# Sections that are tables of scalars (overridable from the environment) and arrays of tables.
SECTIONS: dict[str, type] = {
    "app": AppSettings,
    "database": DatabaseSettings,
    "redis": RedisSettings,
    "wecom": WecomSettings,
    "contacts": ContactSettings,
}
TABLE_ARRAYS: dict[str, type] = {"schools": SchoolEntry}


def load_settings(path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Load settings from a TOML file (or none) and the environment; raise ConfigError on any problem."""
    env = os.environ if env is None else env
    path = path or env.get(ENV_PREFIX + "CONFIG") or None
    raw: dict[str, Any] = {}
    if path:
        try:
            with open(path, "rb") as fh:
                raw = tomllib.load(fh)
        except FileNotFoundError:
            raise ConfigError(f"配置文件不存在: {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"配置文件 {path} 不是合法的 TOML: {exc}") from None
    for key in raw:
        if key not in SECTIONS and key not in TABLE_ARRAYS:
            raise ConfigError(f"config: unknown section [{key}]")
    values: dict[str, Any] = {}
    for name, cls in SECTIONS.items():
        section = raw.get(name, {})
        if not isinstance(section, dict):
            raise ConfigError(f"config: [{name}] must be a table")
        values[name] = _build(cls, section, name, env)
    for name, cls in TABLE_ARRAYS.items():
        entries = raw.get(name, [])
        if not isinstance(entries, list):
            raise ConfigError(f"config: [[{name}]] must be an array of tables")
        values[name] = tuple(_build(cls, e, f"{name}[{i}]", None) for i, e in enumerate(entries))
    for key in env:
        if key.startswith(ENV_PREFIX) and key != ENV_PREFIX + "CONFIG" and not key.startswith(ENV_PREFIX + "TEST_"):
            _check_env_key(key)
    settings = Settings(**values, source=str(path or ""))
    _validate(settings)
    return settings


def _check_env_key(key: str) -> None:
    rest = key[len(ENV_PREFIX):].lower()
    for name, cls in SECTIONS.items():
        if rest.startswith(name + "_") and rest[len(name) + 1:] in {f.name for f in fields(cls)}:
            return
    raise ConfigError(f"config: unknown environment variable {key}")


def _build(cls: type, section: Mapping[str, Any], where: str, env: Mapping[str, str] | None) -> Any:
    if not isinstance(section, Mapping):
        raise ConfigError(f"config: {where} must be a table")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    for key in section:
        if key not in known:
            raise ConfigError(f"config: unknown key [{where}] {key}")
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        env_key = f"{ENV_PREFIX}{where}_{f.name}".upper()
        if env is not None and env_key in env:
            kwargs[f.name] = _from_env(env[env_key], hints[f.name], env_key)
        elif f.name in section:
            kwargs[f.name] = _coerce(section[f.name], hints[f.name], f"[{where}] {f.name}")
    return cls(**kwargs)


def _from_env(text: str, hint: Any, key: str) -> Any:
    if hint is bool:
        lowered = text.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"config: {key} must be true or false, not {text!r}")
    if hint is int or hint is float:
        try:
            return hint(text)
        except ValueError:
            raise ConfigError(f"config: {key} must be a number, not {text!r}") from None
    if _is_tuple(hint):
        return tuple(part.strip() for part in text.split(",") if part.strip())
    return text


def _is_tuple(hint: Any) -> bool:
    return typing.get_origin(hint) is tuple


def _coerce(value: Any, hint: Any, key: str) -> Any:
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is date:
        if isinstance(value, date):
            return value
        raise ConfigError(f"config: {key} must be a date (YYYY-MM-DD), not {value!r}")
    if _is_tuple(hint):
        if not isinstance(value, list):
            raise ConfigError(f"config: {key} must be a list")
        item = typing.get_args(hint)[0]
        return tuple(_coerce(v, item, key) for v in value)
    if isinstance(hint, types.UnionType):
        return value
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise ConfigError(f"config: {key} must be {hint.__name__}, not {value!r}")
    return value


def _validate(s: Settings) -> None:
    try:
        ZoneInfo(s.app.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"config: [app] timezone: unknown time zone {s.app.timezone!r}") from None
    if s.app.workers < 1:
        raise ConfigError("config: [app] workers must be at least 1")
    if not s.redis.url and s.app.workers > 1:
        raise ConfigError(
            "config: [redis] url is empty (in-process fakeredis), which cannot be shared by "
            f"[app] workers = {s.app.workers}; configure Redis or use one worker"
        )
    if s.wecom.encoding_aes_key and len(s.wecom.encoding_aes_key) != 43:
        raise ConfigError("config: [wecom] encoding_aes_key must be 43 characters")
    if s.contacts.backdate_mark_days > s.contacts.backdate_max_days:
        raise ConfigError("config: [contacts] backdate_mark_days must not exceed backdate_max_days")
    codes = [s.app.school] + [e.code for e in s.schools]
    for i, entry in enumerate(s.schools):
        if not entry.code:
            raise ConfigError(f"config: [schools[{i}]] code is required")
    if len(set(codes)) != len(codes):
        raise ConfigError("config: [[schools]] codes must be unique and differ from [app] school")


def with_overrides(settings: Settings, **sections: Any) -> Settings:
    """Return a copy with some sections replaced (tests and the demo use this)."""
    return replace(settings, **sections)
