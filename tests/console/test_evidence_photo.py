"""The record page shows a fetched evidence photo; the photo is served only to who may see the record."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from bot.chat.context import Deps
from bot.config import EvidenceSettings
from bot.contacts.evidence import FETCH_ATTEMPTS, store_photo
from bot.contacts.export import HEADERS_ZH
from bot.server.web import create_app
from bot.store.models import Evidence
from tests.console.conftest import Seed, login_as
from tests.wecom.test_evidence_photos import PNG


@pytest.fixture
def photo_client(console_deps: Deps, seed: Seed, tmp_path: Path) -> Iterator[FlaskClient]:
    settings = replace(console_deps.settings, evidence=EvidenceSettings(directory=str(tmp_path)))
    deps = Deps(settings=settings, engine=console_deps.engine, sessions=console_deps.sessions,
                clock=console_deps.clock, _redis=console_deps.redis)
    yield create_app(deps=deps).test_client()


def photo(deps: Deps, contact_id: int) -> Evidence:
    with deps.sessions() as db:
        return db.scalars(select(Evidence).where(Evidence.contact_id == contact_id, Evidence.kind == "image")).one()


def fetched(client: FlaskClient, seed: Seed) -> str:
    """Store the seeded photo of zhao's dorm visit as the evidence job would; return its URL."""
    deps: Deps = client.application.extensions["bot"]
    row = photo(deps, seed.contact_zhao)
    store_photo(deps.settings, deps.keyring, f"default/{row.id}.png", PNG)
    with deps.sessions.begin() as db:
        db.get(Evidence, row.id).stored_path = f"default/{row.id}.png"  # type: ignore[union-attr]
    return f"/console/records/{seed.contact_zhao}/evidence/{row.id}"


def test_the_record_shows_the_photo_to_its_viewers(photo_client: FlaskClient, seed: Seed) -> None:
    url = fetched(photo_client, seed)
    login_as(photo_client, "leader")  # zhao himself
    page = photo_client.get(f"/console/records/{seed.contact_zhao}").get_data(as_text=True)
    assert f'src="{url}"' in page and "取回" not in page
    with photo_client.get(url) as response:
        assert response.status_code == 200 and response.get_data() == PNG and response.mimetype == "image/png"
        assert "no-store" in response.headers["Cache-Control"]


def test_others_cannot_load_the_photo(photo_client: FlaskClient, seed: Seed) -> None:
    url = fetched(photo_client, seed)
    assert photo_client.get(url).status_code == 302  # not logged in: to the login page
    login_as_other_leader(photo_client)
    assert photo_client.get(url).status_code == 403
    login_as(photo_client, "admin")
    with photo_client.get(url) as response:
        assert response.status_code == 200
    other_record = f"/console/records/{seed.contact_qian}/evidence/{url.rsplit('/', 1)[1]}"
    assert photo_client.get(other_record).status_code == 404  # the photo belongs to another record


def test_a_photo_given_up_says_so(photo_client: FlaskClient, seed: Seed) -> None:
    deps: Deps = photo_client.application.extensions["bot"]
    with deps.sessions.begin() as db:
        db.get(Evidence, photo(deps, seed.contact_zhao).id).fetch_attempts = FETCH_ATTEMPTS  # type: ignore[union-attr]
    login_as(photo_client, "admin")
    assert "未能从企业微信取回" in photo_client.get(f"/console/records/{seed.contact_zhao}").get_data(as_text=True)


def test_a_photo_whose_media_id_expired_says_so(photo_client: FlaskClient, seed: Seed) -> None:
    deps: Deps = photo_client.application.extensions["bot"]
    deps.clock.moment += timedelta(days=4)  # type: ignore[attr-defined]
    login_as(photo_client, "admin")
    assert "未能从企业微信取回" in photo_client.get(f"/console/records/{seed.contact_zhao}").get_data(as_text=True)


def login_as_other_leader(client: FlaskClient) -> None:
    from tests.console.conftest import login

    assert login(client, "leader2").status_code == 302  # 钱振华: sees only his own records


def test_records_zip_bundles_the_records_with_their_photos(photo_client: FlaskClient, seed: Seed) -> None:
    fetched(photo_client, seed)
    login_as(photo_client, "leader")
    response = photo_client.get("/console/exports/records.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(response.get_data()))
    row = photo(photo_client.application.extensions["bot"], seed.contact_zhao)
    assert set(bundle.namelist()) == {"联系记录.xlsx", f"照片/{seed.contact_zhao}-1.png"}
    assert bundle.read(f"照片/{seed.contact_zhao}-1.png") == PNG and row.stored_path
    sheet = load_workbook(io.BytesIO(bundle.read("联系记录.xlsx"))).worksheets[0]
    rows = {r[HEADERS_ZH.index("编号")]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[seed.contact_zhao][HEADERS_ZH.index("佐证照片")] == f"{seed.contact_zhao}-1.png"
    assert "3号楼" in rows[seed.contact_zhao][HEADERS_ZH.index("位置")]
    assert len(rows) == 5  # only zhao's own records: the leader's scope
