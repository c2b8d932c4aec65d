"""The sender of a message comes from a per-process cache (bot/store/sender_cache.py): no query on a known
sender's next message, and any committed roster change is seen on the very next one."""

from __future__ import annotations

from sqlalchemy import event, select

from bot.chat.context import Deps
from bot.server.console_channel import ConsoleChannel
from bot.store.models import Person, PersonRole


def person_queries(deps: Deps, say: object) -> list[str]:
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if "FROM person" in statement:
            seen.append(statement)

    event.listen(deps.engine, "before_cursor_execute", note)
    try:
        say()  # type: ignore[operator]
    finally:
        event.remove(deps.engine, "before_cursor_execute", note)
    return seen


def test_a_known_sender_costs_no_query(roster_deps: Deps) -> None:
    console = ConsoleChannel(roster_deps)
    assert person_queries(roster_deps, lambda: console.say("zhaojianguo01", "帮助"))
    assert person_queries(roster_deps, lambda: console.say("zhaojianguo01", "帮助")) == []
    assert "赵建国" in console.say("zhaojianguo01", "帮助").plain()


def test_a_deactivated_sender_is_refused_on_the_next_message(roster_deps: Deps) -> None:
    console = ConsoleChannel(roster_deps)
    assert "记录联系" in console.say("zhaojianguo01", "帮助").plain()
    with roster_deps.sessions.begin() as db:  # the roster import deactivates him
        db.scalars(select(Person).where(Person.userid == "zhaojianguo01")).one().active = False
    assert "花名册" in console.say("zhaojianguo01", "帮助").plain()


def test_a_new_role_is_seen_on_the_next_message(roster_deps: Deps) -> None:
    console = ConsoleChannel(roster_deps)
    assert "记录联系" not in console.say("lisiqi01", "帮助").plain()  # a student
    with roster_deps.sessions.begin() as db:
        person = db.scalars(select(Person).where(Person.userid == "lisiqi01")).one()
        person.role_rows = [PersonRole(role="school_leader")]
    assert "记录联系" in console.say("lisiqi01", "帮助").plain()


def test_cached_senders_can_write_their_records(roster_deps: Deps) -> None:
    console = ConsoleChannel(roster_deps)
    console.say("zhaojianguo01", "帮助")  # now cached
    reply = console.say("zhaojianguo01", "今天去3号楼215宿舍看望学生，聊了考研").plain()
    assert "已记录" in reply
    with roster_deps.sessions() as db:  # the cached copy did not come back as a new or changed person
        assert len(db.scalars(select(Person).where(Person.userid == "zhaojianguo01")).all()) == 1
