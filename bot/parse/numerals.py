"""Chinese and mixed numerals to integers: "三百" -> 300, "廿五" -> 25, "1百" -> 100, "二〇二六" -> 2026.

Example message: "和十五名学生代表座谈" (十五 -> 15).
"""

from __future__ import annotations

# A regex fragment for one numeral (ASCII digits after NFKC, Chinese digits and units).
NUM = r"[0-9〇零一二两俩三四五六七八九十百千万廿卅]+"

_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_TENS = {"廿": 20, "卅": 30}


def to_int(numeral: str) -> int | None:
    """Read a numeral such as "12", "十二", "一百零五", "两千", "1百" or "二〇二六"; None if it is not one."""
    if not numeral:
        return None
    if numeral.isascii() and numeral.isdigit():
        return int(numeral)
    if not any(c in _UNITS or c in _TENS or c == "万" for c in numeral):
        return _read_digit_string(numeral)
    total = section = 0
    pending: int | None = None
    i = 0
    while i < len(numeral):
        char = numeral[i]
        if char.isdigit() and char.isascii():
            j = i
            while j < len(numeral) and numeral[j].isascii() and numeral[j].isdigit():
                j += 1
            pending = int(numeral[i:j])
            i = j
            continue
        if char in _DIGITS:
            pending = _DIGITS[char]
        elif char in _TENS:
            section += _TENS[char]
            pending = None
        elif char in _UNITS:
            section += (1 if pending is None else pending) * _UNITS[char]
            pending = None
        elif char == "万":
            total += (section + (pending or 0)) * 10000
            section, pending = 0, None
        else:
            return None
        i += 1
    return total + section + (pending or 0)


def _read_digit_string(numeral: str) -> int | None:
    """Read digit-by-digit numerals such as "二〇二六" or "3"."""
    value = 0
    for char in numeral:
        if char.isascii() and char.isdigit():
            value = value * 10 + int(char)
        elif char in _DIGITS:
            value = value * 10 + _DIGITS[char]
        else:
            return None
    return value
