"""Corrections to the last record: which field, and its new value."""

from __future__ import annotations

from datetime import date

import pytest

from bot.parse import Edit, parse_edit

WED = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "edit"),
    [
        ("改成昨天", Edit("date", date=date(2026, 11, 24))),
        ("日期改为12月3日", Edit("date", date=date(2025, 12, 3))),
        ("时间改成上周五", Edit("date", date=date(2026, 11, 20))),
        ("不对，应该是前天", Edit("date", date=date(2026, 11, 23))),
        ("人数8", Edit("students", students=8)),
        ("人数改成十二", Edit("students", students=12)),
        ("学生人数改为30人", Edit("students", students=30)),
        ("改成15名学生", Edit("students", students=15)),
        ("改成线上", Edit("venue", venue="online", kind="online")),
        ("改成微信", Edit("venue", venue="online", kind="online")),
        ("改成食堂", Edit("venue", venue="canteen", kind="face_to_face", text="食堂")),
        ("场所改为宿舍", Edit("venue", venue="dorm", kind="face_to_face", text="宿舍")),
        ("地点改成3号楼215", Edit("place", text="3号楼215")),
        ("改成一食堂", Edit("venue", venue="canteen", kind="face_to_face", text="一食堂")),
        ("内容改成考研和就业", Edit("topics", text="考研和就业")),
        ("话题改为职业规划", Edit("topics", text="职业规划")),
    ],
)
def test_edits(text: str, edit: Edit) -> None:
    assert parse_edit(text, WED) == edit


@pytest.mark.parametrize("text", ["昨天去宿舍看望学生", "我的进度", "好的", "撤销", "改成"])
def test_not_edits(text: str) -> None:
    assert parse_edit(text, WED) is None
