"""Which part of a message reports the contact: what is planned is set aside, and a second contact is cut off.

Example message: "上午在学生社区一线三个小时 下午约谈了蔡明" -> the first clause is the contact (frontline);
"食堂就餐 和学生面对面 收集到三条意见 明天开会落实" -> everything but the plan;
"约了王老师明天谈" -> only a plan (nothing to record yet).
The first contact reported is the main one: its kind, venue, date and students are recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from bot.parse.dates import DateHit, find_dates
from bot.parse.names import Mention
from bot.parse.venues import Contact

# What will happen, not what happened. 准备/打算 name a plan only before what the sender will do.
_FUTURE = re.compile(
    r"明天|明日|明晚|后天|下周|下个?(?:星期|礼拜|月)|将于|将要|下次|下回|改天|回头再|过几天|过两天|以后再|之后再"
    r"|(?:打算|准备|计划)(?:再|先|下午|晚上|周.)?(?:去|到|参加|出席|和|跟|与|约|找|在|给|听|看望|走访|召开|组织)"
)
_CLAUSE = re.compile(r"[^,.;:!?、。；：！？\s]+")
_BREAK = frozenset(",.;:!?、。；：！？ ")
# Where a second contact may begin: a time of day or a date at the start of a clause, or a word of sequence.
_PART_OF_DAY = re.compile(r"(?:上午|下午|中午|晚上|傍晚|早上|早晨|凌晨|夜里|晚间|晚饭后|午饭后|饭后|课后|会后|散会后|之后)")
# 又, 顺便/顺道 (顺道去宿舍看了看), 课后/会后 and a report's ", 并与学生座谈" go on to another contact.
_AGAIN = re.compile(r"又|顺便|顺道|顺路|课后|会后|散会后|结束后|(?<=[,.;:!?、。；：！？\s])并(?=[与和同跟到去走深召参查看])")
_AGAIN_AFTER_TIME = re.compile(r"^\S{0,6}?[又还再也]")
# 然后/接着 often go on with the same visit (去宿舍看了看 然后跟同学聊了聊): a split needs a contact of another kind.
_THEN = re.compile(r"然后|接着|随后|后来")
# A verb of contact, for both halves of a split (到课 is an attendance, not a visit).
_ACTION = re.compile(
    r"去|到(?!课)|走访|看望|探望|慰问|听|旁听|约谈|约|谈|聊|见|参加|出席|陪|吃|进|查寝|值守|接待|交流|座谈|指导|主持|讲|上了"
    r"|开了|组织|找|面谈|碰|沟通|转了|坐了|巡查|检查"
)

# Making an appointment (约了王老师, 约好了) is no contact by itself.
_ARRANGED = re.compile(r"约(?:了|好了?)?(?!谈|见)")


@dataclass(frozen=True)
class Episode:
    """The span of a message that reports its main contact, and whether a plan was set aside."""

    text: str  # the message with planned clauses blanked and any later contact cut off
    mentions: tuple[Mention, ...]  # the names written in that span
    dates: list[DateHit]  # the dates written in that span
    planned: bool  # a contact was named, but only as a plan


Classify = Callable[[str, tuple[Mention, ...]], Contact | None]


def main_episode(text: str, today: date, mentions: tuple[Mention, ...], classify: Classify) -> Episode:
    """Return the part of a normalised message that reports its first contact."""
    kept = _blank_plans(text, today, mentions, classify)
    if kept != text:
        left = tuple(m for m in mentions if kept[m.start] == text[m.start])
        arranged = not _ACTION.search(_ARRANGED.sub("", kept))  # 今天约了刘洋，下周一到办公室谈: a date set, no talk yet
        planned = (arranged or classify(kept, left) is None) and classify(text, mentions) is not None
        mentions = left
    else:
        planned = False
    dates = find_dates(kept, today)
    end = _second_contact(kept, dates, mentions, classify)
    return Episode(kept[:end], tuple(m for m in mentions if m.end <= end), [d for d in dates if d.end <= end], planned)


def _blank_plans(text: str, today: date, mentions: tuple[Mention, ...], classify: Classify) -> str:
    """Blank each clause that says what will happen.

    The blank starts at the plan word when what comes before it already happened (a past date, 已, or a
    contact of its own as in "食堂就餐和学生面对面收集到三条意见明天开会落实"), else at the clause start:
    "约了王老师明天谈" is only an arrangement.
    """
    chars = list(text)
    for clause in _CLAUSE.finditer(text):
        plan = _FUTURE.search(clause.group())
        if plan is None:
            continue
        head = clause.group()[: plan.start()]
        at = clause.start() + plan.start()
        done_before = "已" in head or any(hit.day <= today for hit in find_dates(head, today))
        if not done_before and "约" not in head:
            done_before = classify(text[:at], tuple(m for m in mentions if m.end <= at)) is not None
        start = at if done_before else clause.start()
        chars[start : clause.end()] = " " * (clause.end() - start)
    return "".join(chars)


def _second_contact(text: str, dates: list[DateHit], mentions: tuple[Mention, ...], classify: Classify) -> int:
    """Return where a second, separate contact begins (上午…一线 / 下午约谈了…), or the end of the text."""
    parts = {m.start() for m in _PART_OF_DAY.finditer(text)}
    starts = {hit.start for hit in dates} | parts
    # a second part of the day begins a contact even unpunctuated (上午听课下午查寝)
    later_parts = {at for at in parts if at > min(parts)}
    sequels = {m.start() for m in _AGAIN.finditer(text)}
    strong = {at for at in starts if at > 0 and text[at - 1] in _BREAK} | later_parts | sequels
    weak = {m.start() for m in _THEN.finditer(text)} - strong
    timed = sorted(starts)
    for at in sorted(a for a in strong | weak if a > 0):
        head, tail = text[:at], text[at:]
        if not (_ACTION.search(head) and _ACTION.search(tail)):
            continue
        if at in starts and at not in sequels and not (timed[0] < at or _AGAIN_AFTER_TIME.match(tail)):
            continue  # 上午…下午…, 周一…周三又…: a second time only after a first one, or with 又/还/再
        first = classify(head, tuple(m for m in mentions if m.end <= at))
        then = classify(tail, tuple(replace(m, start=m.start - at, end=m.end - at) for m in mentions if m.start >= at))
        if first is None or then is None or first == then:
            continue
        if at in weak and first.kind == then.kind == "face_to_face" and then.venue in ("talk", "other"):
            continue
        return at
    return len(text)
