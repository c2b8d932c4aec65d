"""Privacy through the real command line and jobs: encryption at rest (the database file holds no concern
text in the clear, keys rotate, `db upgrade` seals what came before), one person's data exported, erased
and exported again, the audit chain verified and tampering found, the retention purge on a fixed clock,
photos sealed 0600 in 0700 folders, the privacy notice once, and no message text in the logs.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.chat.context import Deps
from bot.cli.main import main
from bot.config import EncryptionSettings, Settings
from bot.store.crypto import generate_key
from bot.store.db import make_engine
from bot.store.models import (
    AuditLog,
    Concern,
    ConcernMessage,
    Contact,
    Evidence,
    InboundMessage,
    OutboundMessage,
    Person,
)
from jobs.purge import purge_expired
from tests.conftest import Clock
from tests.sim import Simulator

WORDS = "宿舍热水器坏了 报修一周没人管"
CRISIS = "匿名 最近失眠很严重，真的不想活了"
KEY1, KEY2 = generate_key("k1"), generate_key("k2", "sm4gcm")


def say(userid: str, words: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["say", "--as", userid, "--at", "2026-11-25T12:00", words]) == 0
    return capsys.readouterr().out


def raw(db_file: Path, query: str) -> list[tuple[object, ...]]:
    engine = make_engine(f"sqlite:///{db_file}")  # no keyring: what is stored, as stored
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(query))]
    engine.dispose()
    return rows


def test_the_database_file_holds_no_concern_text_in_the_clear(cli_roster: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CONTACTBOT_ENCRYPTION_KEYS", KEY1)
    assert "已收到" in say("lisiqi01", WORDS, capsys)
    say("zhanghaoran01", CRISIS, capsys)
    blob = cli_roster.read_bytes() + Path(f"{cli_roster}-wal").read_bytes() if Path(f"{cli_roster}-wal").exists() \
        else cli_roster.read_bytes()
    for secret in (WORDS, "热水器坏了", "不想活了", "失眠"):
        assert secret.encode() not in blob, secret
    stored = raw(cli_roster, "SELECT text, sender_id, sender_ref, sender_tag, anonymous FROM concern ORDER BY id")
    assert all(str(r[0]).startswith("enc:k1:") for r in stored)
    named, anonymous = stored
    assert named[1] is not None and anonymous[1] is None  # the anonymous sender: sealed, and a digest only
    assert str(anonymous[2]).startswith("enc:k1:") and str(anonymous[3]).startswith("k1:")
    payloads = raw(cli_roster, "SELECT payload FROM outbound_message")
    assert payloads and all('"sealed": "enc:k1:' in str(p[0]) or '"sealed":"enc:k1:' in str(p[0]) for p in payloads)
    # The application reads it all back; the sender still finds their own ticket.
    assert "已把您的补充" in say("lisiqi01", "追问#1 还是没有热水", capsys)
    assert main(["concerns", "export"]) == 0
    exported = capsys.readouterr().out
    assert WORDS in exported and "不想活了" not in exported  # crisis words: the people on the case only
    # Rotation: a new current key (SM4), everything re-sealed, the old key can go.
    monkeypatch.setenv("CONTACTBOT_ENCRYPTION_KEYS", f"{KEY2},{KEY1}")
    monkeypatch.setenv("CONTACTBOT_ENCRYPTION_CURRENT", "k2")
    assert main(["keys", "rotate"]) == 0
    assert "k2" in capsys.readouterr().out
    assert all(str(r[0]).startswith("enc:k2:") for r in raw(cli_roster, "SELECT text FROM concern"))
    assert all(str(r[0]).startswith("k2:") for r in raw(cli_roster, "SELECT sender_tag FROM concern WHERE anonymous"))
    monkeypatch.setenv("CONTACTBOT_ENCRYPTION_KEYS", KEY2)
    assert "已把您的补充" in say("zhanghaoran01", "追问#2 现在好一些了", capsys)
    assert main(["concerns", "export"]) == 0
    assert WORDS in capsys.readouterr().out


def test_db_upgrade_seals_what_was_stored_before_a_key(cli_roster: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CONTACTBOT_CONCERNS_SMALL_GROUP_THRESHOLD", "0")
    say("lisiqi01", "匿名 " + WORDS, capsys)
    assert raw(cli_roster, "SELECT text FROM concern")[0][0] == "plain:匿名 " + WORDS  # no key: marked plain
    assert raw(cli_roster, "SELECT sender_id FROM concern")[0][0] is not None
    monkeypatch.setenv("CONTACTBOT_ENCRYPTION_KEYS", KEY1)
    assert main(["db", "upgrade"]) == 0
    assert "加密" in capsys.readouterr().out
    row = raw(cli_roster, "SELECT text, sender_id, sender_ref FROM concern")[0]
    assert str(row[0]).startswith("enc:k1:") and row[1] is None and str(row[2]).startswith("enc:k1:")
    assert "已把您的补充" in say("lisiqi01", "追问#1 还是没有", capsys)  # still theirs


def test_export_erase_export_round_trip(cli_roster: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CONTACTBOT_ENCRYPTION_KEYS", KEY1)
    monkeypatch.setenv("CONTACTBOT_CONCERNS_SMALL_GROUP_THRESHOLD", "0")
    say("lisiqi01", WORDS, capsys)
    say("lisiqi01", "匿名 图书馆晚上太吵了 没法自习", capsys)
    assert main(["person", "export", "lisiqi01"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert before["roster"]["name"] == "李思琪" and len(before["concerns"]) == 2
    assert before["concerns"][0]["text"] == WORDS and before["concerns"][1]["anonymous"] is True
    out = cli_roster.parent / "lisiqi01.xlsx"
    assert main(["person", "export", "lisiqi01", "--format", "xlsx", "-o", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"
    assert main(["person", "erase", "lisiqi01", "--dry-run"]) == 0
    assert "试运行" in capsys.readouterr().out
    assert main(["person", "export", "lisiqi01"]) == 0
    assert len(json.loads(capsys.readouterr().out)["concerns"]) == 2  # a dry run removed nothing
    assert main(["person", "erase", "lisiqi01"]) == 0
    printed = capsys.readouterr().out
    assert "反映的问题（内容与提问人）：2" in printed and "操作日志" in printed
    assert main(["person", "export", "lisiqi01"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["concerns"] == [] and after["messages_from_them"] == [] and after["messages_sent_to_them"] == []
    assert {a["action"] for a in after["audit"]} >= {"person.export", "person.erase"}  # audited, kept
    texts = raw(cli_roster, "SELECT text, sender_id, sender_ref, purged_at FROM concern")
    assert all(r[1] is None and r[2] is None and r[3] is not None for r in texts)  # statistics only
    assert raw(cli_roster, "SELECT count(*) FROM concern_message")[0][0] == 0
    assert main(["audit", "verify"]) == 0


def test_audit_verify_finds_an_edit_and_a_removal(cli_roster: Path, capsys: pytest.CaptureFixture[str]) -> None:
    say("lisiqi01", WORDS, capsys)
    assert main(["person", "export", "lisiqi01", "-o", str(cli_roster.parent / "x.json")]) == 0
    assert main(["audit", "verify"]) == 0
    assert "哈希链无误" in capsys.readouterr().out
    engine = make_engine(f"sqlite:///{cli_roster}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE action = 'person.export'"))
    assert main(["audit", "verify"]) == 1
    assert "内容被改动" in capsys.readouterr().err
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'cli' WHERE action = 'person.export'"))
    assert main(["audit", "verify"]) == 0
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)"))
    assert main(["audit", "verify"]) == 1
    assert "末尾" in capsys.readouterr().err
    engine.dispose()


def test_exports_from_the_command_line_are_audited(cli_roster: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["concerns", "export"]) == 0
    assert main(["records", "export", "--format", "csv"]) == 0
    rows = raw(cli_roster, "SELECT actor, action, address FROM audit_log WHERE action LIKE 'export.%' ORDER BY id")
    assert [r[1] for r in rows] == ["export.concerns", "export.records"]
    assert all(r[0] == "cli" and str(r[2]).startswith("cli") for r in rows)


# --- the purge job, on a fixed clock ---


def at(days: float) -> datetime:
    return datetime(2026, 11, 25, 4, 0, tzinfo=timezone.utc) + timedelta(days=days)


def test_purge_removes_what_is_past_its_period_and_keeps_the_rest(roster_deps: Deps, tmp_path: Path) -> None:
    from dataclasses import replace

    from bot.config import EvidenceSettings

    deps = roster_deps
    deps.settings = replace(deps.settings, evidence=EvidenceSettings(directory=str(tmp_path / "evidence")))
    clock = deps.clock
    assert isinstance(clock, Clock)
    sim = Simulator(deps, "lisiqi01")
    sim.say(WORDS)  # day 0
    sim.as_("zhanghaoran01").say(CRISIS)
    with deps.sessions.begin() as db:
        zhao = db.scalar(select(Person).where(Person.userid == "zhaojianguo01"))
        assert zhao is not None
        from bot.contacts.records import Draft, create_contact

        record = create_contact(db, zhao, Draft(kind="face_to_face", venue="dorm", occurred_on=at(0).date(),
                                                source_text="今天去宿舍看望了张浩然"),
                                now=at(0), today=at(0).date(), channel="wecom", limits=deps.settings.contacts)
        db.flush()
        photo = Evidence(contact_id=record.id, kind="image", at=at(0), stored_path="default/1.jpg")
        db.add(photo)
    from bot.contacts.evidence import store_photo

    store_photo(deps.settings, deps.keyring, "default/1.jpg", b"\xff\xd8 a photo")
    from jobs.outbox import flush_outbox

    flush_outbox(deps)  # the notices go out (the console channel marks them sent)
    with deps.sessions.begin() as db:
        school_id = db.scalar(select(Person.school_id).limit(1))
        db.add(InboundMessage(school_id=school_id, channel="wecom", msg_id="m1", sender="lisiqi01", received_at=at(0),
                              reply="已收到，编号 #1"))
    clock.moment = at(1)
    counts_day1 = purge_expired(deps)
    assert counts_day1 == 0  # nothing is old yet
    clock.moment = at(31)
    assert purge_expired(deps) > 0  # sent outbox rows and stored chat replies (30 days)
    with deps.sessions() as db:
        assert db.scalar(select(OutboundMessage.id).where(OutboundMessage.status != "pending")) is None
        assert db.scalar(select(InboundMessage.id)) is None
        assert all(c.purged_at is None and c.text for c in db.scalars(select(Concern)))  # concerns: a year
    assert purge_expired(deps) == 0  # idempotent: the same run again removes nothing
    clock.moment = at(366)
    purge_expired(deps)
    with deps.sessions() as db:
        ordinary, crisis = sorted(db.scalars(select(Concern)), key=lambda c: c.crisis)
        assert ordinary.purged_at is not None and ordinary.text == "" and ordinary.sender_id is None
        assert ordinary.category == "life"  # kept as a statistic
        assert crisis.purged_at is None and "不想活了" in crisis.text  # crisis cases: three years
        assert db.scalar(select(Evidence.id)) is None
        assert db.scalar(select(ConcernMessage.id).where(ConcernMessage.concern_id == ordinary.id)) is None
    assert not (tmp_path / "evidence" / "default" / "1.jpg").exists()
    clock.moment = at(366 + 730)
    purge_expired(deps)
    with deps.sessions() as db:
        assert all(c.purged_at is not None for c in db.scalars(select(Concern)))
        from bot.store.audit import verify

        assert verify(db).ok  # the audit rows purged past a year left the chain verifiable
        assert db.scalar(select(AuditLog.id).where(AuditLog.action == "audit.purge")) is not None


def test_a_departed_student_leaves_leaders_records_after_the_period(roster_deps: Deps) -> None:
    from bot.contacts.records import Draft, create_contact
    from bot.people.roster import apply_roster, read_roster
    from tests.conftest import ROSTER

    deps = roster_deps
    clock = deps.clock
    assert isinstance(clock, Clock)
    Simulator(deps, "zhanghaoran01").say(WORDS)
    with deps.sessions.begin() as db:
        zhao = db.scalar(select(Person).where(Person.userid == "zhaojianguo01"))
        student = db.scalar(select(Person).where(Person.userid == "zhanghaoran01"))
        assert zhao is not None and student is not None
        record = create_contact(db, zhao, Draft(kind="face_to_face", venue="talk", occurred_on=at(0).date(),
                                                counterparts=["zhanghaoran01"], source_text="约谈张浩然，聊考研"),
                                now=at(0), today=at(0).date(), channel="wecom", limits=deps.settings.contacts)
        db.flush()
        record_id = record.id
    rows, _ = read_roster(ROSTER)
    with deps.sessions.begin() as db:
        from bot.store.db import school_by_code

        school = school_by_code(db, "", deps.settings)
        assert school is not None
        apply_roster(db, school, [r for r in rows if r.userid != "zhanghaoran01"], at(10).date(), at(10))
    clock.moment = at(10 + 179)
    purge_expired(deps)
    with deps.sessions() as db:
        assert "张浩然" in (db.get(Contact, record_id) or Contact()).source_text
    clock.moment = at(10 + 181)
    purge_expired(deps)
    with deps.sessions() as db:
        contact = db.get(Contact, record_id)
        assert contact is not None and "张浩然" not in contact.source_text and "某同学" in contact.source_text
        assert contact.counterparts == [] and contact.kind == "face_to_face"  # the leader's record stays
        assert all(c.purged_at is not None for c in db.scalars(select(Concern)))


def test_photos_are_sealed_and_private(roster_deps: Deps, tmp_path: Path) -> None:
    from dataclasses import replace

    from bot.config import EvidenceSettings
    from bot.contacts.evidence import store_photo

    settings = replace(roster_deps.settings, evidence=EvidenceSettings(directory=str(tmp_path / "ev")),
                       encryption=EncryptionSettings(keys=(KEY1,)))
    deps = Deps(settings=settings, engine=roster_deps.engine, sessions=roster_deps.sessions, clock=roster_deps.clock,
                _redis=roster_deps.redis)
    os.umask(0o022)
    store_photo(deps.settings, deps.keyring, "default/7.jpg", b"\xff\xd8 the photo")
    path = tmp_path / "ev" / "default" / "7.jpg"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "ev").stat().st_mode) == 0o700
    assert b"the photo" not in path.read_bytes() and deps.keyring.open_bytes(path.read_bytes()) == b"\xff\xd8 the photo"


def test_the_privacy_notice_comes_with_the_first_concern_only(roster_deps: Deps) -> None:
    sim = Simulator(roster_deps, "lisiqi01")
    first = sim.say(WORDS)
    assert "个人信息说明" in first and "365天" in first and "学校管理员" in first
    second = sim.say("食堂的饭菜太贵了 希望调整价格")
    assert "#2" in second and "个人信息说明" not in second


def test_no_message_text_in_the_logs(roster_deps: Deps, caplog: pytest.LogCaptureFixture,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.chat.messages import Incoming
    from bot.server.webhook import Claim, retry_late

    caplog.set_level(logging.DEBUG)

    class Failing:  # the dispatch keeps failing after WeCom got its empty answer
        def deliver(self, msg: Incoming, deps: Deps) -> tuple[None, str]:
            raise RuntimeError("database is down")

    monkeypatch.setattr("bot.server.webhook.LATE_RETRY_DELAYS", (0.0,))
    msg = Incoming(channel="wecom", sender="lisiqi01", text=CRISIS, msg_id="m1")
    retry_late(roster_deps, Failing(), msg, Claim(roster_deps.redis, None, 60))  # type: ignore[arg-type]
    assert caplog.records and "m1" in caplog.text
    assert "不想活了" not in caplog.text and "失眠" not in caplog.text


def test_sealed_values_that_were_altered_do_not_open(roster_deps: Deps) -> None:
    from bot.store.crypto import Keyring, SealError

    keyring = Keyring.from_settings(replace_keys(roster_deps, KEY1))
    sealed = keyring.seal("最近失眠")
    assert keyring.open(sealed) == "最近失眠"
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(SealError):
        keyring.open(tampered)
    with pytest.raises(SealError):
        Keyring.from_settings(replace_keys(roster_deps, KEY2)).open(sealed)  # k1 not configured


def replace_keys(deps: Deps, *keys: str) -> Settings:
    from dataclasses import replace

    return replace(deps.settings, encryption=EncryptionSettings(keys=keys))
