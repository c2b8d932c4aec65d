"""`contactbot demo`: the demo school with history, generated WeCom keys, and its first page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.chat.context import Deps
from bot.config import load_settings
from bot.demo.emulator import emulator_bp
from bot.demo.emulator.demo_page import demo_index
from bot.demo.run import demo_settings, prepare_demo
from bot.server.web import create_app
from bot.store.models import Contact
from jobs.scheduler import start_background_scheduler


def test_demo_prepares_a_school_with_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = demo_settings(load_settings(env={}), 5099)
    assert settings.wecom.api_base_url == "http://127.0.0.1:5099/emulator"
    assert len(settings.wecom.encoding_aes_key) == 43 and settings.wecom.token and settings.wecom.corp_id
    deps = Deps.build(settings)
    try:
        assert prepare_demo(deps) == 163
        with deps.sessions() as db:
            contacts = db.scalar(select(func.count(Contact.id))) or 0
        assert contacts > 20
        assert prepare_demo(deps) == 163  # a second start adds nothing
        with deps.sessions() as db:
            assert db.scalar(select(func.count(Contact.id))) == contacts
        app = create_app(settings, deps=deps)
        app.register_blueprint(emulator_bp)
        app.view_functions["index"] = demo_index
        page = app.test_client().get("/").get_data(as_text=True)
        assert "企业微信模拟器" in page and "/emulator/" in page and "可以试试" in page
        reply = app.test_client().post("/emulator/api/send", json={"userid": "zhaojianguo01", "text": "帮助"})
        assert "记录联系" in reply.get_json()["reply"]["text"]
        scheduler = start_background_scheduler(deps)
        try:
            assert {"reminders", "digest"} <= {job.id for job in scheduler.jobs.get_jobs()}
            assert scheduler.keeper.held() and [t.name for t in scheduler.pump.threads] == ["outbox-1", "outbox-2"]
        finally:
            scheduler.stop()
        today = date.today()
        assert any(s.start and s.end and s.start <= today <= s.end for s in settings.semesters)
    finally:
        deps.close()
    assert (tmp_path / "instance" / "demo.db").exists()
