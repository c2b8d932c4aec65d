"""Settings: read once from TOML (`--config` or `CONTACTBOT_CONFIG`), overridden per key by
`CONTACTBOT_<SECTION>_<KEY>` environment variables, validated, and frozen.

Example: `CONTACTBOT_DATABASE_URL=postgresql+psycopg://127.0.0.1/contactbot contactbot db upgrade`.
"""

from __future__ import annotations

import os
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.terms.clock_times import parse_time, parse_weekday, parse_weekly_stage
from bot.terms.default_rules import CONTACT_KINDS, DEFAULT_RULES
from bot.terms.roles import ALL_ROLES

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
    proxy_hops: int = 0  # reverse proxies in front whose X-Forwarded-For/-Proto/-Host are trusted


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
class OfficialSettings:
    app_id: str = ""
    secret: str = ""
    token: str = ""
    encoding_aes_key: str = ""
    api_base_url: str = "https://api.weixin.qq.com"


@dataclass(frozen=True)
class ContactSettings:
    backdate_mark_days: int = 2
    backdate_max_days: int = 14
    undo_hours: int = 24
    dialog_ttl_minutes: int = 30


@dataclass(frozen=True)
class ConcernSettings:
    """Concern tickets (N13, N14, N18): routing, deadlines, crisis contacts, abuse limits, anonymity."""

    # Routing table, category -> office (the roster's `department` of the people who answer it).
    route_study: str = "教务处"
    route_mental: str = "心理健康教育中心"
    route_life: str = "后勤管理处"
    route_career: str = "招生就业处"
    route_safety: str = "保卫处"
    route_other: str = "党委学生工作部"
    # "office=userid" pairs: the school leader in charge of an office (last escalation step).
    leaders_in_charge: tuple[str, ...] = ()
    first_response_hours: float = 24.0  # working hours
    resolve_days: int = 5  # working days
    escalate_after_hours: float = 24.0  # working hours between chase, department head and leader in charge
    hotlines: tuple[str, ...] = ("心理援助热线 12356", "紧急情况 报警 110 / 急救 120")
    on_duty: tuple[str, ...] = ()  # the crisis duty list ([crisis] steps' on_duty); console access: else the admins
    rate_limit_count: int = 5  # concerns one person may raise per window
    rate_limit_window_minutes: int = 60
    abuse_repeat_count: int = 2  # marked (spam/insult) messages in a day after which nobody is paged
    small_group_threshold: int = 5  # warn an anonymous sender whose class/group has fewer people
    group_min_people: int = 3  # N14: different people with similar concerns make a common problem
    group_window_days: int = 14
    group_similarity: float = 0.6  # 0..1, how alike two concerns' texts must be to group them


@dataclass(frozen=True)
class CrisisSettings:
    """Crisis cases (issue 14): how long an alert waits for "我来处理" and whom each escalation step pages."""

    ack_minutes: int = 10  # minutes without an acknowledgement before the next step; quiet hours never apply
    # One string per step, its targets separated by spaces: counselor (the student's), on_duty ([concerns]
    # on_duty), office (the mental-health office's head), department_head (the department's 学工负责人),
    # leader (`leaders` below), role:ROLE, or a userid.
    steps: tuple[str, ...] = ("counselor on_duty office", "department_head", "leader")
    leaders: tuple[str, ...] = ()  # userids of the leader in charge of student affairs; empty: leaders_in_charge
    # An SMS / voice-call gateway for the last steps (bot/channels/phone.py): its URL, a bearer token (from
    # CONTACTBOT_CRISIS_CALL_TOKEN), the first step (counted from 1) it is used for, and "userid=phone" entries.
    call_url: str = ""
    call_token: str = ""
    call_from_step: int = 3
    phones: tuple[str, ...] = ()


# --- School calendar, rules, reminders, digest, scheduler (the rules capability) ---


