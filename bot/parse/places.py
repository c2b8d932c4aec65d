"""Where exactly, and with which group: "3号楼215", "一食堂", "武术协会"; "计科2101", "篮球社".

Example message: "今天在一食堂吃的午饭" -> place "一食堂".
Building and room numbers and class codes are kept here, never read as dates or counts.
"""

from __future__ import annotations

import re

_BUILDING = re.compile(
    r"[0-9一二三四五六七八九十]+号(?:宿舍|学生|教学)?楼[0-9]{0,4}(?:宿舍|寝室)?|[0-9]{3,4}(?:宿舍|寝室)"
)
_PLACE_WORD = re.compile(
    r"食堂|餐厅|协会|社团|报告厅|礼堂|体育馆|实验室|图书馆|学生公寓|公寓|宿舍楼|会议室|服务大厅|大厅|操场|学生社区|教学楼|英语角"
    r"|俱乐部|学生会|研究生会|艺术团|合唱团|活动中心|(?<=[\u4e00-\u9fff])社(?![会区交团])"
)
_CLUB_WORD = re.compile(r"协会|社团|俱乐部|艺术团|合唱团|学生会|研究生会|(?<=[\u4e00-\u9fff])社(?![会区交团])")
_MAJORS = (
    "计算机|计科|软工|软件|网工|信安|人工智能|大数据|数据|电子|电信|通信|自动化|测控|机械|机电|机制|车辆|能动|电气|土木|建筑|给排水|交通"
    "|水利|测绘|会计|财管|工商|金融|经济|国贸|营销|物流|电商|人力|旅游|汉语言|汉语|新闻|广告|英语|日语|俄语|法语|德语|韩语|翻译|商英"
    "|数学|应数|统计|物理|化学|化工|材料|环工|环境|生物|食品|美术|音乐|设计|视传|动画|舞蹈|播音|体教|社体|法学|思政|历史|哲学|行管|公管"
    "|护理|临床|药学|心理|学前|小教"
)
_CLASS = re.compile(rf"(?:{_MAJORS}|[\u4e00-\u9fff]{{2}})[0-9]{{4}}班?")
# Words that lead into a place or group but are not part of its name.
_STOP = frozenset(
    "去到在了的和跟与今昨前天上下午晚中后里趟个我是给对为同参加走访看望进入从早点号周末全整栋间0123456789 ,.;:!?、。"
)


def find_place(text: str) -> str | None:
    """Return the building, room, canteen, club or hall a normalised message names, or None."""
    building = _BUILDING.search(text)
    if building:
        return building.group()
    return _named(text, _PLACE_WORD)


def find_group(text: str) -> str | None:
    """Return the class code or club a normalised message names, or None."""
    code = _CLASS.search(text)
    if code:
        return code.group()
    return _named(text, _CLUB_WORD)


def _named(text: str, words: re.Pattern[str]) -> str | None:
    """Return the first place word with the name written before it (一食堂, 武术协会), preferring named ones."""
    bare: str | None = None
    for match in words.finditer(text):
        start = match.start()
        while start > 0 and match.start() - start < 4 and text[start - 1] not in _STOP:
            start -= 1
        if start < match.start():
            return text[start : match.end()]
        bare = bare or match.group()
    return bare
