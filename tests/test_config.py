"""Config: TOML, environment overrides, defaults, and refusals that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_are_embedded() -> None:
    s = load_settings(env={})
    assert s.app.timezone == "Asia/Shanghai"
    assert s.redis.url == ""
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("instance/contactbot.db")


def test_example_config_loads_and_documents_every_key() -> None:
    example = ROOT / "config.example.toml"
    s = load_settings(example, env={})
    text = example.read_text(encoding="utf-8")
    from dataclasses import fields

    from bot.config import SECTIONS, TABLE_ARRAYS

    for name, cls in {**SECTIONS, **TABLE_ARRAYS}.items():
        for f in fields(cls):
            nested = f"[{name}.{f.name}]" in text  # a [[schools]] entry's own [schools.rules], [[schools.rule]], …
            assert f"{f.name} =" in text or f"# {f.name} =" in text or nested, f"[{name}] {f.name} undocumented"
    assert s.app.timezone == "Asia/Shanghai"


def test_env_overrides_each_key(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[wecom]\ntoken = "from-file"\nagent_id = 7\n', encoding="utf-8")
    env = {"CONTACTBOT_WECOM_TOKEN": "from-env", "CONTACTBOT_DATABASE_URL": "sqlite:///x.db",
           "CONTACTBOT_REDIS_URL": "redis://127.0.0.1:6379/0", "CONTACTBOT_APP_WORKERS": "4",
           "CONTACTBOT_CONTACTS_BACKDATE_MAX_DAYS": "10"}
    s = load_settings(cfg, env=env)
    assert s.wecom.token == "from-env" and s.wecom.agent_id == 7
    assert s.database.url == "sqlite:///x.db" and s.app.workers == 4 and s.contacts.backdate_max_days == 10


def test_config_path_from_environment(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[app]\nschool_name = "燕赵理工大学"\n', encoding="utf-8")
    assert load_settings(env={"CONTACTBOT_CONFIG": str(cfg)}).app.school_name == "燕赵理工大学"


@pytest.mark.parametrize(
    ("toml", "env", "named"),
    [
        ('[wecom]\ntokn = "x"\n', {}, "tokn"),
        ("[nosuch]\na = 1\n", {}, "nosuch"),
        ('[app]\nworkers = "two"\n', {}, "workers"),
        ('[app]\ntimezone = "Mars/Base"\n', {}, "timezone"),
        ("", {"CONTACTBOT_APP_WORKERS": "many"}, "CONTACTBOT_APP_WORKERS"),
        ("", {"CONTACTBOT_WECOM_TOKNE": "x"}, "CONTACTBOT_WECOM_TOKNE"),
        ('[wecom]\nencoding_aes_key = "short"\n', {}, "encoding_aes_key"),
        ("[app]\nworkers = 3\n", {}, "workers"),  # several workers cannot share an in-process fakeredis
        ("not toml [", {}, "TOML"),
        ("[crisis]\nack_minutes = 0\n", {}, "ack_minutes"),
        ('[crisis]\nsteps = ["counselor", " "]\n', {}, "steps"),
        ('[crisis]\nsteps = ["role:"]\n', {}, "steps"),
        ('[crisis]\nphones = ["sunlixin01:138"]\n', {}, "phones"),
        ('[crisis]\ncall_url = "sms.example.com"\n', {}, "call_url"),
        ("[crisis]\ncall_from_step = 0\n", {}, "call_from_step"),
    ],
)
def test_bad_config_stops_with_the_key_named(tmp_path: Path, toml: str, env: dict[str, str], named: str) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=named):
        load_settings(cfg, env=env)


def test_the_crisis_chain_from_config(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[crisis]\nack_minutes = 5\nsteps = ["counselor on_duty", "role:student_affairs_head wangli01"]\n'
                   'leaders = ["sunlixin01"]\n', encoding="utf-8")
    crisis = load_settings(cfg, env={}).crisis
    assert (crisis.ack_minutes, crisis.steps, crisis.leaders) == (
        5, ("counselor on_duty", "role:student_affairs_head wangli01"), ("sunlixin01",))
    assert load_settings(env={}).crisis.steps == ("counselor on_duty office", "department_head", "leader")
    assert load_settings(env={"CONTACTBOT_CRISIS_ACK_MINUTES": "3"}).crisis.ack_minutes == 3


def test_several_workers_allowed_with_redis(tmp_path: Path) -> None:
    s = load_settings(env={"CONTACTBOT_APP_WORKERS": "3", "CONTACTBOT_REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert s.app.workers == 3


def test_settings_are_frozen() -> None:
    s = load_settings(env={})
    with pytest.raises(AttributeError):
        s.app.timezone = "UTC"  # type: ignore[misc]
