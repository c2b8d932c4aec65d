"""Toneless pinyin readings of single characters, for hearing that 王莉 and 王丽 sound alike.

Example message: "跟王莉老师谈心" -> 莉 reads {li, chi}, 丽 reads {li}: they can sound the same.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

from pypinyin.pinyin_dict import pinyin_dict

_TONES = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ",
    "aaaaeeeeiiiioooouuuuvvvvvnnnm",
)


@lru_cache(maxsize=8192)
def readings(char: str) -> tuple[str, ...]:
    """Return every toneless reading of a character (the character itself when it has none)."""
    found = pinyin_dict.get(ord(char))
    if not found:
        return (char,)
    return tuple(dict.fromkeys(r.translate(_TONES) for r in found.split(",")))


def name_keys(name: str, surname_length: int) -> list[tuple[str, ...]]:
    """Return the toneless readings a roster name may have: any reading of the surname, the usual one after."""
    heads = [readings(c) for c in name[:surname_length]]
    rest = [(readings(c)[0],) for c in name[surname_length:]]
    return list(product(*heads, *rest))


def usual_key(span: str) -> tuple[str, ...]:
    """Return the usual toneless reading of each character of a span as written in a message."""
    return tuple(readings(c)[0] for c in span)
