"""Fixtures for the parser's tests: the fictional university's roster and a parse helper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.parse import Parsed, People, parse

WEDNESDAY = date(2026, 11, 25)  # the default "today" in these tests: a Wednesday

ROSTER = Path(__file__).resolve().parents[1] / "data" / "roster.csv"  # the fictional university (shared/corpus/roster.csv)


def shared_dir() -> Path | None:
    """Find the shared material beside the repository (CI) or at /work/shared (development)."""
    for candidate in (Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")):
        if (candidate / "corpus" / "dev.jsonl").is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared material (corpus, roster); skips the test when it is not there."""
    found = shared_dir()
    if found is None:
        pytest.skip("shared/corpus is not beside the repository nor at /work/shared")
    return found


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
