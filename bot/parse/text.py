"""Text normalisation shared by every rule: full-width forms folded, Latin lower-cased.

Example message: "１２月３日 去３号楼２１５宿舍，ＱＱ群里也聊了" -> "12月3日 去3号楼215宿舍,qq群里也聊了"
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Emoji, symbols and punctuation: what is left of a message that says nothing.
_NOISE = re.compile(r"[\s\W_\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200d]+")


def normalise(text: str) -> str:
    """Fold full-width digits/letters/punctuation (NFKC), lower-case Latin, squeeze spaces."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _SPACES.sub(" ", folded).strip()


def is_cjk(char: str) -> bool:
    """Tell whether one character is a Chinese ideograph."""
    return bool(_CJK.match(char))


def strip_noise(text: str) -> str:
    """Drop punctuation, emoji and spaces, keeping words and digits."""
    return _NOISE.sub("", text)
