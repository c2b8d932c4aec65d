"""Pauses (N11) through the real parser: "出差到12月3日，暂停提醒", "下周再提醒", "这周别提醒了",
"元旦后再提醒", a lunar holiday the calendar resolves, refusals, and "恢复提醒"."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.chat.routing import match
from bot.rules.models import Pause
from handlers.pauses import ROUTES, record_pause, resume_reminders
from tests.rules.conftest import World, make_ctx


def say(world: World, text: str, iso: str = "2026-11-25T12:00") -> str:
    """Send a text as 赵建国 to whichever pause route matches it (the parser reads it)."""
    world.at(iso)
    with world.deps.sessions.begin() as db:
        msg, ctx = make_ctx(world, db, "zhao", text)
        route = match(ROUTES, msg, ctx)
        assert route is not None, text
        return route.handler(msg, ctx).plain()


def pauses(world: World) -> list[tuple[str, str | None, date, date]]:
    with world.session() as db:
        return [(p.kind, p.reason, p.start, p.until) for p in db.scalars(select(Pause).order_by(Pause.id))]


def test_trip_pause_with_reason(world: World) -> None:
    reply = say(world, "出差到12月3日，暂停提醒")
    assert "12月3日前不再提醒您（出差）" in reply and "12月4日（周五）起自动恢复" in reply
    assert pauses(world) == [("pause", "出差", date(2026, 11, 25), date(2026, 12, 4))]


@pytest.mark.parametrize(
    ("text", "today", "resume"),
    [
        ("下周再提醒", "2026-11-25", date(2026, 11, 30)),
        ("这周别提醒了", "2026-11-25", date(2026, 11, 30)),
        ("12月3日再提醒我", "2026-11-25", date(2026, 12, 3)),
        ("元旦后再提醒", "2025-12-10", date(2026, 1, 2)),  # 2 and 3 January are off anyway: nothing goes out
        ("国庆后再提醒", "2026-09-20", date(2026, 10, 8)),
    ],
)
def test_snoozes(world: World, text: str, today: str, resume: date) -> None:
    assert "再提醒您" in say(world, text, iso=f"{today}T12:00")
    assert pauses(world) == [("snooze", None, date.fromisoformat(today), resume)]


def test_lunar_holiday_from_the_calendar(world: World) -> None:
    """The parser leaves 春节/中秋 to the handler: the calendar knows when the holiday ends."""
    say(world, "中秋后再提醒", iso="2026-09-01T12:00")  # Mid-Autumn 2026: 25–27 September
    assert pauses(world)[0][3] == date(2026, 9, 28)
    assert "请告诉我到哪天" in say(world, "春节后再提醒")  # Spring Festival 2027: no calendar data yet


def test_being_busy_only_snoozes(world: World) -> None:
    """N11 excuses real absences only: "太忙了" snoozes, and says why."""
    assert "（忙）" in say(world, "这周太忙了，别提醒了")
    assert pauses(world) == [("snooze", "忙", date(2026, 11, 25), date(2026, 11, 30))]


def test_refusals(world: World) -> None:
    assert "暂停到什么时候" in say(world, "暂停提醒")
    assert "最长只能暂停90天" in say(world, "11月20日再提醒")  # read as next year's 20 November
    assert pauses(world) == []


def test_new_pause_replaces_and_resume_ends(world: World) -> None:
    say(world, "下周再提醒")
    say(world, "出差到12月3日，暂停提醒")
    kinds = pauses(world)
    assert kinds[0][3] == date(2026, 11, 25) and kinds[1][0] == "pause"  # the snooze ended today, history kept
    assert say(world, "恢复提醒", iso="2026-11-27T09:00") == "好的，已恢复提醒。"
    assert pauses(world)[1][3] == date(2026, 11, 27)
    assert say(world, "恢复提醒", iso="2026-11-27T09:00") == "您目前没有暂停提醒。"


def test_routes() -> None:
    assert [r.handler for r in ROUTES] == [resume_reminders, record_pause]
    assert ROUTES[1].intents == ("snooze",) and "恢复提醒" in ROUTES[0].words
