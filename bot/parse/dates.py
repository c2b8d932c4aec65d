"""Dates written in chat, resolved against today: 昨天, 前天, 本周三, 上礼拜五, 周日, 12月3日, 12.28, 18号, 上个月30号.

Example message: "上周五晚上在食堂和机械学院十个学生共进晚餐" (today 2026-12-07 -> 2026-12-04, 晚上).
Contacts look back (a date in the future means last year/month); snoozes look forward.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.parse.numerals import to_int

_WD = r"[一二三四五六日天七1-7]"
_D = r"(?:[12][0-9]|3[01]|0?[1-9]|[一二]?十[一二三四五六七八九]?|三十一?|廿[一二三四五六七八九]?|[一二三四五六七八九])"
_M = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]|正|元)"
_NOT_A_DAY = (
    r"(?!\s*(?:学生|男生|女生|研究生|本科生|留学生|博士生|教工|新|老)?(?:楼|院|馆|床|门|线|厅|宿舍|公寓|食堂|餐厅|教学|实验|窗口|场|房|室|桌|台|机|柜|车|口|区"
    r"|堂|栋|单元|位|包厢|会议|教室|寝|地铁|选手|球员|工单|问题|反映|样))"
)
_DECIMAL_TAIL = r"(?!\d|\.\d|\s*(?:小时|个|天|分|倍|万|元|块|%|h|k|公里|米|岁|亿|斤|折|版|寸|g|级))"

# Every date form starts with one of these: checking it first lets most positions fail at once.
_FIRST = "(?=[0-9一二两三四五六七八九十廿〇零正上本这当大前昨今明后刚元平圣国教劳周星礼下])"
_PATTERN = re.compile(
    _FIRST
    + "(?:"
    + "|".join(
        (
            rf"(?P<ymd>(?P<y>20\d\d)\s*[-/.年]\s*(?P<ym>{_M})\s*[-/.月]\s*(?P<yd>{_D})(?:日|号)?)",
            rf"(?P<month>上个?月|本月|这个?月|当月)\s*(?P<mday>{_D})\s*(?:号|日)",
            rf"(?P<md>(?P<mm>{_M})\s*月\s*(?P<mdd>{_D})(?:日|号)?)(?![0-9])",
            rf"(?P<dot>(?<![\d.a-z])(?P<dm>1[0-2]|0?[1-9])[./-](?P<dd>3[01]|[12][0-9]|0?[1-9]){_DECIMAL_TAIL})",
            r"(?P<rel>大前天|大前日|前天|前日|前晚|前儿|昨天|昨日|昨晚|昨夜|昨儿|昨早|昨(?=[上下中晚早夜])"
            r"|今天|今日|今晚|今早|今儿|今夜|今晨|刚才|刚刚|明天|明日|明晚|后天)",
            r"(?P<holiday>元旦|平安夜|圣诞节?|国庆节|教师节|劳动节)",
            r"(?P<ago>[0-9一二两三四五六七八九十]+)\s*天(?:以)?前",
            rf"(?P<wp>上上个?(?:周|星期|礼拜)|上个?(?:周|星期|礼拜)|本(?:周|星期|礼拜)|这个?(?:周|星期|礼拜)"
            rf"|下下个?(?:周|星期|礼拜)|下个?(?:周|星期|礼拜))\s*(?:的\s*(?:周|星期|礼拜))?(?P<wd>{_WD}|末)(?![直些般切])",
            rf"(?P<bare>(?:(?<=那个)|(?<![每一两几个]))(?:周|星期|礼拜)(?P<bwd>{_WD}|末))(?![直些般切])",
            rf"(?P<dn>(?<![0-9a-z月#.第号房栋楼\-/]){_D})\s*(?:号|日(?:(?<=[0-9]日)|(?<=十日)|(?<=十[一二三四五六七八九]日)|(?<=廿[一二三四五六七八九]日))){_NOT_A_DAY}",
        )
    )
    + ")"
)

_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6, "末": 5}
_RELATIVE = {
    "大前天": -3,
    "大前日": -3,
    "前天": -2,
    "前日": -2,
    "前晚": -2,
    "前儿": -2,
    "昨天": -1,
    "昨日": -1,
    "昨晚": -1,
    "昨夜": -1,
    "昨儿": -1,
    "昨早": -1,
    "昨": -1,
    "今天": 0,
    "今日": 0,
    "今晚": 0,
    "今早": 0,
    "今儿": 0,
    "今夜": 0,
    "今晨": 0,
    "刚才": 0,
    "刚刚": 0,
    "明天": 1,
    "明日": 1,
    "明晚": 1,
    "后天": 2,
}
_HOLIDAY_DAYS = {
    "元旦": (1, 1),
    "平安夜": (12, 24),
    "圣诞": (12, 25),
    "圣诞节": (12, 25),
    "国庆节": (10, 1),
    "教师节": (9, 10),
    "劳动节": (5, 1),
}
_PART_OF_DAY = re.compile(
    r"凌晨|早上|早晨|清晨|一早|上午|午饭|午餐|中午|下午|傍晚|晚饭|晚餐|晚上|晚自习|夜里|深夜|昨晚|今晚|前晚|明晚|昨夜"
)
_PART_NAME = {
    "凌晨": "上午",
    "早上": "上午",
    "早晨": "上午",
    "清晨": "上午",
    "一早": "上午",
    "上午": "上午",
    "午饭": "中午",
    "午餐": "中午",
    "中午": "中午",
    "下午": "下午",
}


@dataclass(frozen=True)
class DateHit:
    """A date found in a message and where it was written."""

    day: date
    start: int
    end: int
    holiday: bool = False  # named by a holiday (元旦, 国庆节), not by a date word


# A holiday names the day of a contact only when it was recent; otherwise it names an event (圣诞晚会 on 12-21).
_HOLIDAY_REACH = timedelta(days=7)


def find_date(text: str, today: date, future: bool = False) -> DateHit | None:
    """Find the first date expression in normalised text and resolve it (backwards, or forwards for snoozes)."""
    for match in _PATTERN.finditer(text):
        day = _resolve(match, today, future)
        if day is not None:
            return DateHit(day, match.start(), match.end())
    return None


def find_dates(text: str, today: date, future: bool = False) -> list[DateHit]:
    """Find every date expression in normalised text, in order."""
    hits = []
    for match in _PATTERN.finditer(text):
        day = _resolve(match, today, future)
        if day is not None:
            hits.append(DateHit(day, match.start(), match.end(), bool(match.group("holiday"))))
    return hits


def contact_date(hits: list[DateHit], today: date) -> DateHit | None:
    """Pick the day a reported contact happened from its date hits: the first date word, else a recent holiday."""
    words = [h for h in hits if not h.holiday]
    if words:
        return words[0]
    return next((h for h in hits if today - _HOLIDAY_REACH <= h.day <= today), None)


def find_part_of_day(text: str) -> str | None:
    """Return 上午/中午/下午/晚上 for the first part-of-day word, or None."""
    match = _PART_OF_DAY.search(text)
    if match is None:
        return None
    return _PART_NAME.get(match.group(), "晚上")


def week_monday(day: date) -> date:
    """Return the Monday of the ISO week holding day."""
    return day - timedelta(days=day.weekday())


def _resolve(m: re.Match[str], today: date, future: bool) -> date | None:
    """Turn one regex match into a date, or None when it names no real day."""
    if m.group("ymd"):
        return _make(to_int(m.group("y")), _month(m.group("ym")), to_int(m.group("yd")))
    if m.group("month"):
        return _month_day(m.group("month"), to_int(m.group("mday")), today)
    if m.group("md"):
        return _this_or_adjacent_year(_month(m.group("mm")), to_int(m.group("mdd")), today, future)
    if m.group("dot"):
        return _this_or_adjacent_year(int(m.group("dm")), int(m.group("dd")), today, future)
    if m.group("rel"):
        return today + timedelta(days=_RELATIVE[m.group("rel")])
    if m.group("holiday"):
        month, day = _HOLIDAY_DAYS[m.group("holiday")]
        return _this_or_adjacent_year(month, day, today, future)
    if m.group("ago"):
        days = to_int(m.group("ago"))
        return None if days is None or days > 60 else today - timedelta(days=days)
    if m.group("wp"):
        return _prefixed_weekday(m.group("wp"), _WEEKDAY.get(m.group("wd"), _digit_weekday(m.group("wd"))), today)
    if m.group("bare"):
        weekday = _WEEKDAY.get(m.group("bwd"), _digit_weekday(m.group("bwd")))
        delta = (today.weekday() - weekday) % 7
        return today + timedelta(days=(7 - delta) % 7) if future else today - timedelta(days=delta)
    if m.group("dn"):
        return _day_of_month(to_int(m.group("dn")), today, future)
    return None


def _digit_weekday(char: str) -> int:
    """Map "1".."7" to Monday..Sunday."""
    return int(char) - 1 if char.isdigit() else 0


def _month(text: str) -> int | None:
    """Read a month numeral, with 正月 and 元月 as January."""
    return 1 if text in ("正", "元") else to_int(text)


def _make(year: int | None, month: int | None, day: int | None) -> date | None:
    """Build a date, or None when the parts do not name a real day."""
    if year is None or month is None or day is None or not 1 <= month <= 12:
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _this_or_adjacent_year(month: int | None, day: int | None, today: date, future: bool) -> date | None:
    """Resolve M月D日 to this year, or last year (next year for snoozes) when it falls the wrong side of today."""
    found = _make(today.year, month, day)
    if found is None:
        return _make(today.year + (1 if future else -1), month, day)
    if not future and found > today:
        return _make(today.year - 1, month, day)
    if future and found < today:
        return _make(today.year + 1, month, day)
    return found


def _shift_month(day: date, months: int) -> tuple[int, int]:
    """Return (year, month) months away from day's month."""
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _day_of_month(mday: int | None, today: date, future: bool) -> date | None:
    """Resolve a bare D号: this month, or the previous (next, for snoozes) month when on the wrong side of today."""
    found = _make(today.year, today.month, mday)
    if found is not None and (found <= today if not future else found >= today):
        return found
    year, month = _shift_month(today, 1 if future else -1)
    return _make(year, month, mday)


def _month_day(prefix: str, mday: int | None, today: date) -> date | None:
    """Resolve 上个月D号 / 本月D号."""
    year, month = _shift_month(today, -1 if prefix.startswith("上") else 0)
    return _make(year, month, mday)


def _prefixed_weekday(prefix: str, weekday: int, today: date) -> date:
    """Resolve 上周X / 本周X / 下周X within ISO weeks (Monday first)."""
    weeks = 0
    if prefix.startswith("上上"):
        weeks = -2
    elif prefix.startswith("上"):
        weeks = -1
    elif prefix.startswith("下下"):
        weeks = 2
    elif prefix.startswith("下"):
        weeks = 1
    return week_monday(today) + timedelta(days=7 * weeks + weekday)
