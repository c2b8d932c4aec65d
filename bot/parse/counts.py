"""How many students, and how long on the front line: "十五名学生代表" -> 15, "三个多小时" -> 1.0 half-day.

Example message: "昨日进课堂听课 新闻2203 新闻采访与写作 学生36人" -> 36 students (2203 is a class code, not a count).
Vague amounts (几个, 十几名, 若干) give None; rooms, classes and buildings are never students.
"""

from __future__ import annotations

import math
import re

from bot.parse.numerals import NUM, to_int

_WHO = (
    r"(?:学生代表|学生党员|学生干部|班干部|学生会干部|毕业生|研究生|本科生|留学生|新生|学生|同学|学员|学子|孩子们?"
    r"|代表|党员|团员|班委|骨干|队员|志愿者|运动员|积极分子|家庭困难学生|困难生)"
)
_FILLER = r"[^\s,.;:!?、。；：！？0-9班间室栋楼层组届级门节次个名位人课场项堂套张份本篇]"
_NOT_PEOPLE = r"(?!宿舍|寝室|公寓|会|社|组织|活动|食堂|餐厅|事务|处|工作|服务|群|家长)"
_BEFORE_NOUN = re.compile(rf"(?<![0-9号#第.几数])({NUM})(?:多|余)?(?:名|个|位)({_FILLER}{{0,8}}?){_WHO}{_NOT_PEOPLE}")
_AFTER_NOUN = re.compile(rf"{_WHO}(?:共|共计|合计|约|大约|总共|一共|有|计|\s)*({NUM})(?:多|余)?(?:名|位|人)")
_PEOPLE = re.compile(rf"(?<![0-9号#第.几数])({NUM})(?:多|余)?个?人(?![间寝次份均头家情身际员])")
_STAFF_BEFORE = re.compile(r"(?:老师|辅导员|教师|领导|干部|家长|同事|我们|我俩|咱们)\S{0,2}$")

_DAY = re.compile(r"全天|一整天|整整一天|整天|一天|全日|一整日|整日")
_HALF_DAY = re.compile(r"半天|半日|一上午|一下午|整个上午|整个下午|一晚上|整晚|一个上午|一个下午|一个晚上")
_HOURS = re.compile(rf"({NUM}|[0-9]+\.[0-9]+)\s*(?:多)?\s*(个)?\s*(半)?\s*(?:多)?\s*(?:小时|钟头|h\b)")
_DAYS = re.compile(r"([0-9]+|十?[一二两三四五六七八九]|十)\s*(?:多)?\s*(?:个)?\s*(?:整)?天(?![前后])")


def count_students(text: str) -> int | None:
    """Return the number of students a normalised message states, or None."""
    for pattern in (_BEFORE_NOUN, _AFTER_NOUN):
        for match in pattern.finditer(text):
            value = to_int(match.group(1))
            if value:
                return value
    for match in _PEOPLE.finditer(text):
        value = to_int(match.group(1))
        if not value or (value == 1 and "个人" in match.group(0)):
            continue
        if _STAFF_BEFORE.search(text[max(0, match.start() - 6) : match.start()]):
            continue
        return value
    return None


def count_half_days(text: str) -> float | None:
    """Return a stated front-line duration in working half-days (全天=2, 半天=1, N小时 -> N/4 to the nearest .5)."""
    hours = _HOURS.search(text)
    if hours:
        value = _read_amount(hours.group(1))
        if value is not None:
            value += 0.5 if hours.group(3) else 0.0
            return max(0.5, math.floor(value / 4 * 2 + 0.5) / 2)
    days = _DAYS.search(text)
    if days:
        value = _read_amount(days.group(1))
        if value is not None and value > 1:
            return 2.0 * value
    if _DAY.search(text):
        return 2.0
    if _HALF_DAY.search(text):
        return 1.0
    return None


def _read_amount(numeral: str) -> float | None:
    """Read an integer or decimal amount."""
    if "." in numeral:
        return float(numeral)
    value = to_int(numeral)
    return None if value is None else float(value)
