"""The roster as the parser sees it: people by name, by surname and by toneless pinyin.

Example message: "约谈王莉老师" -> 王莉 is no roster name, but sounds like 王丽 (wang li): a near miss.
Built once per school and reused, so all per-name work (surnames, pinyin readings) happens here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.parse.pinyin import name_keys

STAFF_ROLES = frozenset(
    {"school_leader", "middle_chief", "student_affairs_head", "counselor", "ideology_teacher", "admin"}
)
MENTEE_ROLES = frozenset({"counselor", "ideology_teacher"})
COMPOUND_SURNAMES = frozenset(
    ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文")
    + ("司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "申屠", "轩辕", "呼延")
)


@dataclass(frozen=True)
class PersonRef:
    """One roster person, with the links that name matching needs."""

    userid: str
    name: str
    roles: frozenset[str]
    mentees: tuple[str, ...] = ()  # userids of the counselors/teachers this leader/chief is linked to

    @property
    def surname(self) -> str:
        """Return the family name (two characters for compound surnames such as 欧阳)."""
        return self.name[:2] if len(self.name) >= 3 and self.name[:2] in COMPOUND_SURNAMES else self.name[:1]

    @property
    def is_mentee_like(self) -> bool:
        """Tell whether the person is a counselor or ideology teacher (someone a leader can be linked to)."""
        return bool(self.roles & MENTEE_ROLES)

    @property
    def is_staff(self) -> bool:
        """Tell whether the person is staff (anyone but a student)."""
        return bool(self.roles & STAFF_ROLES)


class People:
    """An immutable index of a school's roster for name matching (built once, reused for many messages)."""

    def __init__(self, persons: Iterable[PersonRef]) -> None:
        self._by_id: dict[str, PersonRef] = {}
        by_name: dict[str, list[PersonRef]] = {}
        by_sound: dict[tuple[str, ...], list[PersonRef]] = {}
        for person in persons:
            self._by_id[person.userid] = person
            by_name.setdefault(person.name, []).append(person)
            if person.is_staff:
                for key in name_keys(person.name, len(person.surname)):
                    by_sound.setdefault(key, []).append(person)
        self._by_name = {name: tuple(found) for name, found in by_name.items()}
        self._by_sound = {key: tuple(found) for key, found in by_sound.items()}
        self.name_lengths = tuple(sorted({len(name) for name in self._by_name if 2 <= len(name) <= 4}, reverse=True))
        self.name_starts = frozenset(name[0] for name in self._by_name)

    @classmethod
    def from_csv(cls, path: str | Path) -> People:
        """Read a roster CSV (userid,name,roles,...,mentees; roles and mentees ;-separated; BOM allowed)."""
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return cls(
            PersonRef(
                userid=row["userid"].strip(),
                name=row["name"].strip(),
                roles=frozenset(r.strip() for r in (row.get("roles") or "").split(";") if r.strip()),
                mentees=tuple(m.strip() for m in (row.get("mentees") or "").split(";") if m.strip()),
            )
            for row in rows
            if row.get("userid") and row.get("name")
        )

    def get(self, userid: str) -> PersonRef | None:
        """Return the person with this userid, or None."""
        return self._by_id.get(userid)

    def named(self, name: str) -> tuple[PersonRef, ...]:
        """Return everyone with exactly this name."""
        return self._by_name.get(name, ())

    def sounding_like(self, key: tuple[str, ...]) -> tuple[PersonRef, ...]:
        """Return the staff whose name reads as this toneless pinyin."""
        return self._by_sound.get(key, ())

    def mentees_of(self, userid: str) -> tuple[PersonRef, ...]:
        """Return the counselors/teachers linked to this leader or chief."""
        person = self._by_id.get(userid)
        if person is None:
            return ()
        return tuple(m for m in (self._by_id.get(uid) for uid in person.mentees) if m is not None)

    def __len__(self) -> int:
        return len(self._by_id)
