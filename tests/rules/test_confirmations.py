"""Counterpart confirmation (N20): a recorded talk asks the counselor/teacher to confirm; 确认 / 不是这样
by chat; several waiting are listed; unconfirmed after 7 days is marked; marked records still count."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from bot.config import RulesSettings, SchoolEntry
from bot.rules.confirmations import request_confirmations
from bot.rules.engine import MET
from bot.store.db import ensure_schools, school_by_code
from bot.store.models import Contact, ContactCounterpart, ContactRevision, Person, PersonRole
from handlers.confirm import ROUTES, STEPS, answer_confirmation, is_confirmation_answer
from jobs.confirmations import mark_unconfirmed_records
from tests.rules.conftest import World, make_ctx, outbox_rows
from tests.rules.test_compliance import run


def record_talk(world: World, day: str = "2026-11-24", mentees: tuple[int, ...] | None = None) -> int:
    """A leader's talk stored as the contact handler stores it, then the confirmation requests queued."""
    cid = world.contact(world.leader, day, "mentee_talk", counterparts=mentees or (world.counselor,),
                        received=f"{day}T18:00")
    world.at(f"{day}T18:00")
    with world.deps.sessions.begin() as db:
        _, ctx = make_ctx(world, db, "zhao", "约谈王丽")
        contact = db.get(Contact, cid)
        assert contact is not None
        assert request_confirmations(ctx, contact) == len(contact.counterparts)
        assert request_confirmations(ctx, contact) == 0  # never asked twice
    return cid


def reply(world: World, userid: str, text: str, iso: str = "2026-11-25T09:00") -> str | None:
    """Route a message as the dispatcher would (the pending step first, then these routes)."""
    world.at(iso)
    with world.deps.sessions.begin() as db:
        msg, ctx = make_ctx(world, db, userid, text)
        pending = ctx.state.get()
        if pending is not None and pending["step"] in STEPS:
            answer = STEPS[pending["step"]](msg, ctx, pending)
            if answer is not None:
                return answer.plain()
            ctx.state.clear()
        if is_confirmation_answer(msg, ctx):
            return answer_confirmation(msg, ctx).plain()
        return None


def confirmation(world: World, cid: int) -> tuple[str, list[str]]:
    with world.session() as db:
        contact = db.get(Contact, cid)
        assert contact is not None
        return contact.confirmation, [cp.confirmation for cp in contact.counterparts]


def test_request_goes_to_the_counterpart(world: World) -> None:
    cid = record_talk(world)
    [(to, purpose, payload)] = outbox_rows(world.deps, "confirmation")
    card = payload["choice"]
    assert isinstance(card, dict) and to == "wangli" and card["subject"] == f"confirm:{cid}:{world.counselor}"
    assert "【请确认】赵建国记录了与您的谈话" in card["text"] and "“确认”" in card["text"] and "“不是这样”" in card["text"]
    assert [b["text"] for b in card["buttons"]] == ["确认", "不是这样", "没有见面"]
    assert confirmation(world, cid) == ("pending", ["pending"])


def test_confirm(world: World) -> None:
    cid = record_talk(world)
    assert reply(world, "wangli", "确认。") == "已确认赵建国11月24日的记录，谢谢！"
    assert confirmation(world, cid) == ("confirmed", ["confirmed"])
    assert reply(world, "wangli", "确认") is None  # nothing left waiting: not this route's message
    with world.session() as db:
        assert db.scalar(select(ContactRevision.action).where(ContactRevision.contact_id == cid)) == "confirmed"


def test_dispute_with_a_note_tells_the_leader(world: World) -> None:
    cid = record_talk(world)
    text = reply(world, "wangli", "不是这样")
    assert text is not None and "已记录您对赵建国11月24日的记录的异议" in text and "哪里与事实不符" in text
    assert reply(world, "wangli", "那天我在外地，没有见面") == "已记下您的说明，谢谢。"
    assert confirmation(world, cid) == ("disputed", ["disputed"])
    notices = [p for to, _, p in outbox_rows(world.deps, "confirmation") if to == "zhao"]
    assert len(notices) == 1 and "王丽对您11月24日的记录表示“不是这样”" in str(notices[0]["content"])
    with world.session() as db:
        notes = db.scalars(select(ContactRevision.after).where(ContactRevision.action == "dispute_note")).all()
    assert notes[0]["note"] == "那天我在外地，没有见面"
    ev = run(world, "2026-11-25T12:00", person=world.leader, records=True)  # it still counts, marked
    talks = {o.mentee.name: o.state for o in ev.people[world.leader].of_rule("quarterly_mentee_talk") if o.mentee}
    assert talks["王丽"] == MET and ev.records[cid].flags == ("对方有异议",)


