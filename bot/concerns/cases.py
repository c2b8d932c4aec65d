"""Who is on a concern's case: the people whose work it is to act on a crisis or mental-health concern,
and so the only ones who read its words, see who raised it, and may reveal an anonymous sender (crisis
only). The console's access matrix (bot/console/access.py) and the chat's "查明身份#N" both ask here.

On the case: the student's counselor, the ticket's owner, the on-duty list (`[concerns] on_duty`, else
the roster's admins), the mental-health office (`[privacy] mental_health_office`, else the office
`route_mental` names), and whoever acknowledged the crisis case (`case_acknowledgers`, issue 14).

Example: `Cases.load(db, settings, counselor.id).on_case(concern)` is True for the student's counselor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.concerns.models import CrisisCase
from bot.concerns.routing import office_for, people_by_userid, people_with_role
from bot.config import Settings
from bot.store.models import Concern, Person, School
from bot.terms.roles import ADMIN

SENSITIVE_CATEGORIES = frozenset({"mental"})  # besides crisis tickets


def is_sensitive(concern: Concern) -> bool:
    """Tell whether a concern's words are for the people on its case only (crisis, mental health)."""
    return concern.crisis or concern.category in SENSITIVE_CATEGORIES


def case_acknowledgers(db: Session, concern: Concern) -> set[int]:
    """Return the ids of the people who acknowledged a crisis case (its owner; none for other tickets)."""
    if not concern.crisis:
        return set()
    found = db.scalar(select(CrisisCase.acknowledged_by).where(CrisisCase.concern_id == concern.id))
    return {found} if found is not None else set()


def on_duty_people(db: Session, school: School, settings: Settings) -> list[Person]:
    """Return the crisis on-duty contacts from config, or the roster's admins when none are set."""
    return people_by_userid(db, school, settings.concerns.on_duty) or people_with_role(db, school, ADMIN)


def mental_health_office(settings: Settings) -> str:
    """Return the department whose staff are on every crisis and mental-health case."""
    return settings.privacy.mental_health_office or office_for("mental", settings.concerns)


@dataclass
class Cases:
    """The "on the case" test for one person, with the on-duty lists loaded once."""

    db: Session
    settings: Settings
    person: Person | None
    duty: dict[int, set[int]] = field(default_factory=dict)  # school id -> on-duty person ids

    @classmethod
    def load(cls, db: Session, settings: Settings, person_id: int | None) -> Cases:
        return cls(db, settings, db.get(Person, person_id) if person_id else None)

    def on_duty(self, school_id: int) -> set[int]:
        if school_id not in self.duty:
            school = self.db.get(School, school_id)
            assert school is not None
            self.duty[school_id] = {p.id for p in on_duty_people(self.db, school, self.settings)}
        return self.duty[school_id]

    def on_case(self, concern: Concern) -> bool:
        """Tell whether this person is on the concern's case."""
        me = self.person
        if me is None or not me.active or me.school_id != concern.school_id:
            return False
        return (me.id in (concern.counselor_id, concern.owner_id) or me.id in self.on_duty(concern.school_id)
                or bool(me.department and me.department == mental_health_office(self.settings))
                or me.id in case_acknowledgers(self.db, concern))

    def may_reveal(self, concern: Concern) -> bool:
        """Tell whether this person may reveal who raised an anonymous concern: a crisis, on its case."""
        return concern.anonymous and concern.crisis and self.on_case(concern)
