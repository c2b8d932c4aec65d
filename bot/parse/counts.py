"""How many students, and how long on the front line: "十五名学生代表" -> 15, "三个多小时" -> 1.0 half-day.

Example message: "昨日进课堂听课 新闻2203 新闻采访与写作 学生36人" -> 36 students (2203 is a class code, not a count).
Vague amounts (几个, 十几名, 若干) give None; rooms, classes and buildings are never students.
"""

from __future__ import annotations

import math
import re

from bot.parse.numerals import NUM, to_int
from bot.parse.text import is_cjk

# Students named by their kind (学困生, 交换生): counted here, and what makes a contact one with students (venues).
STUDENT_KINDS = r"困难生|贫困生|学困生|特困生|艺术生|体育生|特长生|交换生|实习生"
# Who counts as students (student roles too: 团员, 班委, 学生代表), longest first.
_STUDENT_NOUN = (
    r"(?:学生代表|学生党员|学生干部|学生会干部|学生记者|研究生代表|班干部|毕业班的?(?:学生|同学)|毕业生|研究生|本科生|留学生|硕士生|博士生|新生|新同学"
    r"|女同学|男同学|女生|男生|学生|同学|学员|学子|孩子们?|娃|代表|党员|团员|班委|干事|骨干|队员|社员|会员|志愿者|运动员|选手"
    rf"|积极分子|{STUDENT_KINDS}|考生|班长|团支书|宿舍长|寝室长|舍长|委员)"
)
_STUDENT = re.compile(_STUDENT_NOUN)
# A student noun that is the first part of something else: 学生宿舍, 学生会, 学生工作.
_NOT_PEOPLE = re.compile(r"宿舍|寝室|公寓|会(?!员)|社|组织|活动|食堂|餐厅|事务|处|工作|服务|群|家长|代表大会")
# Staff, with an office's own 干事 (保卫干事, 学工干事): a 学生会干事 is a student.
_STAFF = re.compile(
    r"老师|辅导员|教师|教授|领导|家长|同事|书记|院长|主任|处长|部长|科长|科员|工作人员|保安|宿管|干部(?<!学生干部)"
    r"|(?:保卫|后勤|学工|团委|宣传|教务|组织|人事|财务|招就|就业|机关|校办|院办|党办|处里|部里|科里)(?:处|部|科|办)?的?干事"
)
_TOTAL = re.compile(r"一共|总共|共计|合计|累计|(?<![一总公])共(?!同|进|建|青|享|产)")
_CLASSIFIER = re.compile(r"\s*(名|个|位|人|口)")
# Between a classifier and its noun: modifiers such as 刚入学的少数民族, 还没就业的, never a unit or a break.
_FILLER = re.compile(r"[^\s,.;:!?、。；：！？0-9a-z班间室舍寝楼堂厅馆栋层组届级门节次个名位人课场项套张份本篇条时钟天周月年分是]{0,10}")
# A unit right after the classifier: 两个学院的学生 counts colleges, 三个班的同学 classes.
_UNIT_AFTER = re.compile(r"学院|院系|系|班|专业|年级|宿舍|寝室|团队|小组|组|部门|单位|社团|协会|学校")
_NUMERAL = re.compile(NUM)
_RANGE = re.compile(r"[一二两三四五六七八九][一二两三四五六七八九]")
_HEDGE_BEFORE = re.compile(r"(?:约|大约|大概|大致|差不多|将近|接近|(?<!最)近|估计|超过|至少|不到|不足|几乎|几|好)\s*$")
_HEDGE_AFTER = re.compile(r"^\s*(?:多|余|来|几|\+|出头|左右|上下|以上|开外)")
_HEDGE_AFTER_UNIT = re.compile(r"^\s*(?:多|余|\+|出头|左右|上下|以上|开外)")
_TOTAL_BEFORE = re.compile(r"(?:一共|总共|共计|合计|共|计|有|来了|到了|到场|参加|出席|全班|全体|累计)\s*$")
_CLAUSE_END = re.compile(r"^\s*(?:$|[,.;:!?、。；：！？~～)）\s]|吧|啊|呀|左右|参加|出席|到课|到场|在场|在线|来访|参与)")
# 10:30 is a time and 12/3 a date; 学生:18人 and 4间/15人 are counts
_NOT_A_COUNT_BEFORE = re.compile(r"(?:第|#|号|周|星期|礼拜|[.\-a-z]|(?<![\u4e00-\u9fff])/|\d:)$")
_RANK_BEFORE = re.compile(r"(?:前|排|排名|获|得|第)\s*$")
_GRADE = re.compile(r"[大研初高博硕]$")  # 大三, 研一: a year of study
_NOT_A_COUNT_AFTER = re.compile(r"^\s*(?:号|楼|栋|层|级|届|年|月|日|点|分|岁|元|块|%|度|米|公里|小时|钟|天|周|次|遍|节|页|条|份|间|门"
                                r"|章|篇|本|张|项|场|期|季|批|[.\-/:~～]\d|[a-z])")
_NOT_PERSON_AFTER_REN = re.compile(r"^(?:间|次|份|均|头|家|情|身|际|员|工|民|生|才|数|群|物|力|事|格|性|手)")

