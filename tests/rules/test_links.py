"""Link assignment (N6): 1–3 counselors/teachers per leader from the ratio of their totals, balanced,
same department preferred, current links kept where they fit, history kept when applied."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone

from sqlalchemy import func, select

from bot.chat.context import Deps
from bot.rules.links import apply_links, suggest_links
from bot.store.db import school_by_code
from bot.store.models import Link, Person

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 4, 0, tzinfo=timezone.utc)


def test_suggest_by_ratio_balanced_same_department(roster_deps: Deps) -> None:
    with roster_deps.sessions() as db:
        school = school_by_code(db, "", roster_deps.settings)
        assert school is not None
        s = suggest_links(db, school, TODAY)
    assert (s.leaders, s.mentees) == (40, 60) and s.ratio == 1.5
    counts = Counter(len(p.mentees) for p in s.plans)
    assert counts == {2: 20, 1: 20}  # 60 over 40: half take two
    linked = Counter(w.userid for p in s.plans for w in p.mentees)
    assert len(linked) == 60 and set(linked.values()) == {1} and not s.unlinked
    departments = {w.department for p in s.plans for w in p.mentees}
    chiefs = [p for p in s.plans if p.leader.department in departments]
    assert len(chiefs) == 19  # chiefs of a college with counselors/teachers of its own
    assert all(w.department == p.leader.department for p in chiefs for w in p.mentees)
    assert "比例 1.50" in s.describe() and s.as_json()["ratio"] == 1.5


def test_apply_keeps_history_and_is_stable(roster_deps: Deps) -> None:
    with roster_deps.sessions.begin() as db:
        school = school_by_code(db, "", roster_deps.settings)
        assert school is not None
        before = db.scalar(select(func.count(Link.id))) or 0
        s = suggest_links(db, school, TODAY)
        added, ended = apply_links(db, school, s, TODAY, NOW)
        assert added == sum(len(p.add) for p in s.plans) and ended == sum(len(p.end) for p in s.plans)
    with roster_deps.sessions() as db:
        assert db.scalar(select(func.count(Link.id))) == before + added  # nothing deleted
        assert db.scalar(select(func.count(Link.id)).where(Link.until == TODAY)) == ended
        assert db.scalar(select(func.count(Link.id)).where(Link.since == TODAY, Link.source == "suggest")) == added
        school = school_by_code(db, "", roster_deps.settings)
        assert school is not None
        again = suggest_links(db, school, TODAY)
        assert again.changes == 0
        active = Counter(db.scalars(select(Link.leader_id).where(Link.until.is_(None))))
        assert set(active.values()) <= {1, 2}


def test_more_leaders_than_mentees_share_them(roster_deps: Deps) -> None:
    with roster_deps.sessions.begin() as db:
        for p in db.scalars(select(Person).where(Person.userid.like("%01"))):
            if p.roles & {"counselor", "ideology_teacher"} and p.id % 3:
                p.active = False
    with roster_deps.sessions() as db:
        school = school_by_code(db, "", roster_deps.settings)
        assert school is not None
        s = suggest_links(db, school, TODAY)
    assert s.mentees < s.leaders and all(len(p.mentees) == 1 for p in s.plans)
    per_mentee = Counter(w.userid for p in s.plans for w in p.mentees)
    assert max(per_mentee.values()) - min(per_mentee.values()) <= 1
