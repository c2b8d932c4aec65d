"""Parse one chat message into an intent and its fields, by our own deterministic rules.

Example message: "昨天下午开了个学生座谈会 十五名学生代表参加" from a leader ->
Parsed(intent="log_contact", kind="face_to_face", venue="talk", date=yesterday, students=15, ...).
The contract (docs/parse-contract.md) fixes the JSON fields; the rest serves the handlers' follow-up questions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from bot.parse.assess import MODEL_SIGNAL, NO_RISK, Assessment, assess, assess_normalised, concern_category
from bot.parse.concerns import category_scores, is_anonymous
from bot.parse.counts import count_half_days, count_students, count_total
from bot.parse.crisis import crisis_signals
from bot.parse.dates import contact_date, find_part_of_day
from bot.parse.edits import Edit, parse_edit
from bot.parse.episodes import main_episode
from bot.parse.intents import (
    asks_about_everyone,
    asks_about_own_mentees,
    asks_for_figures,
    asks_own_standing,
    asks_who_is_behind,
    find_ticket,
    is_chatter,
    is_digest,
    is_help,
    is_progress,
    is_snooze,
    is_undo,
)
from bot.parse.names import Mention, NameMatch, match_names
from bot.parse.parsed import Parsed
from bot.parse.people import MENTEE_ROLES, STAFF_ROLES, People, PersonRef
from bot.parse.places import find_group, find_place
from bot.parse.snooze import find_reason, find_resume_day
from bot.parse.text import normalise, strip_noise
from bot.parse.topics import find_topics
from bot.parse.typos import fold_typos
from bot.parse.venues import Contact, classify_contact, without_topics

__all__ = ["Assessment", "Edit", "Parsed", "People", "PersonRef", "assess", "parse", "parse_edit"]

LEADER_ROLES = frozenset({"school_leader", "middle_chief", "student_affairs_head"})

# A request to fix something, as opposed to a report of a contact (学生反映热水不稳定，请后勤处理).
_REQUEST = re.compile(
    r"请.{0,8}(?:处理|解决|协调|落实|关注|跟进|核实|支援|帮忙)|建议|希望|能否|能不能|可否|可不可以|麻烦|尽快|呼吁|投诉|求助|怎么办"
)
_CONTACT_VERB = re.compile(
    r"(?<!过)去(?!年|世)|到|走访|看望|探望|慰问|参加|出席|听了|听课|旁听|讲了|讲授|主讲|授课|上了|开了|召开|举办|组织了|和|跟|与|同|(?<![签预节大制契公])约(?![束定率占为])|谈|聊|见|陪"
    r"|吃|进|查寝|值守|驻|蹲|坐|接待|交流|沟通|座谈|指导|主持|做了|作了|过了|完成|打卡|走|看|参与|回答|回复|答疑|解答|发了|问了"
)
# A problem passed on from students (学生反映…, 有同学说…): a concern when it asks for a fix and the sender did nothing.
_RELAYED = re.compile(r"^(?:据|听)?(?:有|不少|很多|部分|个别|一些)?(?:学生|同学)们?(?:反映|反应|说|提出|提到|投诉|抱怨|表示)")
# A leader's report asks for something only when it requests or questions outright.
_ASKS = re.compile(r"[?？]|吗|呢|怎么|为什么|为啥|咋|能否|能不能|可否|是否")
# What a counselor or teacher did themselves, when they report a contact rather than raise a concern.
_OWN_VISIT = re.compile(
    r"去|到|走访|看望|探望|慰问|参加|出席|听了|旁听|讲了|主讲|授课|上了|开了|召开|组织了|查寝|回答|解答|答疑|答复|回复了|解决了|处理了"
)
# A problem the sender already answered or solved is part of the report, not a problem raised (回答学生的问题).
_HANDLED = re.compile(
    r"(?:回答|解答|答复|回复|解决|处理|答疑|讲解|解释)(?:了|好了|完)?[^,.;:!?。，；：！？]{0,16}?(?:问题|疑问|困惑|困难|疑惑)"
)
_CONCERN_CUE = re.compile(
    r"[?？]|吗|呢|问题|困难|反映|太|不够|没有|缺|坏|差|难|希望|建议|请|能否|能不能|怎么|为什么|为啥|咋"
)
_HELP_QUESTION = re.compile(r"怎么|如何|咋|[?？]|吗|什么|啥|哪些")
# How-to words the sender taught students (给新生讲解了数据库怎么用): a report, not a question to the bot.
_TAUGHT_HOW = re.compile(r"(?:讲了|讲解了?|教了|介绍了|演示了|示范了|培训了)[^,.;:!?。，；：！？\s]{0,12}(?:怎么|如何|咋)")
# A question put to the bot (…怎么用？, …怎么用吗): the how-to words are asked, not reported.
_QUESTIONED = re.compile(r"[?？]|吗|么$")
_CLAUSE = re.compile(r"[\s,，。.!?;；]+")
# A contact that did not take place: 本来要去宿舍的 结果没去成.
_CALLED_OFF = re.compile(r"(?:没|未)能?(?:去|来|走|办|开|谈|见)成|没能(?:去|来|成行)|未能成行|没成行|泡汤|去不成")


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
        if found.crisis or found.risk == "watch":  # distress asking for nothing to be fixed is mental
            parsed = replace(parsed, category=concern_category(t, found))
    else:
        parsed = _parse(t, sender, today, people, found)
        if found.risk == "none":
            return parsed
    return replace(parsed, risk=found.risk, crisis=found.crisis, signals=found.signals)


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
    if found.crisis:  # a leader's contact report stays one (the alert goes out besides) if it stands without the crisis
        rest = _without_signals(t) if roles & LEADER_ROLES else ""
        staff = _parse_staff(rest, sender, today, people, person) if strip_noise(rest) else None
        return staff if staff is not None and staff.intent == "log_contact" else _concern(t, sender, people, found)
    if is_undo(t, strict=student):
        return Parsed("undo")
    if _asks_help(t, student):
        return Parsed("help")
    if is_chatter(t):
        return Parsed("unknown")
    if student:
        return _concern(t, sender, people, found)
    return _parse_staff(t, sender, today, people, person)


def _without_signals(t: str) -> str:
    """Return the message without the clauses where a crisis rule fired ("有个学生说不想活了")."""
    words = [signal.words for signal in crisis_signals(t)]
    clauses = _CLAUSE.split(t)
    return " ".join(c for c in clauses if c and not any(w in c or c in w for w in words))


def _parse_staff(t: str, sender: str, today: date, people: People, person: PersonRef | None) -> Parsed:
    """Parse a staff message: a command, a contact report, a concern, or nothing.

    Every slot is found wherever it stands (names, dates, counts, places, kind words), in the part of the
    message that reports its first contact; the intent is then decided from the whole message.
    """
    t = fold_typos(t)
    roles = person.roles if person else frozenset()
    mentee_ids = frozenset(person.mentees if person else ())
    student_affairs = "student_affairs_head" in roles
    names = match_names(t, sender, people)

    seen: dict[tuple[str, tuple[Mention, ...]], Contact | None] = {}

    def classify(text: str, mentions: tuple[Mention, ...]) -> Contact | None:
        key = (text, mentions)
        if key not in seen:  # the episode finder asks about the same spans again
            seen[key] = classify_contact(text, mentions, mentee_ids, count_half_days(text), student_affairs)
        return seen[key]

    episode = main_episode(t, today, names.mentions, classify)
    contact = classify(episode.text, episode.mentions)
    command = _staff_command(t, roles, contact)
    if command is not None:
        return Parsed(command) if command != "snooze" else _snooze(t, today)
    if episode.planned:
        return _concern(t, sender, people, names=names) if _REQUEST.search(t) else Parsed("unknown")
    if contact is not None and _reports_contact(t, roles) and not _called_off(t, classify):
        hit = contact_date(episode.dates, today)
        half_days = count_half_days(episode.text)
        return Parsed(
            "log_contact",
            kind=contact.kind,
            venue=contact.venue,
            date=hit.day if hit else today,
            counterparts=names.counterparts,
            students=_students(t, episode.text, contact.kind),
            date_explicit=hit is not None,
            place=find_place(episode.text),
            group=find_group(episode.text),
            topics=find_topics(t),
            part_of_day=find_part_of_day(episode.text),
            half_days=half_days if contact.kind == "frontline" else None,
            name_choices=names.choices,
            near_misses=names.near_misses,
        )
    if roles & MENTEE_ROLES or _CONCERN_CUE.search(t) or (not roles & LEADER_ROLES and category_scores(t)):
        return _concern(t, sender, people, names=names)  # a leader's concern raises a problem
    return Parsed("unknown")


def _students(t: str, episode: str, kind: str) -> int | None:
    """Return the students met in the main contact, or a total written after it for the whole visit."""
    if kind == "mentee_talk":
        return count_students(without_topics(episode))
    found = count_students(episode)
    return found if found is not None else count_total(t[len(episode) :])


def _called_off(t: str, classify: Callable[[str, tuple[Mention, ...]], Contact | None]) -> bool:
    """Tell whether the contact was called off (没去成) with no other contact reported after it."""
    off = _CALLED_OFF.search(t)
    return off is not None and classify(t[off.end() :], ()) is None


def _staff_command(t: str, roles: frozenset[str], contact: Contact | None) -> str | None:
    """Return snooze, digest or progress when a staff message asks for one, else None.

    A message that also reports a contact is a command only when it is short or clearly asks:
    "我这学期参加辅导员的活动够了没" asks about the sender's standing, "和王丽谈心" reports.
    """
    short = len(strip_noise(t)) <= 14
    if is_snooze(t, contact is not None and not short):
        return "snooze"
    if "admin" in roles:
        own = "我" in t and is_progress(t) and not asks_about_everyone(t)
        return "progress" if own else "digest" if asks_for_figures(t) else None
    if asks_who_is_behind(t):
        return "progress" if asks_about_own_mentees(t) else "digest"
    if is_progress(t) and (contact is None or short or asks_own_standing(t)):
        return "progress"
    if is_digest(t) and (contact is None or short):
        return "digest"
    return None


def _snooze(t: str, today: date) -> Parsed:
    """Build a snooze: when reminders resume and why."""
    return Parsed("snooze", snooze_until=find_resume_day(t, today), reason=find_reason(t))


def _asks_help(t: str, student: bool) -> bool:
    """Tell whether the message asks how to use the bot (a student's "选课系统怎么用" is a study concern)."""
    if not is_help(t):
        return False
    if student and max(category_scores(t).values(), default=0.0) >= 2.0:
        return False
    if not student and _taught_how(t):
        return False
    return bool(_HELP_QUESTION.search(t)) or len(strip_noise(t)) <= 8


def _taught_how(t: str) -> bool:
    """Tell whether how-to words name what the sender taught (给新生讲解了数据库怎么用), not a question."""
    return bool(_TAUGHT_HOW.search(t)) and not _QUESTIONED.search(t)


def _asks(t: str) -> bool:
    """Tell whether a leader's message asks outright (…吗, 为什么…), how-to words the sender taught aside."""
    return bool(_ASKS.search(t)) and not _taught_how(t)


def _reports_contact(t: str, roles: frozenset[str]) -> bool:
    """Tell whether a message with contact words reports a contact rather than asks for something.

    A leader's past-tense report is a report unless it clearly asks (学生反映的问题 is part of the report);
    a counselor or teacher reports only their own visit, with no sign of a problem raised.
    """
    if roles & LEADER_ROLES:
        if _RELAYED.match(t) and _REQUEST.search(t) and "我" not in t:
            return False  # the contact words belong to the students' account (…没地方吃饭 建议延长营业时间)
        return not ((_REQUEST.search(t) or _asks(t)) and not _CONTACT_VERB.search(t))
    if (_REQUEST.search(t) or _CONCERN_CUE.search(t)) and not _CONTACT_VERB.search(t):
        return False
    if roles & MENTEE_ROLES:
        return bool(_OWN_VISIT.search(t)) and not _CONCERN_CUE.search(_HANDLED.sub(" ", t))
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
