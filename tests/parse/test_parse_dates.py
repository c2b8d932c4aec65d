"""Every date form of the contract, resolved against today (a Wednesday unless stated)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.parse.dates import find_date, find_part_of_day

WED = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天去宿舍", "2026-11-25"),
        ("昨天去宿舍", "2026-11-24"),
        ("昨晚去宿舍", "2026-11-24"),
        ("昨日进课堂", "2026-11-24"),
        ("前天去宿舍", "2026-11-23"),
        ("大前天去宿舍", "2026-11-22"),
        ("本周一去宿舍", "2026-11-23"),
        ("这周五去宿舍", "2026-11-27"),  # the contract: that day of today's ISO week
        ("这礼拜二去宿舍", "2026-11-24"),
        ("本周日", "2026-11-29"),
        ("上周三去宿舍", "2026-11-18"),
        ("上礼拜五", "2026-11-20"),
        ("上星期一", "2026-11-16"),
        ("上个星期天", "2026-11-22"),
        ("上上周五", "2026-11-13"),
        ("周一去宿舍", "2026-11-23"),
        ("周三去宿舍", "2026-11-25"),  # a bare weekday equal to today's is today
        ("周四去宿舍", "2026-11-19"),  # most recent on or before today
        ("星期天", "2026-11-22"),
        ("周天", "2026-11-22"),
        ("礼拜天", "2026-11-22"),
        ("周日", "2026-11-22"),
        ("星期六", "2026-11-21"),
        ("11月20日", "2026-11-20"),
        ("11月20号", "2026-11-20"),
        ("12月3日", "2025-12-03"),  # in the future this year -> last year
        ("十一月二十号", "2026-11-20"),
        ("一月五日", "2026-01-05"),
        ("11.18", "2026-11-18"),
        ("12.28去六号楼", "2025-12-28"),
        ("11-18晚上", "2026-11-18"),
        ("10/12 走访", "2026-10-12"),
        ("18号去英语角", "2026-11-18"),
        ("二十号在一食堂", "2026-11-20"),
        ("28号", "2026-10-28"),  # after today this month -> last month
        ("上个月30号", "2026-10-30"),
        ("上月3号", "2026-10-03"),
        ("2026年10月9日", "2026-10-09"),
        ("2026-11-03", "2026-11-03"),
        ("三天前", "2026-11-22"),
    ],
)
def test_contact_dates(text: str, expected: str) -> None:
    hit = find_date(text, WED)
    assert hit is not None and hit.day.isoformat() == expected


@pytest.mark.parametrize(
    "text",
    [
        "3号楼215宿舍",
        "12号楼215",
        "7号楼",
        "计科2101",
        "下午3点",
        "3点半",
        "第2节课",
        "4.5小时",
        "一周要交五份",
        "三个多小时",
    ],
)
def test_rooms_classes_and_times_are_not_dates(text: str) -> None:
    assert find_date(text, WED) is None


def test_iso_weeks_cross_the_new_year() -> None:
    hit = find_date("这周二", date(2027, 1, 2))
    assert hit is not None and hit.day == date(2026, 12, 29)
    hit = find_date("上周五", date(2027, 1, 4))
    assert hit is not None and hit.day == date(2027, 1, 1)


def test_month_day_in_january_refers_to_last_december() -> None:
    hit = find_date("12.30", date(2027, 1, 5))
    assert hit is not None and hit.day == date(2026, 12, 30)


def test_day_alone_early_in_month_goes_back_a_month() -> None:
    hit = find_date("27号约宋倩老师", date(2026, 12, 2))
    assert hit is not None and hit.day == date(2026, 11, 27)


def test_future_dates_for_snoozes() -> None:
    hit = find_date("12月3日", WED, future=True)
    assert hit is not None and hit.day == date(2026, 12, 3)
    hit = find_date("周五", WED, future=True)
    assert hit is not None and hit.day == date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("上午去", "上午"),
        ("早上七点", "上午"),
        ("中午吃饭", "中午"),
        ("下午3点", "下午"),
        ("昨晚", "晚上"),
        ("晚上", "晚上"),
        ("去宿舍", None),
    ],
)
def test_part_of_day(text: str, part: str | None) -> None:
    assert find_part_of_day(text) == part
