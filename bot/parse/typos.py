"""Typos and homophones in the words a leader's message turns on: 宿社 -> 宿舍, 辅导元 -> 辅导员, 再食堂 -> 在食堂.

Example message: "宿社走访 和辅导元陈静坐谈" -> "宿舍走访 和辅导员陈静座谈".
A pinyin IME often picks the wrong character of the right sound. Any span that reads like one of the
command words below (same toneless pinyin) and shares a character with it is read as that word, so
思正课, 思证课 and 形式与政策 need no list of their own. Every fold keeps the text's length, so positions
found in the folded text hold for the original. The global normalise() is left alone: students' words
(寝食难安) are not command words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.parse.pinyin import readings

# Words whose misspelt homophones are read as the word (none of them has a common homophone of its own:
# 教室/教师 and 老师/老是 are left out for that reason).
_COMMAND_WORDS = (
    "宿舍",
    "寝室",
    "辅导员",
    "座谈",
    "思政课",
    "形势与政策",
    "形势政策",
    "食堂",
    "班会",
    "讲座",
    "约谈",
    "面谈",
    "社团",
    "撤销",
    "撤回",
    "提醒",
    "听课",
    "课堂",
    "值守",
    "驻点",
    "一线",
    "学生会",
    "学生社区",
    "进度",
    "周报",
    "汇总",
)
_READING: dict[str, str] = {}
_BY_SOUND = {" ".join(readings(c)[0] for c in word): word for word in _COMMAND_WORDS}
# The command words as toneless pinyin, longest first, matched on whole syllables of the message's reading.
_SOUNDS = re.compile(
    r"(?:(?<= )|^)(?:" + "|".join(re.escape(k) for k in sorted(_BY_SOUND, key=len, reverse=True)) + r")(?= |$)"
)

# 再 for 在 before a place (再食堂吃饭), 在 for 再 before a command (下周在提醒, 回来在说).
_AGAIN_FOR_AT = re.compile(r"再(?=(?:学生)?(?:食堂|宿舍|寝室|公寓|教室|课堂|餐厅|图书馆|操场|学院|办公室|[一二三四五六七八九十0-9]+号楼))")
_AT_FOR_AGAIN = re.compile(
    r"(?<=[后来天周月吧先午晚点儿])在(?=提醒|说|催|通知|发)|(?<![现正还都就我你他她实存所])在(?=提醒|说(?:[吧了啊呀,.!。！\s]|$)|催)"
)


def _usual(char: str) -> str:
    """Return the usual toneless reading of one character (kept per process: a plain dict beats lru_cache here)."""
    found = _READING.get(char)
    if found is None:
        found = _READING[char] = readings(char)[0]
    return found


@lru_cache(maxsize=512)
def fold_typos(text: str) -> str:
    """Read misspelt command words as the words meant, keeping the text's length."""
    reading = " ".join([_READING.get(c) or _usual(c) for c in text.replace(" ", "_")])
    chars = list(text)
    for match in _SOUNDS.finditer(reading):
        word = _BY_SOUND[match.group()]
        start = reading.count(" ", 0, match.start())  # one space between syllables: the character's index
        span = text[start : start + len(word)]
        if span != word and set(span) & set(word):  # a misspelling keeps one character of the word
            chars[start : start + len(word)] = word
    folded = "".join(chars)
    folded = _AGAIN_FOR_AT.sub("在", folded)
    return _AT_FOR_AGAIN.sub("再", folded)
