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

from bot.parse.pinyin import readings

# Words whose misspelt homophones are read as the word (none of them has a common homophone of its own:
# 教室/教师 and 老师/老是 are left out for that reason).
_COMMAND_WORDS = (
    "宿舍",
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
)
_READING: dict[str, str] = {}
_KEYS = {word: tuple(readings(c)[0] for c in word) for word in _COMMAND_WORDS}
# Each character of a command word, with the words holding it and where: a misspelt word keeps at least one.
_SLOTS: dict[str, list[tuple[str, int]]] = {}
for _word in _COMMAND_WORDS:
    for _offset, _char in enumerate(_word):
        _SLOTS.setdefault(_char, []).append((_word, _offset))

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


def fold_typos(text: str) -> str:
    """Read misspelt command words as the words meant, keeping the text's length."""
    chars = list(text)
    done = -1  # folds do not overlap: the first one found, left to right, wins
    for i, char in enumerate(text):
        for word, offset in _SLOTS.get(char, ()):
            start, end = i - offset, i - offset + len(word)
            if start <= done or end > len(text) or text[start:end] == word:
                continue
            if all(_usual(c) == key for c, key in zip(text[start:end], _KEYS[word], strict=True)):
                chars[start:end] = word
                done = end - 1
                break
    folded = "".join(chars)
    folded = _AGAIN_FOR_AT.sub("在", folded)
    return _AT_FOR_AGAIN.sub("再", folded)
