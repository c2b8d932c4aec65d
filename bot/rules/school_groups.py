"""Which settings each school runs on: the deployment's, or its own `[schools.rules]`, `[[schools.rule]]`,
`[[schools.semesters]]`, `[[schools.holidays]]` and `[schools.calendar]` (bot.config.school_settings).
Schools that share settings are evaluated together, in one pass of the engine's grouped SELECTs.

Example: `for group in school_groups(db, settings, (1, 2, 3)): ledger(db, group.settings, …, scope=group.scope())`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings, school_settings
from bot.rules.queries import Scope
from bot.store.models import School


@dataclass(frozen=True)
class SchoolGroup:
    """Schools running on the same settings."""

    settings: Settings
    schools: tuple[School, ...]

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(s.id for s in self.schools)

    def scope(self, person_ids: tuple[int, ...] | None = None) -> Scope:
        """The engine's scope over these schools (and, if given, only these people)."""
        ids = self.ids
        if len(ids) == 1:
            return Scope(school_id=ids[0], person_ids=person_ids)
        return Scope(person_ids=person_ids, school_ids=ids)


def school_groups(db: Session, settings: Settings, school_ids: Iterable[int] | None = None) -> list[SchoolGroup]:
    """Return the schools (all, or those given) grouped by the settings they run on, in school order."""
    query = select(School).order_by(School.id)
    if school_ids is not None:
        query = query.where(School.id.in_(tuple(school_ids)))
    groups: dict[Settings, list[School]] = {}
    for school in db.scalars(query):
        groups.setdefault(school_settings(settings, school.code), []).append(school)
    return [SchoolGroup(own, tuple(schools)) for own, schools in groups.items()]


def settings_of(db: Session, settings: Settings, school_id: int) -> Settings:
    """Return the settings one school runs on."""
    code = db.scalar(select(School.code).where(School.id == school_id))
    return school_settings(settings, code or settings.app.school)
