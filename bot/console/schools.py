"""The schools in view: the name in the console's header (each school's own; a province account's pick, or
all its schools) and the school column of lists that mix several schools.

Example: school B's admin sees "第二示范学院" in the header; a province account over two schools sees a
学校 column on the people, records and concerns lists.
"""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from bot.store.models import School


def school_names() -> dict[int, str]:
    """Return the schools' names by id when several are in view (a mixed list's column), else {}."""
    scope = g.get("scope")
    if scope is None or len(scope.school_ids) < 2:
        return {}
    return dict(g.db.execute(select(School.id, School.name).where(School.id.in_(scope.school_ids))).all())


def school_title() -> str:
    """Return the name the header shows: the school in view, or how many schools a province account sees."""
    scope = g.get("scope")
    if scope is None:
        deps = g.get("deps")
        return deps.settings.app.school_name if deps else ""
    if len(scope.school_ids) == 1:
        return g.db.scalar(select(School.name).where(School.id == scope.school_ids[0])) or ""
    return f"全部学校（{len(scope.school_ids)}所）"