@dataclass(frozen=True)
class CalendarSettings:
    """Teaching weeks and working time (see bot/schedule)."""

    min_working_days: int = 3  # a week inside a semester with fewer working days carries no weekly obligation
    weekly_in_exam_weeks: bool = True  # whether exam weeks still carry weekly obligations
    work_start: str = "08:30"  # working hours, for deadlines counted in working hours
    work_end: str = "17:30"


@dataclass(frozen=True)
class RulesSettings:
    """Compliance details shared by every rule (the rules themselves: [[rule]])."""

    confirm_days: int = 7  # a talk unconfirmed by the counselor/teacher this long is marked (N20)
    pause_max_days: int = 90  # the longest pause "出差到…，暂停提醒" may ask for


@dataclass(frozen=True)
class ReminderSettings:
    """When reminders go out (never in quiet hours, never on a non-working day, at most one a day)."""

    enabled: bool = True
    quiet_start: str = "21:00"
    quiet_end: str = "08:00"
    weekly_stages: tuple[str, ...] = ("thu 17:00", "fri 17:00")
    monthly_days_before: tuple[int, ...] = (10, 3)
    quarterly_weeks_before: tuple[int, ...] = (3, 1)
    semester_weeks_before: tuple[int, ...] = (6, 2)
    period_time: str = "10:00"  # time of day of the monthly, quarterly and semester stages


@dataclass(frozen=True)
class DigestSettings:
    """The weekly digest to admins, department heads and leaders."""

    enabled: bool = True
    weekday: str = "mon"
    time: str = "08:30"
    directory: str = "instance/digests"  # where the .xlsx attachments are written
    examples: int = 3  # good examples worth spreading (N15)
    markdown_limit: int = 2000  # bytes; WeCom refuses markdown over 2048 bytes
    departments: bool = True  # department heads get their department's digest
    personal: bool = True  # each leader gets a short personal summary


@dataclass(frozen=True)
class EvidenceSettings:
    """Photos leaders send as evidence (N20), fetched from WeCom before their media ids expire."""

    directory: str = "instance/evidence"  # where the fetched photos are kept (one folder per school)


@dataclass(frozen=True)
class SchedulerSettings:
    """The scheduler process (`contactbot scheduler`): one active across processes via a Redis lease."""

    lease_seconds: int = 15  # a standby (or a restarted) scheduler takes over within this long
    reminders_minutes: int = 5
    digest_minutes: int = 10
    confirmations_minutes: int = 60
    concern_deadlines_minutes: int = 15
    crisis_seconds: int = 30  # how often unacknowledged crisis alerts are checked for their next step
    evidence_minutes: int = 5
    report_minutes: int = 30


@dataclass(frozen=True)
class OutboxSettings:
    """How the outbox sends (jobs/outbox.py): sender threads, how often it looks, when it gives up."""

    senders: int = 2  # threads sending at once in the active scheduler (never two to one person)
    poll_seconds: float = 1.0  # the longest a queued message waits to be seen (PostgreSQL wakes it at once)
    give_up_hours: float = 24.0  # a message still undelivered this long after it was queued fails; crisis alerts never


@dataclass(frozen=True)
class EncryptionSettings:
    """Encryption at rest (bot/store/crypto.py): keys as "id:algorithm:base64"; `current` seals (default: the first)."""

    keys: tuple[str, ...] = ()
    current: str = ""


@dataclass(frozen=True)
class RetentionSettings:
    """How long each kind of data is kept, in days (the purge job, jobs/purge.py)."""

    concerns_days: int = 365  # a concern and its messages, after its last activity
    crisis_days: int = 1095  # a crisis concern, after its last activity
    evidence_days: int = 365  # an evidence photo, after it was sent
    outbox_days: int = 30  # a sent (or failed) outbox message's payload
    chat_replies_days: int = 30  # the stored reply to each chat message (re-sent on a re-delivery)
    audit_days: int = 365  # the audit log; at least 180 (网络安全法 Art. 21: six months)
    departed_days: int = 180  # after a roster import deactivates someone: their concerns, their name in records