def test_several_waiting_are_listed(world: World) -> None:
    first = record_talk(world, "2026-11-20")
    second = record_talk(world, "2026-11-24")
    text = reply(world, "wangli", "不是这样")
    assert text is not None and "有2条记录等您确认" in text and "1. 赵建国11月24日的记录" in text
    assert "已记录您对赵建国11月20日的记录的异议" in (reply(world, "wangli", "2") or "")
    assert reply(world, "wangli", "跳过") == "好的。"
    assert confirmation(world, first)[0] == "disputed" and confirmation(world, second)[0] == "pending"
    assert reply(world, "wangli", "确认") == "已确认赵建国11月24日的记录，谢谢！"


def test_confirm_all(world: World) -> None:
    record_talk(world, "2026-11-20")
    record_talk(world, "2026-11-24")
    assert "回复“全部”" in (reply(world, "wangli", "确认") or "")
    assert reply(world, "wangli", "全部") == "已确认2条记录，谢谢！"


def test_unconfirmed_after_seven_days_still_counts(world: World) -> None:
    cid = record_talk(world, "2026-11-16")
    world.at("2026-11-23T17:59")
    assert mark_unconfirmed_records(world.deps) == 0
    world.at("2026-11-23T18:00")
    assert mark_unconfirmed_records(world.deps) == 1
    assert mark_unconfirmed_records(world.deps) == 0
    assert confirmation(world, cid) == ("unconfirmed", ["unconfirmed"])
    ev = run(world, "2026-11-25T12:00", person=world.leader, records=True)
    assert ev.records[cid].flags == ("对方未确认",)
    assert reply(world, "wangli", "确认") == "已确认赵建国11月16日的记录，谢谢！"  # late is still welcome
    assert confirmation(world, cid) == ("confirmed", ["confirmed"])


def test_only_counselors_and_teachers_with_something_waiting(world: World) -> None:
    record_talk(world)
    assert reply(world, "lina", "确认") is None
    [route] = ROUTES
    assert route.roles is not None and "counselor" in route.roles and "school_leader" not in route.roles
    with world.session() as db:
        assert db.scalar(select(ContactCounterpart.confirmation)) == "pending"


def test_a_school_with_its_own_confirm_days(world: World) -> None:
    """[schools.rules] confirm_days: the default school's talks wait 7 days, a school's own 3 apply to it."""
    world.deps.settings = replace(world.deps.settings, schools=(
        SchoolEntry(code="hbut", name="河北第二大学", rules=RulesSettings(confirm_days=3)),))
    with world.deps.sessions.begin() as db:
        ensure_schools(db, world.deps.settings)
        school = school_by_code(db, "hbut", world.deps.settings)
        assert school is not None
        lee, chen = (Person(school_id=school.id, userid=u, name=n, department="d") for u, n in (("lee", "李"), ("chen", "陈")))
        lee.role_rows, chen.role_rows = [PersonRole(role="school_leader")], [PersonRole(role="counselor")]
        db.add_all([lee, chen])
        db.flush()
        school_id, lee_id, chen_id = school.id, lee.id, chen.id
    in_b = World(school_id, 0, 0, 0, 0, 0, 0, 0, 0, world.deps)
    other = in_b.contact(lee_id, "2026-11-20", "mentee_talk", counterparts=[chen_id], confirmation="pending",
                         received="2026-11-20T18:00")
    mine = world.contact(world.leader, "2026-11-20", "mentee_talk", counterparts=[world.counselor],
                         confirmation="pending", received="2026-11-20T18:00")
    world.at("2026-11-23T18:00")  # 3 days on: only the school with 3 confirm_days marks its talk
    assert mark_unconfirmed_records(world.deps) == 1
    assert confirmation(world, other)[0] == "unconfirmed" and confirmation(world, mine)[0] == "pending"
