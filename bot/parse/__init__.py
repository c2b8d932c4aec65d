"""Parse one chat message into an intent and its fields, by our own deterministic rules.

Example message: "昨天下午开了个学生座谈会 十五名学生代表参加" from a leader ->
Parsed(intent="log_contact", kind="face_to_face", venue="talk", date=yesterday, students=15, ...).
The contract (shared/spec/parse-contract.md) fixes the JSON fields; the rest serves the handlers' follow-up questions.
"""

from __future__ import annotations

import re
from datetime import date

from bot.parse.concerns import categorise, category_scores, is_anonymous, is_crisis
from bot.parse.counts import count_half_days, count_students
from bot.parse.dates import find_date, find_part_of_day
from bot.parse.edits import Edit, parse_edit
from bot.parse.intents import (
    find_ticket,
    is_chatter,
    is_digest,
    is_help,
    is_progress,
    is_snooze,
    is_undo,
)
from bot.parse.names import match_names
from bot.parse.parsed import Parsed
from bot.parse.people import People, PersonRef
from bot.parse.places import find_group, find_place
from bot.parse.snooze import find_reason, find_resume_day
from bot.parse.text import normalise, strip_noise
from bot.parse.topics import find_topics
from bot.parse.venues import Contact, classify_contact

__all__ = ["Edit", "Parsed", "People", "PersonRef", "parse", "parse_edit"]

LEADER_ROLES = frozenset({"school_leader", "middle_chief", "student_affairs_head"})
MENTEE_ROLES = frozenset({"counselor", "ideology_teacher"})

# A request to fix something, as opposed to a report of a contact (学生反映热水不稳定，请后勤处理).
_REQUEST = re.compile(
    r"请.{0,8}(?:处理|解决|协调|落实|关注|跟进|核实|支援|帮忙)|建议|希望|能否|能不能|可否|可不可以|麻烦|尽快|呼吁|投诉|求助|怎么办"
)
_CONTACT_VERB = re.compile(
    r"去|到|走访|看望|探望|慰问|参加|出席|听了|听课|旁听|讲了|讲授|主讲|授课|上了|开了|召开|举办|组织了|和|跟|与|同|约|谈|聊|见|陪"
    r"|吃|进|查寝|值守|驻|蹲|坐|接待|交流|沟通|座谈|指导|主持|做了|作了|过了|完成|打卡|走|看|讲了|上了|参与|出席"
)
# What a counselor or teacher did themselves, when they report a contact rather than raise a concern.
_OWN_VISIT = re.compile(r"去|到|走访|看望|探望|慰问|参加|出席|听了|旁听|讲了|主讲|授课|上了|开了|召开|组织了|查寝")
_CONCERN_CUE = re.compile(r"[?？]|吗|呢|问题|困难|反映|太|不够|没有|缺|坏|差|难|希望|建议|请|能否|能不能|怎么|为什么|为啥|咋")
# A plan, not a report: "明天去宿舍看看" records nothing yet.
_PLANNED = re.compile(r"明天|明日|明晚|后天|下周|下个?(?:星期|礼拜)|打算|准备|计划|将于|将要|下次")
_DONE = re.compile(r"了|过|已|完成")
_HELP_QUESTION = re.compile(r"怎么|如何|咋|[?？]|吗|什么|啥|哪些")


def parse(text: str, sender: str, today: date, people: People) -> Parsed:
    """Parse one message from sender, resolving dates against today and names against people."""
    t = normalise(text)
    person = people.get(sender)
    roles = person.roles if person else frozenset()
    is_student = "student" in roles and not roles & (LEADER_ROLES | MENTEE_ROLES | {"admin"})
    if not strip_noise(t):
        return Parsed("help" if "?" in t else "unknown")
    ticket = find_ticket(t)
    if ticket is not None and not is_student:
        return Parsed("reply_concern", ticket=ticket)
    crisis = is_crisis(t)
    if crisis:
        return _concern(t, sender, people, crisis=True)
    if is_undo(t, strict=is_student):
        return Parsed("undo")
    if is_help(t) and (not is_student or max(category_scores(t).values(), default=0.0) < 2.0):
        if not is_student or _HELP_QUESTION.search(t) or len(strip_noise(t)) <= 6:
            return Parsed("help")
    if is_chatter(t):
        return Parsed("unknown")
    if is_student:
        return _concern(t, sender, people, crisis=False)
    names = match_names(t, sender, people)
    mentee_ids = frozenset(person.mentees) if person else frozenset()
    half_days = count_half_days(t)
    contact = classify_contact(
        t, names.mentioned, mentee_ids, half_days, "student_affairs_head" in roles
    )
    short = len(strip_noise(t)) <= 14
    if is_snooze(t, contact is not None and not short):
        return Parsed("snooze", snooze_until=find_resume_day(t, today), reason=find_reason(t))
    if (contact is None or short) and is_digest(t):
        return Parsed("digest")
    if (contact is None or short) and is_progress(t):
        return Parsed("progress")
    if contact is not None and _PLANNED.search(t) and not _DONE.search(t):
        return Parsed("unknown")
    if contact is not None and not ((_REQUEST.search(t) or _CONCERN_CUE.search(t)) and not _CONTACT_VERB.search(t)):
        mentee_only = bool(roles & MENTEE_ROLES) and not roles & LEADER_ROLES
        if not (mentee_only and (not _OWN_VISIT.search(t) or _CONCERN_CUE.search(t))):
            return _log_contact(t, today, contact, names.counterparts, names.choices, names.near_misses, half_days)
    if roles & MENTEE_ROLES or _CONCERN_CUE.search(t) or category_scores(t):
        return _concern(t, sender, people, crisis=False)
    return Parsed("unknown")


def _concern(t: str, sender: str, people: People, crisis: bool) -> Parsed:
    """Build a concern: category, crisis, anonymity, and anyone named."""
    names = match_names(t, sender, people)
    return Parsed(
        "concern",
        counterparts=names.counterparts,
        category=categorise(t, crisis),
        crisis=crisis,
        anonymous=is_anonymous(t),
        name_choices=names.choices,
        near_misses=names.near_misses,
    )


def _log_contact(
    t: str,
    today: date,
    contact: Contact,
    counterparts: tuple[str, ...],
    choices: tuple[tuple[str, ...], ...],
    near_misses: tuple[tuple[str, str], ...],
    half_days: float | None,
) -> Parsed:
    """Build a contact record: when, with whom, how many students, where and about what."""
    hit = find_date(t, today)
    return Parsed(
        "log_contact",
        kind=contact.kind,
        venue=contact.venue,
        date=hit.day if hit else today,
        counterparts=counterparts,
        students=count_students(t),
        date_explicit=hit is not None,
        place=find_place(t),
        group=find_group(t),
        topics=find_topics(t),
        part_of_day=find_part_of_day(t),
        half_days=half_days if contact.kind == "frontline" else None,
        name_choices=choices,
        near_misses=near_misses,
    )
