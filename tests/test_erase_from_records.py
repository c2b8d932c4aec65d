"""Erasing a person takes their name out of every text others' records keep: the source message, the place,
the topics and each step of the record's history (before/after snapshots too), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.chat.context import Deps
from bot.people.person_data import REDACTED, remove_from_records
from bot.store.models import Contact, ContactRevision, Person
from tests.sim import Simulator


def test_a_name_leaves_messages_places_topics_and_history(roster_deps: Deps) -> None:
    leader = Simulator(roster_deps, "zhaojianguo01")
    assert "已记录" in leader.say("今天去3号楼215宿舍看望李思琪，聊了考研")
    leader.say("改成李思琪宿舍")  # an edit: the name is in the revision's after-snapshot
    with roster_deps.sessions.begin() as db:
        contact = db.scalars(select(Contact)).one()
        contact.topics = ["李思琪的考研"]
        student = db.scalars(select(Person).where(Person.userid == "lisiqi01")).one()
        assert remove_from_records(db, student) >= 1
    with roster_deps.sessions() as db:
        contact = db.scalars(select(Contact)).one()
        revisions = db.scalars(select(ContactRevision)).all()
        kept = json.dumps([contact.source_text, contact.place, contact.topics,
                           [(r.source_text, r.before, r.after) for r in revisions]], ensure_ascii=False)
    assert "李思琪" not in kept and REDACTED in kept
    assert len(revisions) >= 2  # the history itself stays: only the name went
