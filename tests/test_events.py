"""Events and non-text messages: welcome, the 记录 button, photo/location evidence (N20), voice."""

from __future__ import annotations

from sqlalchemy import select

from bot.chat.context import Deps
from bot.store.models import Evidence
from tests.sim import Simulator


def test_enter_agent_welcomes_by_role(roster_deps: Deps) -> None:
    sim = Simulator(roster_deps, "zhaojianguo01")
    assert "欢迎" in sim.console.say("zhaojianguo01", "", kind="event", event="enter_agent").plain()
    student = sim.console.say("lisiqi01", "", kind="event", event="enter_agent").plain()
    assert "同学" in student and "12356" in student


def test_record_button_explains_how(roster_deps: Deps) -> None:
    assert "一句话" in Simulator(roster_deps, "zhaojianguo01").say("记录")


def test_photo_and_location_attach_to_the_last_record_within_30_minutes(roster_deps: Deps) -> None:
    sim = Simulator(roster_deps, "zhaojianguo01").at("2026-11-25T20:00")
    sim.say("今天去3号楼215宿舍看望学生，聊了考研")
    sim.at("2026-11-25T20:10")
    reply = sim.console.say("zhaojianguo01", "", kind="image", media_id="MEDIA1").plain()
    assert "照片已附在记录上" in reply
    reply = sim.console.say("zhaojianguo01", "", kind="location", latitude=38.04, longitude=114.51,
                            label="3号楼").plain()
    assert "位置已附在记录上" in reply
    with roster_deps.sessions() as db:
        rows = db.scalars(select(Evidence).order_by(Evidence.id)).all()
    assert [(e.kind, e.media_id, e.label) for e in rows] == [("image", "MEDIA1", None), ("location", None, "3号楼")]
    sim.at("2026-11-25T20:45")
    assert "30分钟内" in sim.console.say("zhaojianguo01", "", kind="image", media_id="MEDIA2").plain()


def test_voice_asks_for_text(roster_deps: Deps) -> None:
    assert "文字" in Simulator(roster_deps, "lisiqi01").console.say("lisiqi01", "", kind="voice").plain()
