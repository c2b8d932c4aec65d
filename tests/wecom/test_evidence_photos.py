"""Evidence photos (N20): a leader sends a picture after a report (here from the emulator's chat page),
the evidence job fetches it with media/get before the media id expires, and keeps it on disk."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.chat.context import Deps
from bot.config import EvidenceSettings
from bot.contacts.evidence import FETCH_ATTEMPTS
from bot.demo.emulator.api import calls, keep_image
from bot.store.models import Contact, Evidence
from jobs.evidence import fetch_evidence
from tests.sim import Simulator
from tests.wecom.test_emulator import emulator
from tests.wecom.test_outbox import fault

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
DATA_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.fixture
def api(fake_api: Deps, tmp_path: Path) -> Deps:
    """The emulator's API on loopback, with the photos kept under a folder of this test's own."""
    settings = replace(fake_api.settings, evidence=EvidenceSettings(directory=str(tmp_path / "evidence")))
    return Deps(settings=settings, engine=fake_api.engine, sessions=fake_api.sessions, clock=fake_api.clock,
                _redis=fake_api.redis)


def evidence_rows(deps: Deps) -> list[Evidence]:
    with deps.sessions() as db:
        return list(db.scalars(select(Evidence).order_by(Evidence.id)))


def test_a_photo_sent_from_the_chat_is_fetched_and_kept(api: Deps) -> None:
    chat = emulator(api)
    report = chat.post("/emulator/api/send", json={"userid": "zhaojianguo01", "text": "今天去3号楼215宿舍看望学生，聊了考研"})
    assert "已记录" in report.get_json()["reply"]["text"]
    sent = chat.post("/emulator/api/send", json={"userid": "zhaojianguo01", "image": DATA_URL}).get_json()
    assert "照片已附在记录上" in sent["reply"]["text"]
    [row] = evidence_rows(api)
    assert row.kind == "image" and row.media_id and row.stored_path is None
    assert chat.get(f"/emulator/media/{row.media_id}").get_data() == PNG  # the image message's PicUrl
    assert fetch_evidence(api) == 1
    [row] = evidence_rows(api)
    assert row.stored_path == f"default/{row.id}.png"
    assert (Path(api.settings.evidence.directory) / row.stored_path).read_bytes() == PNG
    assert fetch_evidence(api) == 0 and calls(api, "media/get") == 1  # fetched once


def test_an_expired_token_is_refreshed_once(api: Deps) -> None:
    add_photo(api, keep_image(api, PNG, "image/png"))
    fault(api, "media/get", 42001)
    assert fetch_evidence(api) == 1
    assert calls(api, "media/get") == 2 and calls(api, "gettoken") == 2


def test_an_unknown_media_id_is_given_up_after_a_few_tries(api: Deps) -> None:
    add_photo(api, "no-such-media")
    for _ in range(FETCH_ATTEMPTS + 2):
        assert fetch_evidence(api) == 0
    [row] = evidence_rows(api)
    assert row.stored_path is None and row.fetch_attempts == FETCH_ATTEMPTS
    assert calls(api, "media/get") == FETCH_ATTEMPTS


def test_a_photo_older_than_its_media_id_is_not_asked_for(api: Deps) -> None:
    add_photo(api, keep_image(api, PNG, "image/png"), age=timedelta(days=3, minutes=1))
    assert fetch_evidence(api) == 0 and calls(api, "media/get") == 0


def test_the_chat_page_refuses_what_is_not_an_image(api: Deps) -> None:
    chat = emulator(api)
    text = "data:text/html;base64," + base64.b64encode(b"<script>").decode()
    assert chat.post("/emulator/api/send", json={"userid": "zhaojianguo01", "image": text}).status_code == 400
    assert chat.post("/emulator/api/send", json={"userid": "zhaojianguo01", "image": "data:image/png;base64,%%"}
                     ).status_code == 400


def add_photo(deps: Deps, media_id: str, age: timedelta = timedelta(0)) -> None:
    """A photo attached to a fresh record of zhaojianguo01, as the chat does."""
    Simulator(deps, "zhaojianguo01").say("今天去3号楼215宿舍看望学生，聊了考研")
    with deps.sessions.begin() as db:
        contact_id = db.scalars(select(Contact.id).order_by(Contact.id.desc())).first()
        db.add(Evidence(contact_id=contact_id, kind="image", media_id=media_id, at=deps.clock() - age))
