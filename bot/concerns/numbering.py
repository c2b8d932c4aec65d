"""Ticket numbers: per school, increasing from 1, unique and safe under concurrent messages.

Example: the next concern of a school whose last ticket was #152 is #153, even when two students
write at the same moment (one `UPDATE ... RETURNING` on a counter row serialises them).
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.concerns.models import ConcernCounter
from bot.store.models import Concern, School


def next_number(db: Session, school: School) -> int:
    """Take the school's next ticket number inside the caller's transaction."""
    number = _bump(db, school)
    if number is not None:
        return number
    # First ticket of this school (or of this table): start after any number already in use.
    start = db.scalar(select(func.coalesce(func.max(Concern.number), 0)).where(Concern.school_id == school.id)) or 0
    try:
        with db.begin_nested():
            db.add(ConcernCounter(school_id=school.id, last_number=start + 1))
        return start + 1
    except IntegrityError:  # another transaction created the row first: take a number from it
        number = _bump(db, school)
        assert number is not None
        return number


def _bump(db: Session, school: School) -> int | None:
    """Increment the counter row and return the new number (the row lock orders concurrent callers)."""
    stmt = (
        update(ConcernCounter)
        .where(ConcernCounter.school_id == school.id)
        .values(last_number=ConcernCounter.last_number + 1)
        .returning(ConcernCounter.last_number)
        .execution_options(synchronize_session=False)
    )
    return db.scalar(stmt)
