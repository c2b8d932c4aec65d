"""Semesters from `[[semesters]]`, or an assumed academic calendar when none is configured.

Example: with no `[[semesters]]`, 2026-11-25 falls in "2026-2027学年秋季学期（默认）", from the week of
1 September for 20 weeks; the digest tells admins the semesters are assumed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.config import SemesterEntry

AUTUMN_WEEKS = 20
SPRING_WEEKS = 19


@dataclass(frozen=True)
class Semester:
    """One semester: first and last day (inclusive), and its exam and vacation week numbers."""

    name: str
    start: date
    end: date  # inclusive
    exam_weeks: frozenset[int] = frozenset()
    vacation_weeks: frozenset[int] = frozenset()
    assumed: bool = False  # built-in guess, not from config

    def week_number(self, day: date) -> int:
        """Return the semester week of a day (week 1 is the Monday–Sunday week holding `start`)."""
        first_monday = self.start - timedelta(days=self.start.weekday())
        return (day - first_monday).days // 7 + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def configured_semesters(entries: Sequence[SemesterEntry]) -> tuple[Semester, ...]:
    """Turn `[[semesters]]` into Semesters, in date order."""
    out = []
    for e in entries:
        assert e.start is not None and e.end is not None  # validated at start-up
        out.append(Semester(e.name, e.start, e.end, frozenset(int(w) for w in e.exam_weeks),
                            frozenset(int(w) for w in e.vacation_weeks)))
    return tuple(sorted(out, key=lambda s: s.start))


def _monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def assumed_semesters(year: int) -> tuple[Semester, Semester]:
    """Return the assumed spring and autumn semesters that start in a calendar year."""
    spring_start = _monday_of(date(year, 2, 24))
    autumn_start = _monday_of(date(year, 9, 1))
    return (
        Semester(f"{year - 1}-{year}学年春季学期（默认）", spring_start,
                 spring_start + timedelta(weeks=SPRING_WEEKS, days=-1), assumed=True),
        Semester(f"{year}-{year + 1}学年秋季学期（默认）", autumn_start,
                 autumn_start + timedelta(weeks=AUTUMN_WEEKS, days=-1), assumed=True),
    )


def find_semester(semesters: Sequence[Semester], day: date) -> Semester | None:
    """Return the configured semester holding a day; with none configured, the assumed one."""
    if semesters:
        return next((s for s in semesters if s.contains(day)), None)
    for year in (day.year - 1, day.year):
        for semester in assumed_semesters(year):
            if semester.contains(day):
                return semester
    return None
