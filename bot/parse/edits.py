"""Corrections to the record just made: "改成昨天", "改成食堂", "人数8", "日期改为12月3日", "改成线上".

Example message: "地点改成3号楼215" -> Edit(field="place", text="3号楼215").
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from datetime import date

from bot.parse.counts import count_students
from bot.parse.dates import find_date
from bot.parse.numerals import NUM, to_int
from bot.parse.places import find_place
from bot.parse.text import normalise
from bot.parse.topics import find_topics
from bot.parse.venues import find_venue

_FIELD = {
    "date": r"日期|时间|哪天|天数?",
    "students": r"学生人数|学生数|人数|参加人数|学生",
    "venue": r"场所|形式|方式|类型|地点类型",
    "place": r"地点|地方|位置|场地|宿舍号|房间",
    "topics": r"内容|话题|主题|事由|聊的|谈的|事项",
}
_EDIT = re.compile(
    rf"^(?:不对|错了|记错了|写错了|更正|纠正)?[,.;:!\s]*(?:(?P<field>{'|'.join(_FIELD.values())})\s*)?"
    r"(?:应该?是|应为|改成|改为|改到|换成|更正为|修改为|变成|是|:|=|\s)?\s*(?P<value>.+)$"
)
_MARKER = re.compile(r"改成|改为|改到|换成|更正为|修改为|应该?是|应为|不对|错了|变成")
_BARE_COUNT = re.compile(rf"^(?:学生)?人数\s*[:=是为]?\s*({NUM})\s*(?:人|名|个|位)?$")
_ONLINE = re.compile(r"线上|网上|在线|微信|视频|qq|腾讯会议|钉钉|电话|网络")
_FIELDS_RE = tuple((name, re.compile(rf"^(?:{words})$")) for name, words in _FIELD.items())


@dataclass(frozen=True)
class Edit:
    """Which field of the last record to change, and its new value."""

    field: str  # "date", "venue" (kind may follow: 线上 -> online), "students", "place", "topics"
    date: datetime.date | None = None
    venue: str | None = None
    kind: str | None = None
    students: int | None = None
    text: str | None = None


def parse_edit(text: str, today: date) -> Edit | None:
    """Read a correction of the last record; None if the text is not an edit."""
    t = normalise(text)
    bare = _BARE_COUNT.match(t.replace(" ", ""))
    if bare:
        return Edit("students", students=to_int(bare.group(1)))
    if not _MARKER.search(t):
        return None
    match = _EDIT.match(t)
    if match is None:
        return None
    value = match.group("value").strip(" ,.;:!。，、")
    field = _field_named(match.group("field"))
    if not value:
        return None
    return _edit_for(field, value, today)


def _field_named(word: str | None) -> str | None:
    """Map a field word (日期, 地点, 人数 ...) to the field name."""
    if not word:
        return None
    for name, pattern in _FIELDS_RE:
        if pattern.match(word):
            return name
    return None


def _edit_for(field: str | None, value: str, today: date) -> Edit | None:
    """Build the edit for a value, guessing the field from the value when no field word was given."""
    if field in (None, "date"):
        hit = find_date(value, today)
        if hit is not None:
            return Edit("date", date=hit.day)
        if field == "date":
            return None
    if field in (None, "students"):
        count = count_students(value) or _plain_number(value)
        if count is not None:
            return Edit("students", students=count)
        if field == "students":
            return None
    if field in (None, "venue", "place"):
        if _ONLINE.search(value):
            return Edit("venue", venue="online", kind="online")
        venue = find_venue(value)
        place = find_place(value)
        if field == "place" or (place and venue is None):
            return Edit("place", text=place or value)
        if venue is not None:
            return Edit("venue", venue=venue, kind="face_to_face", text=place or value)
        if field == "venue":
            return None
    if field == "topics" or find_topics(value):
        return Edit("topics", text=value)
    return None


def _plain_number(value: str) -> int | None:
    """Read a value that is only a number, optionally with 人/名/个."""
    match = re.fullmatch(rf"({NUM})\s*(?:人|名|个|位)?", value)
    return to_int(match.group(1)) if match else None
