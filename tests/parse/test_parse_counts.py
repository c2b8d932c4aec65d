"""Student counts and front-line durations."""

from __future__ import annotations

import pytest

from bot.parse.counts import count_half_days, count_students
from bot.parse.text import normalise


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("学生代表12人参加", 12),
        ("十五名学生", 15),
        ("八个同学", 8),
        ("三百名学生参加", 300),
        ("学生36人", 36),
        ("共6人", 6),
        ("和新一届主席团6人见面", 6),
        ("有9个人", 9),
        ("二十六个同学", 26),
        ("土木2102 四十人", 40),
        ("两名家庭困难学生", 2),
        ("在外实习的三名学生", 3),
        ("十五名学生代表参加", 15),
        ("1百名新生", 100),
        ("３２名同学", 32),
        ("两位学生干部", 2),
        ("廿名志愿者", 20),
    ],
)
def test_stated_counts(text: str, count: int) -> None:
    assert count_students(normalise(text)) == count


@pytest.mark.parametrize(
    "text",
    [
        "和几个学生聊了聊",
        "十几个学生",
        "几十名学生",
        "若干学生",
        "3号楼215宿舍",
        "计科2101",
        "共走访7间",
        "3个班的学生",
        "走访了12个学生宿舍",
        "两位辅导员",
        "辅导员3人",
        "下午3点",
        "第2节课",
        "六人间",
        "学生反映了3个问题",
        "同学们",
    ],
)
def test_rooms_classes_and_vague_amounts_are_no_count(text: str) -> None:
    assert count_students(text) is None


@pytest.mark.parametrize(
    ("text", "half_days"),
    [
        ("全天在学生社区值守", 2.0),
        ("坐了一整天", 2.0),
        ("上午半天在学院一线", 1.0),
        ("待了三个多小时", 1.0),
        ("4个小时", 1.0),
        ("两个小时", 0.5),
        ("8小时", 2.0),
        ("一个下午", 1.0),
        ("去宿舍看了看", None),
    ],
)
def test_half_days(text: str, half_days: float | None) -> None:
    assert count_half_days(text) == half_days
