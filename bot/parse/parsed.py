"""The parser's answer for one message: the contract's fields plus what the handlers need to ask back.

Example message: "约谈王老师" from a leader with two linked 王 -> name_choices (("wangjianjun01", "wangli01"),).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Parsed:
    """One parsed message (see docs/parse-contract.md for the contract fields)."""

    intent: str  # log_contact, concern, progress, undo, help, reply_concern, snooze, digest, unknown
    kind: str | None = None
    venue: str | None = None
    date: datetime.date | None = None
    counterparts: tuple[str, ...] = ()  # sorted userids
    students: int | None = None
    category: str | None = None
    crisis: bool = False
    anonymous: bool = False
    ticket: int | None = None
    # beyond the contract, for the handlers:
    date_explicit: bool = False  # False when no date word was present (defaulted to today)
    place: str | None = None  # "3号楼215", "一食堂", "武术协会", "报告厅"
    group: str | None = None  # class or club named: "计科2101", "篮球社"
    topics: tuple[str, ...] = ()  # what was discussed (考研, 就业, 发展规划 ...)
    part_of_day: str | None = None  # 上午/中午/下午/晚上
    half_days: float | None = None  # frontline duration in working half-days
    name_choices: tuple[tuple[str, ...], ...] = ()  # candidate userids for each ambiguous mention
    near_misses: tuple[tuple[str, str], ...] = ()  # (text as written, userid) sound-alikes, never counterparts
    snooze_until: datetime.date | None = None  # first day reminders resume
    reason: str | None = None  # snooze reason (出差/开会/休假/...)
    risk: str = "none"  # crisis / watch / none, for every message (bot/parse/assess.py)
    signals: tuple[str, ...] = ()  # which crisis rules fired ("plan:other") and "model" when it did

    def contract(self) -> dict[str, Any]:
        """Return exactly the contract's JSON fields."""
        return {
            "intent": self.intent,
            "kind": self.kind,
            "venue": self.venue,
            "date": self.date.isoformat() if self.date else None,
            "counterparts": list(self.counterparts),
            "students": self.students,
            "category": self.category,
            "crisis": self.crisis,
            "anonymous": self.anonymous,
            "ticket": self.ticket,
            "risk": self.risk,
        }
