"""Fixtures for the concern tests: the example roster with counselors given classes, the concern
routes in the dispatcher, and helpers that read what the bot sent to whom.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.chat.context import Deps
from bot.store.models import Concern, OutboundMessage, Person
from tests.sim import Simulator

# The example roster leaves counselors' classes empty; these tests give two of them classes.
COUNSELOR_CLASSES = {"wangli01": "计科2101;计科2203", "chenjing01": "机械2102;机械2301"}
ADMINS = ("qinyaqin01", "qiuchenyang01", "baijing01")
MENTAL_OFFICE_HEAD = "yinlihua01"  # middle chief of 心理健康教育中心: on every crisis chain's first step


@pytest.fixture
def cdeps(roster_deps: Deps) -> Deps:
    """The example roster (with counselor classes) behind a dispatcher that knows concerns."""
    with roster_deps.sessions.begin() as db:
        for userid, classes in COUNSELOR_CLASSES.items():
            db.execute(update(Person).where(Person.userid == userid).values(class_name=classes))
    return roster_deps


def tune(deps: Deps, **concern_settings: Any) -> Deps:
    """Change [concerns] settings for one test."""
    deps.settings = replace(deps.settings, concerns=replace(deps.settings.concerns, **concern_settings))
    return deps


@pytest.fixture
def sim(cdeps: Deps) -> Simulator:
    """A simulator on the concern-aware dispatcher, clock at Wed 2026-11-25 12:00 school time."""
    return Simulator(cdeps, "lisiqi01").at("2026-11-25T12:00")


def outbox(deps: Deps, purpose: str | None = None, to: str | None = None) -> list[OutboundMessage]:
    """Return the queued outbound messages, optionally of one purpose or to one person."""
    with deps.sessions() as db:
        query = select(OutboundMessage).order_by(OutboundMessage.id)
        if purpose:
            query = query.where(OutboundMessage.purpose == purpose)
        if to:
            query = query.where(OutboundMessage.recipient == to)
        return list(db.scalars(query))


def text_of(row: OutboundMessage) -> str:
    """Return everything a recipient reads in one outbound message."""
    payload = row.payload
    choice = (payload.get("choice") or {}).get("text")  # a card's question, as typed where there are no cards
    return "\n".join(str(v) for v in (payload.get("content"), payload.get("text"), payload.get("card"), choice,
                                      *payload.get("extra", [])) if v)


def tickets(deps: Deps) -> list[Concern]:
    with deps.sessions() as db:
        return list(db.scalars(select(Concern).order_by(Concern.number)))


def ticket(deps: Deps, number: int) -> Concern:
    with deps.sessions() as db:
        found = db.scalar(select(Concern).where(Concern.number == number))
        assert found is not None, f"no ticket #{number}"
        return found


def person(deps: Deps, userid: str) -> Person:
    with deps.sessions() as db:
        found = db.scalar(select(Person).where(Person.userid == userid))
        assert found is not None
        return found


def history(deps: Deps, number: int) -> list[tuple[str, str]]:
    """Return a ticket's history as (role, text) pairs."""
    from bot.store.models import ConcernMessage

    with deps.sessions() as db:
        rows = db.execute(select(ConcernMessage.role, ConcernMessage.text).join(Concern)
                          .where(Concern.number == number).order_by(ConcernMessage.id))
        return [(r, t) for r, t in rows]
