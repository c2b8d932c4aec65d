"""Text normalisation shared by every rule and model: one form for each way of writing the same thing.

Traditional characters become Simplified (OpenCC's Taiwan-to-mainland conversion, phrases included),
full-width forms fold to ASCII, Latin is lower-cased, runs of punctuation and spaces shrink to one,
and the disguises chat uses for suicide words (紫砂, zs, 自鯊, "want to die", bu xiang huo le) read
as the words they hide.

Example message: "１２月３日 去３號樓２１５宿舍！！！ＱＱ群裡也聊了" -> "12月3日 去3号楼215宿舍!qq群里也聊了"
"""

from __future__ import annotations

import re
import unicodedata

from opencc import OpenCC

_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Emoji, symbols and punctuation: what is left of a message that says nothing.
_NOISE = re.compile(r"[\s\W_\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200d]+")
# A run of the same punctuation mark ("！！！", "。。。", "???") says no more than one.
_REPEATED = re.compile(r"([!?.,。，、;~…\-])\1+")
_TO_SIMPLIFIED = OpenCC("tw2sp")  # loaded once per process; a conversion costs a few microseconds

# Chat disguises of suicide and death words, read as the word they stand for. Latin spellings only
# count as whole tokens ("zs" inside "zshrc" stays); 紫砂 tea ware (紫砂壶) stays ware.
_DISGUISES: tuple[tuple[str, str], ...] = (
    (r"紫砂(?![壶锅杯茶陶泥煲])|自鲨|自沙|自刹|自s", "自杀"),
    (r"(?<![a-z])(?:want to|wanna|going to|gonna) (?:kill myself|end (?:my life|it all))(?![a-z])", "想自杀"),
    (r"(?<![a-z])(?:zi ?sha|zs|suicide|kill(?:ing)? myself)(?![a-z])", "自杀"),
    (r"(?<![a-z])suicidal(?![a-z])", "想自杀"),
    (r"(?<![a-z])(?:wo )?xiang si(?: le)?(?![a-z])|(?<![a-z])(?:want to|wanna) die(?![a-z])", "想死"),
    (r"(?<![a-z])wish i (?:was|were) dead(?![a-z])", "想死"),
    (r"(?<![a-z])go die(?![a-z])", "去死"),
    (r"(?<![a-z])bu ?xiang ?huo(?: ?le)?(?![a-z])|(?<![a-z])don'?t want to live(?![a-z])", "不想活了"),
    (r"(?<![a-z])qing ?sheng(?![a-z])", "轻生"),
    (r"(?<![a-z])tiao ?lou(?![a-z])", "跳楼"),
    (r"(?<![a-z])end (?:my life|it all)(?![a-z])", "结束生命"),
    (r"(?<![a-z])(?:self[- ]harm|cutting (?:myself|again)|(?:been|keep|kept|started) cutting)(?![a-z])", "自残"),
    (r"(?<![a-z])(?:won'?t|can'?t|doesn'?t|will not|cannot) stop (?:the )?bleeding(?![a-z])", "血止不住"),
    (r"轻身(?=的?(?:念头|想法|冲动))", "轻生"),  # the homophone typo, only where it names a thought
    (r"(?:字|紫)杀", "自杀"), (r"跳搂", "跳楼"),  # homophone typos of the words themselves
    (r"(?<=想)鼠(?=了|$|[ ,。!?])", "死"),  # 想鼠了: the homophone of 想死 (老鼠 stays)
    (r"(?<![a-z])can'?t (?:do this|take it|go on) anymore(?![a-z])", "撑不下去了"),
    (r"(?<=[想要])噶|噶(?=了)", "死"),
    (r"🔪", "刀"), (r"💊", "药"), (r"🩸", "血"), (r"⚰\ufe0f?|🪦", "死"),
)
# Every disguise holds one of these characters: a cheap scan spares the full pattern on most messages.
_DISGUISE_HINT = re.compile("[a-z紫鲨沙刹噶身字搂鼠\U0001F52A\U0001F48A\U0001FA78\u26B0\U0001FAA6]")
_DISGUISE = re.compile("|".join(f"(?P<d{i}>{pattern})" for i, (pattern, _) in enumerate(_DISGUISES)))


def normalise(text: str) -> str:
    """Return the one form every later layer reads: Simplified, folded, squeezed, disguises undone."""
    folded = _TO_SIMPLIFIED.convert(unicodedata.normalize("NFKC", text).lower())
    folded = _REPEATED.sub(r"\1", folded)
    if _DISGUISE_HINT.search(folded) and _DISGUISE.search(folded):
        folded = _DISGUISE.sub(_undisguise, folded)
    return _SPACES.sub(" ", folded).strip()


def _undisguise(match: re.Match[str]) -> str:
    """Return the plain word for the disguise matched."""
    assert match.lastgroup is not None
    return _DISGUISES[int(match.lastgroup[1:])][1]


def is_cjk(char: str) -> bool:
    """Tell whether one character is a Chinese ideograph."""
    return bool(_CJK.match(char))


def strip_noise(text: str) -> str:
    """Drop punctuation, emoji and spaces, keeping words and digits."""
    return _NOISE.sub("", text)