_DAY = re.compile(r"全天|一整天|整整一天|整天|(?<![第前后每同当])一天(?!天)|全日|一整日|整日")
# 周一晚上 is Monday evening, not 一晚上 (a whole evening).
_HALF_DAY = re.compile(r"半天|半日|(?<![周期拜])(?:一上午|一下午|一晚上)|整个上午|整个下午|整晚|一个上午|一个下午|一个晚上")
_HOURS = re.compile(rf"({NUM}|[0-9]+\.[0-9]+)\s*(?:多)?\s*(个)?\s*(半)?\s*(?:多)?\s*(?:小时|钟头|h\b)")
_DAYS = re.compile(r"([0-9]+|十?[一二两三四五六七八九]|十)\s*(?:多)?\s*(?:个)?\s*(?:整)?天(?![前后])")


def count_students(text: str) -> int | None:
    """Return the number of students a normalised message states exactly, or None (hedges and ranges give None).

    The first numeral that counts people decides: 二十多名学生 gives None even if an exact number follows.
    Rooms, classes, buildings, class codes, grades (大三), weekdays and dates are never students.
    """
    for match in _NUMERAL.finditer(text):
        found = _people_count(text, match)
        if found is not None:
            return found or None
    return None


def count_total(text: str) -> int | None:
    """Return the students a total states (共接触学生16人, 一共见了17个同学) in text after the main contact, or None.

    Example message: "新闻2203课堂听课 + 课后到宿舍走访 共接触学生16人" -> 16: the total covers the whole visit.
    """
    total = _TOTAL.search(text)
    return count_students(text[total.start() :]) if total else None


def _people_count(text: str, match: re.Match[str]) -> int | None:
    """Read one numeral: its exact count of students, 0 when it counts students only roughly, None otherwise."""
    run, start = match.group(), match.start()
    before, after = text[max(0, start - 6) : start], text[match.end() :]
    value = to_int(run)
    if not value or _names_no_people(text, run, start, before, after):
        return None
    word, rest = _unit(run, before, after)
    if not _counts_people(run, value, word, before, rest):
        return None
    hedged = (_RANGE.search(run), _HEDGE_BEFORE.search(before), _HEDGE_AFTER.match(after), _HEDGE_AFTER_UNIT.match(rest))
    rough = any(hedged) or (run[0] in "百千" and before.endswith("上"))  # 五六个, 约200人, 二十多名, 八十名左右, 上百人
    return 0 if rough else value


def _names_no_people(text: str, run: str, start: int, before: str, after: str) -> bool:
    """Tell whether a numeral is part of a date, code, time, grade or unit (12月, 计科2101, 3号楼, 大三, 6小时)."""
    if _NOT_A_COUNT_BEFORE.search(before) or _NOT_A_COUNT_AFTER.match(after):
        return True
    if len(run) == 1 and _GRADE.search(before):
        return True
    return len(run) == 4 and run.isascii() and start > 0 and is_cjk(text[start - 1]) and not _CLASSIFIER.match(after)


def _unit(run: str, before: str, after: str) -> tuple[str, str]:
    """Return the classifier after a numeral (个, 名, 位, 人 or "") and the text after it (9个人 -> 人)."""
    unit = _CLASSIFIER.match(after)
    rest = after[unit.end() :] if unit else after
    word = unit.group(1) if unit else ""
    if run == "俩":  # 俩 is 两个 (俩学生); 我们俩, 他俩 are not students
        word = "" if re.search(r"[我你他她们]$", before) else "个"
    if word == "个" and rest.startswith("人"):
        return ("人" if run != "一" else "一个人"), rest[1:]
    return word, rest


def _counts_people(run: str, value: int, word: str, before: str, rest: str) -> bool:
    """Tell whether a numeral with this classifier counts students."""
    if word == "一个人":
        return False  # 我一个人去的
    if word == "人":
        staff = _STAFF.search(before[-4:]) or re.search(r"(?:我们|我俩|咱们|他们俩)$", before)
        return not (_NOT_PERSON_AFTER_REN.match(rest) or staff)
    if not word:
        return run != "一" and bool(_STUDENT_BEFORE.search(before) and _CLAUSE_END.match(rest))
    if _STAFF.match(rest):
        return False  # 两位辅导员, 两个辅导员带学生…
    noun = _STUDENT.match(rest) or (None if _UNIT_AFTER.match(rest) else _noun_after_filler(rest))
    if noun is not None and not _NOT_PEOPLE.match(rest, noun.end()):
        return True  # 三名刚入学的少数民族学生
    if noun is not None:
        return False  # 6个寝室
    if word == "名":
        return not _RANK_BEFORE.search(before)  # 名 counts people wherever it stands (…座谈会5名记录了…); 前3名 is a rank
    if not _CLAUSE_END.match(rest):
        return False  # 一个聊带班
    # a bare count closing a clause: 位 counts people; 个 only after 一共/共/有/a student noun, or standing alone
    return word != "个" or bool(_TOTAL_BEFORE.search(before) or _STUDENT_BEFORE.search(before) or _starts_fragment(before))


_STUDENT_BEFORE = re.compile(
    _STUDENT_NOUN + r"(?:\s*(?:一共|总共|共计|合计|共|计|有|约|大约|到课|参加|出席|人数|数|:))*\s*$"  # 学生人数:20
)


def _noun_after_filler(rest: str) -> re.Match[str] | None:
    """Find a student noun after a few modifiers (三名刚入学的少数民族学生)."""
    filler = _FILLER.match(rest)
    for size in range(0, (filler.end() if filler else 0) + 1):
        noun = _STUDENT.match(rest, size)
        if noun is not None:
            return noun
    return None


def _starts_fragment(before: str) -> bool:
    """Tell whether a numeral starts a terse fragment ("…同学 六名", "5名 记录了…")."""
    return not before or before[-1] in " ,.;:!?、。；：！？"


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
