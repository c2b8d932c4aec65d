""""我的进度": this week, month, quarter and semester in Chinese, the linked ones not yet met this
quarter, the standing link (N3), pauses (N11) and marked records (N20)."""

from __future__ import annotations

from datetime import date

from bot.rules.progress import compliance_for, render_progress
from bot.rules.standing import set_standing, sync_from_roster
from bot.store.models import Person
from tests.rules.conftest import World


def progress_text(world: World, person_id: int, iso: str) -> tuple[str, int]:
    at = world.at(iso)
    with world.session() as db:
        person = db.get(Person, person_id)
        assert person is not None
        progress = compliance_for(db, person, at, world.deps.settings)
        return render_progress(progress), len(progress.rules)


def test_school_leader_progress(world: World) -> None:
    world.contact(world.leader, "2026-11-24", venue="dorm", backdated=True)
    world.contact(world.leader, "2026-10-12", "mentee_talk", counterparts=[world.counselor], confirmation="disputed")
    world.pause(world.leader, "2026-11-30", "2026-12-04", reason="出差")
    text, n = progress_text(world, world.leader, "2026-11-25T12:00")
    assert n == 6  # weekly + lecture + 2 links × (quarter, semester)
    assert text.startswith("赵建国，您的联系进度（截至11月25日 周三）")
    assert "【本周 11月23日–29日】还剩3个工作日" in text
    assert "✔ 与学生面对面接触：1/1次（11月24日 宿舍（补记））" in text
    assert "与联系的辅导员/思政课教师面对面交流：1/2人" in text and "尚未交流：张明华" in text
    assert "【本学期 2026秋季学期】还剩8周" in text and "讲授思政课或形势与政策课：0/1次，还差1次" in text
    assert "尚未参加其工作：王丽、张明华" in text
    assert "【暂停提醒】11月30日–12月3日（出差）" in text
    assert "1条补记" in text and "1条对方有异议" in text


def test_chief_and_frontline_progress(world: World) -> None:
    world.contact(world.frontline, "2026-11-23", "frontline", half_days=2)
    text, _ = progress_text(world, world.frontline, "2026-11-25T12:00")
    assert "深入学生一线的工作时间：2/5个半天（不少于一半），还差3个半天" in text
    assert "【本月 11月】" in text
    assert "您还没有联系的辅导员/思政课教师" in text  # a middle chief without links
    text, _ = progress_text(world, world.chief, "2026-11-25T12:00")
    assert "尚未交流：李娜" in text and "本周" not in text


def test_no_obligations_and_non_teaching_week(world: World) -> None:
    text, n = progress_text(world, world.counselor, "2026-11-25T12:00")
    assert n == 0
    text, _ = progress_text(world, world.leader, "2027-02-10T12:00")
    assert "— 与学生面对面接触：假期（不在学期内）" in text and "不在学期内（假期）" in text


def test_standing_link_shows_contacts_naming_it(world: World) -> None:
    """N3: a standing link to one class, from the roster or set by an admin; contacts naming it show on it."""
    with world.deps.sessions.begin() as db:
        leader = db.get(Person, world.leader)
        assert leader is not None
        leader.class_name = "计科2101"
        assert sync_from_roster(db, world.school_id, date(2026, 9, 1)) == 1
        assert sync_from_roster(db, world.school_id, date(2026, 9, 2)) == 0
    world.contact(world.leader, "2026-11-24", venue="class", group_name="计科2101")
    world.contact(world.leader, "2026-11-20", venue="canteen")
    text, _ = progress_text(world, world.leader, "2026-11-25T12:00")
    assert "【常联系的班级】计科2101：本学期1次" in text
    with world.deps.sessions.begin() as db:
        leader = db.get(Person, world.leader)
        assert leader is not None
        set_standing(db, leader, "club", "篮球社", date(2026, 11, 25))
    text, _ = progress_text(world, world.leader, "2026-11-26T12:00")
    assert "【常联系的社团】篮球社：本学期0次" in text