@dataclass(frozen=True)
class ConsoleSettings:
    """Console accounts and sessions (bot/console/login.py, bot/console/sessions.py)."""

    session_idle_minutes: int = 30
    session_hours: int = 8  # absolute: a session ends this long after login whatever its use
    totp_roles: tuple[str, ...] = ()  # console roles that must give a TOTP code after the password
    min_password_length: int = 12


@dataclass(frozen=True)
class PrivacySettings:
    """Who may see students' identities and words (bot/console/access.py)."""

    care_roles: tuple[str, ...] = ()  # console roles given care of concerns: they see who raised them
    mental_health_office: str = ""  # department whose staff are on every crisis/mental case; "": route_mental
    contact: str = "学校管理员"  # whom a student asks for a copy or deletion of their data (the notice says it)


@dataclass(frozen=True)
class UnderstandingSettings:
    """The crisis detector's labelled feedback (bot/concerns/feedback.py): off until the school decides."""

    # Keep false alarms and missed crises (the words, without names, account ids, numbers or sender) for
    # retraining; the privacy notice then tells each person, and only the words of people told are kept.
    keep_feedback: bool = False


@dataclass(frozen=True)
class SemesterEntry:
    """One semester: `[[semesters]]` name, start, end (dates, inclusive) and optional week numbers."""

    name: str = ""
    start: date | None = None  # required
    end: date | None = None  # required
    exam_weeks: tuple[int, ...] = ()  # semester week numbers (week 1 holds `start`)
    vacation_weeks: tuple[int, ...] = ()


@dataclass(frozen=True)
class HolidayEntry:
    """A day or range off (or, with workday = true, an adjusted working day 调休) from `[[holidays]]`."""

    start: date | None = None  # required
    end: date | None = None  # inclusive; unset: the same day as start
    name: str = ""
    workday: bool = False


@dataclass(frozen=True)
class RuleEntry:
    """A school's change to one of the notice's rules, `[[rule]]` with its id; unset keys keep the default."""

    id: str = ""
    enabled: bool = True
    roles: tuple[str, ...] = ()
    count: int = 0
    share: float = 0.0
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportSettings:
    """The progress report sent upward (N21): to whom, on which day of the month, covering what."""

    enabled: bool = False
    day: int = 5  # day of the month it goes out (a non-working day moves it to the next working day)
    time: str = "09:00"
    covers: str = "semester"  # semester (to date) / month (the month before) / year (to date)
    recipients: tuple[str, ...] = ("role:admin",)  # userids or "role:ROLE" in each school: its own report
    province_recipients: tuple[str, ...] = ()  # "code:userid" ("userid": default school): all schools
    directory: str = "instance/reports"  # where the sent .xlsx files are kept


@dataclass(frozen=True)
class SchoolEntry:
    code: str = ""
    name: str = ""
    corp_id: str = ""
    agent_id: int = 0
    secret: str = ""
    token: str = ""
    encoding_aes_key: str = ""
    # The school's own calendar and rules (N4, N10), replacing the deployment's for this school; None: the
    # deployment's. Tables ([schools.rules], [schools.calendar]) change only the keys they set.
    rules: RulesSettings | None = None
    calendar: CalendarSettings | None = None
    rule: tuple[RuleEntry, ...] | None = None
    semesters: tuple[SemesterEntry, ...] | None = None
    holidays: tuple[HolidayEntry, ...] | None = None


