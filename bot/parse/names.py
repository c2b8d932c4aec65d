"""Who a message names: full roster names, "王老师" among the sender's mentees, and sound-alike near misses.

Example message: "周一和王丽、王建军两位辅导员面谈" -> counterparts wangjianjun01, wangli01.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parse.people import People, PersonRef
from bot.parse.pinyin import usual_key
from bot.parse.text import is_cjk

# A two-character name must stand between these (or non-Chinese characters) to count: 顾敏 is no name in 照顾敏感.
_LEFT_OK = frozenset("和跟与同找约听陪及请让给对向带把被是了到去由叫位名等以见访望问谈看为帮替喊在并、加取也都排嘱托"
                     "处部院科室办组员师授长记任")
_RIGHT_OK = frozenset(
    "、和跟与及等两二三四五的说聊谈面座交沟见约一了在进到去他她们是也都共这那就还又俩老辅导教讲书院校部处主馆同科博师"
    "反汇讨商指帮研分谈家组持带上讲开给负召举办听约陪今昨前下周本星礼晚早中午明后来过联副检看走参问告提安巡"
)
# A surname that ends a common word is no "王老师": 主任老师, 上周老师们, 如何老师.
_WORD_BEFORE_SURNAME = {"任": "主责信专兼担前新现上历继", "周": "上本这下每", "何": "如任为几", "高": "提升", "陈": "新"}
# Function words and title characters: a span holding one is no misspelt name (班主任老师 is no 朱琳老师).
_NOT_IN_NAMES = frozenset("的了和跟与在是们个这那我你他她班任记师辅导员主处部约谈听见找陪请说聊位名")
_TITLE_AFTER = re.compile(
    r"副?(?:老师|辅导员|导员|教师|教授|讲师|书记|院长|校长|部长|处长|主任|馆长|科长)|同志"
)
_TITLE = re.compile(r"老师|辅导员|导员|教师|教授|讲师|导(?![员师演游致航向弹体])")
_NEAR_AFTER = re.compile(
    r"老师|辅导员|导员|教授|讲师|书记|院长|主任|部长|处长|同志|谈心|面谈|谈话|聊|交流|座谈|沟通|见面"
)
_NEAR_BEFORE = re.compile(r"约谈|约|找|跟|和|与|同|陪|听|见|请|旁听")
# 他/她 met or joined after a staff member was named (下周去听刘思雨的课 今天先和她聊了聊): that person again.
_PRONOUN = re.compile(r"(?<=[和跟与同找约陪])[他她](?!们)")


@dataclass(frozen=True)
class Mention:
    """Where a message names staff: the span as written (title included) and whom it may mean."""

    start: int
    end: int
    people: tuple[PersonRef, ...]  # one person, or the candidates of an ambiguous 王老师 or a sound-alike


@dataclass(frozen=True)
class NameMatch:
    """The people a message names, and the mentions the bot must ask about."""

    counterparts: tuple[str, ...]
    choices: tuple[tuple[str, ...], ...]
    near_misses: tuple[tuple[str, str], ...]
    mentions: tuple[Mention, ...]  # in text order, for deciding what each person did


def match_names(text: str, sender: str, people: People) -> NameMatch:
    """Find roster staff named in normalised text, longest name first, sender's mentees preferred."""
    mentees = people.mentees_of(sender)
    mentee_ids = {m.userid for m in mentees}
    found: dict[str, PersonRef] = {}
    choices: list[tuple[str, ...]] = []
    mentions: list[Mention] = []
    covered = [False] * len(text)
    i = 0
    while i < len(text):
        length = _name_at(text, i, people, mentee_ids) if text[i] in people.name_starts else 0
        if not length:
            i += 1
            continue
        staff = [p for p in people.named(text[i : i + length]) if p.is_staff and p.userid != sender]
        preferred = [p for p in staff if p.userid in mentee_ids] or staff
        if len(preferred) == 1:
            found[preferred[0].userid] = preferred[0]
        elif preferred:
            choices.append(tuple(sorted(p.userid for p in preferred)))
        if preferred:
            mentions.append(Mention(i, _title_end(text, i + length), tuple(preferred)))
        covered[i : i + length] = [True] * length
        i += length
    for start, end, title_end in _surname_titles(text, mentees, covered):
        surname = text[start:end]
        candidates = [m for m in mentees if m.surname == surname]
        mentions.append(Mention(start, title_end, tuple(candidates)))
        if any(c.userid in found for c in candidates):
            continue
        if len(candidates) == 1:
            found[candidates[0].userid] = candidates[0]
        elif candidates:
            choices.append(tuple(sorted(c.userid for c in candidates)))
        covered[start:end] = [True] * (end - start)
    near = _near_misses(text, sender, people, mentee_ids, covered)
    for written, uid in near:
        person = people.get(uid)
        at = text.find(written)
        if person is not None and at >= 0:
            mentions.append(Mention(at, _title_end(text, at + len(written)), (person,)))
    mentions.sort(key=lambda m: m.start)
    return NameMatch(
        counterparts=tuple(sorted(found)),
        choices=tuple(dict.fromkeys(choices)),
        near_misses=near,
        mentions=tuple(sorted(mentions + _pronouns(text, mentions), key=lambda m: m.start)),
    )


