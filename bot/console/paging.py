"""Pagination for the console's lists: `?page=N`, a fixed page size, and the links to neighbours.

Example: `paginate(db, select(Contact)..., total)` returns the rows of the requested page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import request, url_for
from sqlalchemy import Select
from sqlalchemy.orm import Session

T = TypeVar("T")
PAGE_SIZE = 50


@dataclass
class Page(Generic[T]):
    """One page of rows with what the template needs to link to the others."""

    rows: list[T]
    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, (self.total + self.size - 1) // self.size)

    def url(self, number: int) -> str:
        """Return the current URL with another page number, other filters kept."""
        args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page"}
        assert request.endpoint is not None
        return url_for(request.endpoint, page=number, **(request.view_args or {}), **args)


def page_number() -> int:
    """Return the requested page number (1 when missing or nonsense)."""
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def page_of(items: list[T], size: int = PAGE_SIZE) -> Page[T]:
    """Return the requested page of a list already in memory."""
    number = min(page_number(), max(1, (len(items) + size - 1) // size))
    return Page(items[(number - 1) * size:number * size], number, len(items), size)


def paginate(db: Session, query: Select[Any], total: int, size: int = PAGE_SIZE) -> Page[Any]:
    """Run a query for the requested page (scalars when it selects one entity)."""
    number = min(page_number(), max(1, (total + size - 1) // size))
    paged = query.limit(size).offset((number - 1) * size)
    rows = list(db.scalars(paged)) if len(query.column_descriptions) == 1 else list(db.execute(paged))
    return Page(rows, number, total, size)