@dataclass(frozen=True)
class Settings:
    app: AppSettings = field(default_factory=AppSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    redis: RedisSettings = field(default_factory=RedisSettings)
    wecom: WecomSettings = field(default_factory=WecomSettings)
    official: OfficialSettings = field(default_factory=OfficialSettings)
    contacts: ContactSettings = field(default_factory=ContactSettings)
    concerns: ConcernSettings = field(default_factory=ConcernSettings)
    crisis: CrisisSettings = field(default_factory=CrisisSettings)
    schools: tuple[SchoolEntry, ...] = ()
    # The rules capability: calendar, rules, reminders, digest, scheduler.
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    rules: RulesSettings = field(default_factory=RulesSettings)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    evidence: EvidenceSettings = field(default_factory=EvidenceSettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    outbox: OutboxSettings = field(default_factory=OutboxSettings)
    # Privacy and security (issue 19).
    encryption: EncryptionSettings = field(default_factory=EncryptionSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    understanding: UnderstandingSettings = field(default_factory=UnderstandingSettings)
    semesters: tuple[SemesterEntry, ...] = ()
    holidays: tuple[HolidayEntry, ...] = ()
    rule: tuple[RuleEntry, ...] = ()
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
    "official": OfficialSettings,
    "contacts": ContactSettings,
    "concerns": ConcernSettings,
    "crisis": CrisisSettings,
}
TABLE_ARRAYS: dict[str, type] = {"schools": SchoolEntry}

# The rules capability's sections and arrays of tables.
SECTIONS.update({"calendar": CalendarSettings, "rules": RulesSettings, "reminders": ReminderSettings,
                 "digest": DigestSettings, "scheduler": SchedulerSettings, "evidence": EvidenceSettings,
                 "report": ReportSettings})
TABLE_ARRAYS.update({"semesters": SemesterEntry, "holidays": HolidayEntry, "rule": RuleEntry})
# What a `[[schools]]` entry may carry of its own: tables (key by key over the deployment's) and arrays.
SCHOOL_TABLES: dict[str, type] = {"rules": RulesSettings, "calendar": CalendarSettings}
SCHOOL_ARRAYS: dict[str, type] = {"rule": RuleEntry, "semesters": SemesterEntry, "holidays": HolidayEntry}
SECTIONS["outbox"] = OutboxSettings

# Privacy and security.
SECTIONS.update({"encryption": EncryptionSettings, "retention": RetentionSettings, "console": ConsoleSettings,
                 "privacy": PrivacySettings})
SECTIONS["understanding"] = UnderstandingSettings  # the crisis detector's feedback (issue 14)


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
        if name == "schools":
            values[name] = tuple(_school_entry(e, i, values) for i, e in enumerate(entries))
        else:
            values[name] = tuple(_build(cls, e, f"{name}[{i}]", None) for i, e in enumerate(entries))
    for key in env:
        if key.startswith(ENV_PREFIX) and key != ENV_PREFIX + "CONFIG" and not key.startswith(ENV_PREFIX + "TEST_"):
            _check_env_key(key)
    settings = Settings(**values, source=str(path or ""))
    _validate(settings)
    return settings


def _school_entry(entry: Any, index: int, deployment: Mapping[str, Any]) -> SchoolEntry:
    """Build one `[[schools]]` entry with its own `[schools.rules]`, `[[schools.rule]]`, … if any."""
    where = f"schools[{index}]"
    if not isinstance(entry, Mapping):
        raise ConfigError(f"config: [{where}] must be a table")
    own = {k: v for k, v in entry.items() if k in SCHOOL_TABLES or k in SCHOOL_ARRAYS}
    school: SchoolEntry = _build(SchoolEntry, {k: v for k, v in entry.items() if k not in own}, where, None)
    changes: dict[str, Any] = {}
    for key, value in own.items():
        if key in SCHOOL_TABLES:
            table = _build(SCHOOL_TABLES[key], value, f"{where}.{key}", None)
            given = {f.name: getattr(table, f.name) for f in fields(table) if f.name in value}
            changes[key] = replace(deployment[key], **given)
        else:
            if not isinstance(value, list):
                raise ConfigError(f"config: [[{where}.{key}]] must be an array of tables")
            changes[key] = tuple(_build(SCHOOL_ARRAYS[key], e, f"{where}.{key}[{i}]", None)
                                 for i, e in enumerate(value))
    return replace(school, **changes)


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
    if s.official.encoding_aes_key and len(s.official.encoding_aes_key) != 43:
        raise ConfigError("config: [official] encoding_aes_key must be 43 characters")
    if s.contacts.backdate_mark_days > s.contacts.backdate_max_days:
        raise ConfigError("config: [contacts] backdate_mark_days must not exceed backdate_max_days")
    _validate_schedule(s)
    _validate_outbox(s)
    _validate_concerns(s.concerns)
    _validate_crisis(s.crisis)
    _validate_privacy(s)
    codes = [s.app.school] + [e.code for e in s.schools]
    for i, entry in enumerate(s.schools):
        if not entry.code:
            raise ConfigError(f"config: [schools[{i}]] code is required")
    if len(set(codes)) != len(codes):
        raise ConfigError("config: [[schools]] codes must be unique and differ from [app] school")
    _validate_report(s.report, codes)
    for i, entry in enumerate(s.schools):
        own = school_settings(s, entry.code)
        if own is not s:
            _validate_schedule(own, school=i)


def _validate_report(r: ReportSettings, codes: list[str]) -> None:
    """Refuse report settings that cannot work, naming the key."""
    if not 1 <= r.day <= 28:
        raise ConfigError("config: [report] day must be between 1 and 28 (every month has it)")
    if r.covers not in ("semester", "month", "year"):
        raise ConfigError(f"config: [report] covers must be semester, month or year, not {r.covers!r}")
    for entry in r.recipients:
        if not entry.strip() or entry.startswith("role:") and not entry[5:].strip():
            raise ConfigError(f"config: [report] recipients: {entry!r} is neither a userid nor role:ROLE")
    for entry in r.province_recipients:
        code, _, userid = entry.rpartition(":")
        if not userid.strip() or (code and code not in codes):
            raise ConfigError(f"config: [report] province_recipients: {entry!r} must be \"userid\" or "
                              f"\"school:userid\" with a known school code ({', '.join(codes)})")


def _validate_outbox(s: Settings) -> None:
    """Refuse scheduler-lease and outbox settings that cannot work, naming the key."""
    if not 3 <= s.scheduler.lease_seconds <= 15:
        raise ConfigError("config: [scheduler] lease_seconds must be between 3 and 15 (a standby takes over after it)")
    if not 1 <= s.outbox.senders <= 8:
        raise ConfigError("config: [outbox] senders must be between 1 and 8")
    if not 0.2 <= s.outbox.poll_seconds <= 10:
        raise ConfigError("config: [outbox] poll_seconds must be between 0.2 and 10")
    if s.outbox.give_up_hours <= 0:
        raise ConfigError("config: [outbox] give_up_hours must be positive")


def _validate_crisis(c: CrisisSettings) -> None:
    """Refuse a crisis chain that cannot page anyone, naming the key."""
    if c.ack_minutes <= 0:
        raise ConfigError("config: [crisis] ack_minutes must be positive")
    if not c.steps or not all(step.split() for step in c.steps):
        raise ConfigError("config: [crisis] steps must list at least one step, each with at least one target")
    if c.call_from_step < 1:
        raise ConfigError("config: [crisis] call_from_step counts steps from 1")
    if c.call_url and not c.call_url.startswith(("http://", "https://")):
        raise ConfigError("config: [crisis] call_url must be an http(s) URL")
    for entry in c.phones:
        userid, _, phone = entry.partition("=")
        if not userid.strip() or not phone.strip().lstrip("+").isdigit():
            raise ConfigError(f"config: [crisis] phones entries are \"userid=手机号\", not {entry!r}")
    for step in c.steps:
        for target in step.split():
            if target.startswith("role:") and not target[5:]:
                raise ConfigError(f"config: [crisis] steps: {target!r} names no role")


def _validate_concerns(c: ConcernSettings) -> None:
    """Refuse concern settings that cannot work, naming the key."""
    for name in ("route_study", "route_mental", "route_life", "route_career", "route_safety", "route_other"):
        if not getattr(c, name).strip():
            raise ConfigError(f"config: [concerns] {name} must name an office")
    for entry in c.leaders_in_charge:
        if "=" not in entry or not all(part.strip() for part in entry.split("=", 1)):
            raise ConfigError(f"config: [concerns] leaders_in_charge entries are \"office=userid\", not {entry!r}")
    for name in ("first_response_hours", "resolve_days", "escalate_after_hours", "rate_limit_count",
                 "rate_limit_window_minutes", "abuse_repeat_count", "group_min_people", "group_window_days"):
        if getattr(c, name) <= 0:
            raise ConfigError(f"config: [concerns] {name} must be positive")
    if c.small_group_threshold < 0:
        raise ConfigError("config: [concerns] small_group_threshold must not be negative")
    if not 0 < c.group_similarity <= 1:
        raise ConfigError("config: [concerns] group_similarity must be between 0 and 1")


def _validate_privacy(s: Settings) -> None:
    """Refuse retention and console settings that cannot work, naming the key (keys: bot.store.crypto.Keyring)."""
    for name in ("concerns_days", "crisis_days", "evidence_days", "outbox_days", "chat_replies_days",
                 "departed_days"):
        if getattr(s.retention, name) <= 0:
            raise ConfigError(f"config: [retention] {name} must be positive")
    if s.retention.audit_days < 180:
        raise ConfigError("config: [retention] audit_days must be at least 180 (网络安全法: 日志留存不少于六个月)")
    c = s.console
    if c.session_idle_minutes <= 0 or c.session_hours <= 0:
        raise ConfigError("config: [console] session_idle_minutes and session_hours must be positive")
    if c.min_password_length < 12:
        raise ConfigError("config: [console] min_password_length must be at least 12")
    roles = ("admin", "department_head", "leader", "province", "auditor")
    for name, values in (("[console] totp_roles", c.totp_roles), ("[privacy] care_roles", s.privacy.care_roles)):
        for role in values:
            if role not in roles:
                raise ConfigError(f"config: {name}: unknown console role {role!r} (one of {', '.join(roles)})")


def _validate_schedule(s: Settings, school: int | None = None) -> None:
    """Refuse calendar, rule, reminder and digest settings that cannot work, naming the key (a school's
    own ones as they were written: "[schools[1].rule[0]] id: …")."""
    problems = schedule_problems(s)
    if problems:
        problem = problems[0]
        if school is not None:
            problem = re.sub(r"^\[(\[?)(rules|calendar|rule|semesters|holidays)\b", rf"[\1schools[{school}].\2", problem)
        raise ConfigError(f"config: {problem}")


@lru_cache(maxsize=64)
def school_settings(settings: Settings, code: str) -> Settings:
    """Return the settings one school runs on: the deployment's, with the school's own `[schools.rules]`,
    `[[schools.rule]]`, `[[schools.semesters]]`, `[[schools.holidays]]` and `[schools.calendar]` in place
    of the deployment's. The default school (and a school without any) gets `settings` itself."""
    entry = next((e for e in settings.schools if e.code == code), None)
    if entry is None:
        return settings
    own = {name: getattr(entry, name) for name in (*SCHOOL_TABLES, *SCHOOL_ARRAYS) if getattr(entry, name) is not None}
    return replace(settings, **own) if own else settings


def with_overrides(settings: Settings, **sections: Any) -> Settings:
    """Return a copy with some sections replaced (tests and the demo use this)."""
    return replace(settings, **sections)


def _positive_ints(values: tuple[object, ...], key: str, problems: list[str]) -> None:
    for value in values:
        try:
            number = int(str(value))
        except ValueError:
            problems.append(f"{key}: {value!r} is not a whole number")
            continue
        if number <= 0:
            problems.append(f"{key}: {value!r} must be positive")


def _time(text: str, key: str, problems: list[str]) -> None:
    try:
        parse_time(text)
    except ValueError as exc:
        problems.append(f"{key}: {exc}")


def schedule_problems(s: Settings) -> list[str]:
    """Return every problem in the calendar, rule, reminder, digest and scheduler settings, each naming its key
    (e.g. "[reminders] weekly_stages: not a weekly stage ("thu 17:00"): 'thursday'")."""
    problems: list[str] = []
    if not 1 <= s.calendar.min_working_days <= 7:
        problems.append("[calendar] min_working_days must be between 1 and 7")
    _time(s.calendar.work_start, "[calendar] work_start", problems)
    _time(s.calendar.work_end, "[calendar] work_end", problems)
    if not problems and parse_time(s.calendar.work_end) <= parse_time(s.calendar.work_start):
        problems.append("[calendar] work_end must be after work_start")
    if s.rules.confirm_days < 1:
        problems.append("[rules] confirm_days must be at least 1")
    if s.rules.pause_max_days < 1:
        problems.append("[rules] pause_max_days must be at least 1")
    _time(s.reminders.quiet_start, "[reminders] quiet_start", problems)
    _time(s.reminders.quiet_end, "[reminders] quiet_end", problems)
    _time(s.reminders.period_time, "[reminders] period_time", problems)
    for stage in s.reminders.weekly_stages:
        try:
            parse_weekly_stage(stage)
        except ValueError as exc:
            problems.append(f"[reminders] weekly_stages: {exc}")
    for name in ("monthly_days_before", "quarterly_weeks_before", "semester_weeks_before"):
        _positive_ints(getattr(s.reminders, name), f"[reminders] {name}", problems)
    try:
        parse_weekday(s.digest.weekday)
    except ValueError as exc:
        problems.append(f"[digest] weekday: {exc}")
    _time(s.digest.time, "[digest] time", problems)
    _time(s.report.time, "[report] time", problems)
    if s.digest.examples < 0:
        problems.append("[digest] examples must not be negative")
    if not 200 <= s.digest.markdown_limit <= 2048:
        problems.append("[digest] markdown_limit must be between 200 and 2048 bytes")
    for name in ("lease_seconds", "reminders_minutes", "digest_minutes", "confirmations_minutes", "report_minutes"):
        if getattr(s.scheduler, name) < 1:
            problems.append(f"[scheduler] {name} must be at least 1")
    problems += _semester_problems(s)
    for i, h in enumerate(s.holidays):
        where = f"[holidays[{i}]]"
        if not isinstance(h.start, date):
            problems.append(f"{where} start is required (YYYY-MM-DD)")
        elif h.end is not None and (not isinstance(h.end, date) or h.end < h.start):
            problems.append(f"{where} end must be a date on or after start")
    known = {r.id for r in DEFAULT_RULES}
    for i, r in enumerate(s.rule):
        where = f"[rule[{i}]]"
        if r.id not in known:
            problems.append(f"{where} id: unknown rule {r.id!r} (known: {', '.join(sorted(known))})")
        for role in r.roles:
            if role not in ALL_ROLES:
                problems.append(f"{where} roles: unknown role {role!r}")
        for kind in r.kinds:
            if kind not in CONTACT_KINDS or kind == "online":
                problems.append(f"{where} kinds: {kind!r} cannot count (online never counts as face-to-face)")
        if r.count < 0:
            problems.append(f"{where} count must not be negative")
        if not 0 <= r.share <= 1:
            problems.append(f"{where} share must be between 0 and 1")
    return problems


def _semester_problems(s: Settings) -> list[str]:
    problems: list[str] = []
    names: set[str] = set()
    spans: list[tuple[date, date, str]] = []
    for i, sem in enumerate(s.semesters):
        where = f"[semesters[{i}]]"
        if not sem.name:
            problems.append(f"{where} name is required")
        elif sem.name in names:
            problems.append(f"{where} name {sem.name!r} is used twice")
        names.add(sem.name)
        if not isinstance(sem.start, date) or not isinstance(sem.end, date):
            problems.append(f"{where} start and end are required dates (YYYY-MM-DD)")
            continue
        if sem.end < sem.start:
            problems.append(f"{where} end must not be before start")
        _positive_ints(sem.exam_weeks, f"{where} exam_weeks", problems)
        _positive_ints(sem.vacation_weeks, f"{where} vacation_weeks", problems)
        spans.append((sem.start, sem.end, sem.name))
    spans.sort()
    for (_, end, name), (start, _, other) in zip(spans, spans[1:], strict=False):
        if start <= end:
            problems.append(f"[[semesters]] {name!r} and {other!r} overlap")
    return problems
