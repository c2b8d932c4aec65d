"""Fixtures for the parser's tests: the fictional university's roster, the labelled corpora and a parse helper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.parse import Parsed, People, parse

WEDNESDAY = date(2026, 11, 25)  # the default "today" in these tests: a Wednesday

CORPUS = Path(__file__).resolve().parents[2] / "corpus"  # labelled messages and their roster (corpus/README.md)
ROSTER = CORPUS / "roster.csv"  # the fictional university


@pytest.fixture(scope="session")
def people() -> People:
    """The test roster."""
    return People.from_csv(ROSTER)


@pytest.fixture(scope="session")
def run(people: People) -> Callable[..., Parsed]:
    """Parse a message as a sender (a leader by default) on a given day (Wednesday 2026-11-25 by default)."""

    def parse_as(text: str, sender: str = "zhaojianguo01", today: date = WEDNESDAY) -> Parsed:
        return parse(text, sender, today, people)

    return parse_as