def _pronouns(text: str, mentions: list[Mention]) -> list[Mention]:
    """Return 他/她 after 和/跟/找 as a mention of the one person named last before it, if any."""
    found = []
    for pronoun in _PRONOUN.finditer(text):
        before = [m for m in mentions if m.end <= pronoun.start()]
        if before and len(before[-1].people) == 1:
            found.append(Mention(pronoun.start(), pronoun.end(), before[-1].people))
    return found


def _title_end(text: str, end: int) -> int:
    """Return where a name's title ends (王丽老师, 郭志远副教授, 田甜辅导员), or end when none follows."""
    title = _TITLE_AFTER.match(text, end)
    return title.end() if title else end


def _name_at(text: str, i: int, people: People, mentee_ids: set[str]) -> int:
    """Return the length of the roster name starting at i (0 if none), guarding short names by their neighbours."""
    for length in people.name_lengths:
        candidate = text[i : i + length]
        found = len(candidate) == length and people.named(candidate)
        if found and (length > 2 or _stands_alone(text, i, i + length, people, mentee_ids)):
            return length
    return 0


def _stands_alone(text: str, start: int, end: int, people: People, mentee_ids: set[str]) -> bool:
    """Tell whether text[start:end] is bounded like a name rather than buried in a longer word.

    A name the sender is linked to needs a clean edge on one side (高雪组织的, 王丽今天的); anyone else's on both.
    """
    if _TITLE_AFTER.match(text, end):
        return True
    left_ok = start == 0 or not is_cjk(text[start - 1]) or text[start - 1] in _LEFT_OK
    right_ok = end >= len(text) or not is_cjk(text[end]) or text[end] in _RIGHT_OK
    right_ok = right_ok or any(people.named(text[end : end + size]) for size in people.name_lengths)
    if any(p.userid in mentee_ids for p in people.named(text[start:end])):
        return left_ok or right_ok
    return left_ok and right_ok


def _surname_titles(text: str, mentees: tuple[PersonRef, ...], covered: list[bool]) -> list[tuple[int, int, int]]:
    """Find "王老师"-style mentions whose surname belongs to one of the sender's mentees: (start, end, title end)."""
    surnames = {m.surname for m in mentees}
    spans: list[tuple[int, int, int]] = []
    for title in _TITLE.finditer(text):
        end = title.start() - 1 if text[title.start() - 1 : title.start()] == "副" else title.start()  # 郭副教授
        for size in (2, 1):
            start = end - size
            if start < 0 or text[start:end] not in surnames or any(covered[start:end]):
                continue
            if start == 0 or text[start - 1] not in _WORD_BEFORE_SURNAME.get(text[start:end], ""):
                spans.append((start, end, title.end()))
                break
    return spans


def _near_misses(
    text: str, sender: str, people: People, mentee_ids: set[str], covered: list[bool]
) -> tuple[tuple[str, str], ...]:
    """Find 2-3 character spans beside a title or talk verb that sound like, but are not, a staff name."""
    spans: list[tuple[int, int]] = []
    for anchor in _NEAR_AFTER.finditer(text):
        spans.extend((anchor.start() - size, anchor.start()) for size in (3, 2))
    for anchor in _NEAR_BEFORE.finditer(text):
        spans.extend((anchor.end(), anchor.end() + size) for size in (3, 2))
    misses: dict[str, str] = {}
    taken: list[tuple[int, int]] = []
    for start, end in spans:
        span = text[start:end] if start >= 0 else ""
        if len(span) != end - start or span in misses or any(covered[start:end]):
            continue
        if not all(is_cjk(c) and c not in _NOT_IN_NAMES for c in span) or people.named(span):
            continue
        if any(s < end and start < e for s, e in taken):
            continue
        target = _sounds_like(span, sender, people, mentee_ids)
        if target is not None:
            misses[span] = target
            taken.append((start, end))
    return tuple(misses.items())


def _sounds_like(span: str, sender: str, people: People, mentee_ids: set[str]) -> str | None:
    """Return the userid of the staff member (a mentee first) whose name reads like span, or None."""
    best: str | None = None
    for person in people.sounding_like(usual_key(span)):
        if person.userid == sender:
            continue
        if person.userid in mentee_ids:
            return person.userid
        if best is None or person.userid < best:
            best = person.userid
    return best
