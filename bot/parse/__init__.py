"""Parse one chat message into an intent and its fields, by our own deterministic rules.

Example message: "昨天下午开了个学生座谈会 十五名学生代表参加" from a leader ->
Parsed(intent="log_contact", kind="face_to_face", venue="talk", date=yesterday, students=15, ...).
The contract (shared/spec/parse-contract.md) fixes the JSON fields; the rest serves the handlers' follow-up questions.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from bot.parse.assess import MODEL_SIGNAL, NO_RISK, Assessment, assess, assess_normalised, concern_category
from bot.parse.concerns import category_scores, is_anonymous
from bot.parse.counts import count_half_days, count_students
from bot.parse.dates import find_date, find_part_of_day
from bot.parse.edits import Edit, parse_edit
from bot.parse.intents import (
    asks_who_is_behind,
    find_ticket,
    is_chatter,
    is_digest,
    is_help,
    is_progress,
    is_snooze,
    is_undo,
)
from bot.parse.names import NameMatch, match_names
from bot.parse.parsed import Parsed
from bot.parse.people import MENTEE_ROLES, STAFF_ROLES, People, PersonRef
from bot.parse.places import find_group, find_place
from bot.parse.snooze import find_reason, find_resume_day
from bot.parse.text import normalise, strip_noise
from bot.parse.topics import find_topics
from bot.parse.venues import classify_contact

__all__ = ["Assessment", "Edit", "Parsed", "People", "PersonRef", "assess", "parse", "parse_edit"]

LEADER_ROLES = frozenset({"school_leader", "middle_chief", "student_affairs_head"})

# A request to fix something, as opposed to a report of a contact (学生反映热水不稳定，请后勤处理).
_REQUEST = re.compile(
    r"请.{0,8}(?:处理|解决|协调|落实|关注|跟进|核实|支援|帮忙)|建议|希望|能否|能不能|可否|可不可以|麻烦|尽快|呼吁|投诉|求助|怎么办"
)
_CONTACT_VERB = re.compile(
    r"去|到|走访|看望|探望|慰问|参加|出席|听了|听课|旁听|讲了|讲授|主讲|授课|上了|开了|召开|举办|组织了|和|跟|与|同|约|谈|聊|见|陪"
    r"|吃|进|查寝|值守|驻|蹲|坐|接待|交流|沟通|座谈|指导|主持|做了|作了|过了|完成|打卡|走|看|参与"
)
# What a counselor or teacher did themselves, when they report a contact rather than raise a concern.
_OWN_VISIT = re.compile(r"去|到|走访|看望|探望|慰问|参加|出席|听了|旁听|讲了|主讲|授课|上了|开了|召开|组织了|查寝")
_CONCERN_CUE = re.compile(
    r"[?？]|吗|呢|问题|困难|反映|太|不够|没有|缺|坏|差|难|希望|建议|请|能否|能不能|怎么|为什么|为啥|咋"
)
# A plan, not a report: "明天去宿舍看看" records nothing yet.
# 准备/打算 name a plan of the sender's only before what they will do ("他们在准备四级" is the students').
_PLANNED = re.compile(
    r"明天|明日|明晚|后天|下周|下个?(?:星期|礼拜)|将于|将要|下次"
    r"|(?:打算|准备|计划)(?:再|先|下午|晚上|周.)?(?:去|到|参加|出席|和|跟|与|约|找|在|给|听|看望|走访|召开|组织)"
)
_DONE = re.compile(r"已|完成|(?<![约定好])了|过(?!几天|两天)")
_HELP_QUESTION = re.compile(r"怎么|如何|咋|[?？]|吗|什么|啥|哪些")


def parse(text: str, sender: str, today: date, people: People) -> Parsed:
    """Parse one message from sender, resolving dates against today and names against people.

    Every message is assessed for risk, whoever sends it and whatever it asks (see bot/parse/assess.py).
    """
    t = normalise(text)
    found = assess_normalised(t)
    if found.risk == "watch" or found.signals == (MODEL_SIGNAL,):
        parsed = _parse(t, sender, today, people, NO_RISK)
        if parsed.intent != "concern":  # the model learned distress from concerns: on a command or a report only rules speak
            return parsed
        if found.crisis:
            parsed = replace(parsed, category=found.category)
    else:
        parsed = _parse(t, sender, today, people, found)
    return replace(parsed, risk=found.risk, crisis=found.crisis, signals=found.signals, risk_score=found.score)


def _parse(t: str, sender: str, today: date, people: People, found: Assessment) -> Parsed:
    """Parse a normalised message whose risk is already assessed."""
    person = people.get(sender)
    roles = person.roles if person else frozenset()
    student = "student" in roles and not roles & STAFF_ROLES
    if not strip_noise(t):
        return Parsed("help" if "?" in t else "unknown")
    ticket = find_ticket(t)
    if ticket is not None and not student:
        return Parsed("reply_concern", ticket=ticket)
    if found.crisis:  # staff answers and leaders' contact reports stay what they are: the alert goes out besides
        staff = None if student else _parse_staff(t, sender, today, people, person)
        kept = staff is not None and (staff.intent == "reply_concern"
                                      or (staff.intent == "log_contact" and bool(roles & LEADER_ROLES)))
        return staff if staff is not None and kept else _concern(t, sender, people, found)
    if is_undo(t, strict=student):
        return Parsed("undo")
    if _asks_help(t, student):
        return Parsed("help")
    if is_chatter(t):
        return Parsed("unknown")
    if student:
        return _concern(t, sender, people, found)
    return _parse_staff(t, sender, today, people, person)


def _parse_staff(t: str, sender: str, today: date, people: People, person: PersonRef | None) -> Parsed:
    """Parse a staff message: a command, a contact report, a concern, or nothing."""
    roles = person.roles if person else frozenset()
    names = match_names(t, sender, people)
    half_days = count_half_days(t)
    contact = classify_contact(
        t, names.mentioned, frozenset(person.mentees if person else ()), half_days, "student_affairs_head" in roles
    )
    short = len(strip_noise(t)) <= 14
    if is_snooze(t, contact is not None and not short):
        return Parsed("snooze", snooze_until=find_resume_day(t, today), reason=find_reason(t))
    admin = "admin" in roles
    if (contact is None or short or admin or asks_who_is_behind(t)) and is_digest(t):
        return Parsed("digest")
    if (contact is None or short or admin) and is_progress(t):
        return Parsed("digest" if admin and "我" not in t else "progress")
    hit = find_date(t, today) if contact is not None else None
    past = hit is not None and hit.day < today
    if contact is not None and _PLANNED.search(t) and not _DONE.search(t) and not past:
        return Parsed("unknown")
    if contact is not None and _reports_contact(t, roles):
        return Parsed(
            "log_contact",
            kind=contact.kind,
            venue=contact.venue,
            date=hit.day if hit else today,
            counterparts=names.counterparts,
            students=count_students(t),
            date_explicit=hit is not None,
            place=find_place(t),
            group=find_group(t),
            topics=find_topics(t),
            part_of_day=find_part_of_day(t),
            half_days=half_days if contact.kind == "frontline" else None,
            name_choices=names.choices,
            near_misses=names.near_misses,
        )
    if roles & MENTEE_ROLES or _CONCERN_CUE.search(t) or category_scores(t):
        return _concern(t, sender, people, names=names)
    return Parsed("unknown")


def _asks_help(t: str, student: bool) -> bool:
    """Tell whether the message asks how to use the bot (a student's "选课系统怎么用" is a study concern)."""
    if not is_help(t):
        return False
    if student and max(category_scores(t).values(), default=0.0) >= 2.0:
        return False
    return bool(_HELP_QUESTION.search(t)) or len(strip_noise(t)) <= 8


def _reports_contact(t: str, roles: frozenset[str]) -> bool:
    """Tell whether a message with contact words reports a contact rather than asks for something."""
    asks = _REQUEST.search(t) or _CONCERN_CUE.search(t)
    if asks and not _CONTACT_VERB.search(t):
        return False
    if roles & MENTEE_ROLES and not roles & LEADER_ROLES:
        return bool(_OWN_VISIT.search(t)) and not _CONCERN_CUE.search(t)
    return True


def _concern(t: str, sender: str, people: People, found: Assessment = NO_RISK, names: NameMatch | None = None) -> Parsed:
    """Build a concern: category (learned, with a crisis's own), crisis, anonymity, and anyone named."""
    names = names or match_names(t, sender, people)
    return Parsed(
        "concern",
        counterparts=names.counterparts,
        category=concern_category(t, found),
        crisis=found.crisis,
        anonymous=is_anonymous(t),
        name_choices=names.choices,
        near_misses=names.near_misses,
    )
