"""Understanding a text message: the parser over the sender's school roster, cached per school.

The roster index is rebuilt only when the roster changes (bot/store/roster_version.py bumps a counter in
Redis after any commit that touches people or links), so a message costs one parse, not a roster load.
While Redis is away the index is rebuilt once a minute instead.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.chat.context import Context, Deps
from bot.chat.messages import Incoming
from bot.parse import Parsed, People, PersonRef, parse
from bot.store.models import Link, Person, School
from bot.store.roster_version import provisional_version, roster_version


def understand(msg: Incoming, ctx: Context) -> Parsed:
    """Parse the message once and keep the result on the context."""
    cached = ctx.extras.get("parsed")
    if cached is None:
        people = school_people(ctx.db, ctx.deps, ctx.school, ctx.roster_version)
        cached = parse(msg.text, ctx.sender.userid, ctx.today, people)
        ctx.extras["parsed"] = cached
    return cached  # type: ignore[no-any-return]


def school_people(db: Session, deps: Deps, school: School, version: str | None = None) -> People:
    """Return the parser's roster index for a school, rebuilt when its version (read now if not given) changed."""
    if version is None:
        version = roster_version(deps, school.id) or provisional_version()
    slot = f"people:{school.id}"
    hit = deps.caches.get(slot)
    if hit is not None and hit[0] == version:
        return hit[1]  # type: ignore[no-any-return]
    people = load_people(db, school)
    deps.caches[slot] = (version, people)
    return people


def load_people(db: Session, school: School) -> People:
    """Build the roster index from the database: active people, their roles and current links."""
    persons = db.scalars(select(Person).where(Person.school_id == school.id, Person.active.is_(True))).all()
    userid = {p.id: p.userid for p in persons}
    mentees: dict[int, list[str]] = {}
    rows = db.execute(
        select(Link.leader_id, Link.mentee_id).where(Link.school_id == school.id, Link.until.is_(None))
    )
    for leader_id, mentee_id in rows:
        if mentee_id in userid:
            mentees.setdefault(leader_id, []).append(userid[mentee_id])
    return People(PersonRef(userid=p.userid, name=p.name, roles=p.roles, mentees=tuple(mentees.get(p.id, ())))
                  for p in persons)
