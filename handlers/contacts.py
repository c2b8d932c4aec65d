"""Contacts: a leader reports a contact in one message; the bot stores it, confirms it in one line,
asks one question when something is missing or ambiguous (which 王老师: a card with one button per
teacher and 都不是, or their numbers typed), and lets the sender undo or edit it.

Example: "周一和王丽、王建军两位辅导员面谈" → 已记录：11月30日（周一）· 与辅导员/思政课教师面对面交流 · 对象：王丽、王建军
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from bot.cards.questions import ask
from bot.cards.settle import settle_choice
from bot.chat.context import Context
from bot.chat.messages import Button, Incoming, Reply
from bot.chat.understanding import understand
from bot.contacts.records import (
    MENTEE_KINDS,
    Draft,
    create_contact,
    date_problem,
    describe,
    edit_contact,
    last_contact,
    undo_contact,
)
from bot.parse import Edit, parse_edit
from bot.rules.confirmations import card_subject, request_confirmations
from bot.store.models import Contact, Link, Person

UNDO_HINT = "回复“撤销”可撤回；也可以说“改成昨天”“改成食堂”“人数8”修改。"
SKIP_WORDS = ("跳过", "略", "不填", "没有", "无")
CONTENT_MIN_CHARS = 10  # a message this short with no topic is "empty" and asked for content (N17)
CHOICE_RE = re.compile(r"^\s*(\d{1,2})\s*[.、。．]?\s*$")
NONE_OF_THEM = "都不是"
NONE_WORDS = frozenset({NONE_OF_THEM, "都不对", "都不是的", "以上都不是"})


# ---- logging a contact -------------------------------------------------------------------

def log_contact(msg: Incoming, ctx: Context) -> Reply:
    """Turn a report into a draft and complete it (questions if needed), then store it."""
    parsed = understand(msg, ctx)
    draft = Draft(
        kind=parsed.kind or "face_to_face", venue=parsed.venue, occurred_on=parsed.date or ctx.today,
        counterparts=list(parsed.counterparts), students=parsed.students, place=parsed.place,
        group_name=parsed.group, topics=list(parsed.topics), part_of_day=parsed.part_of_day,
        half_days=parsed.half_days, source_text=msg.text,
    )
    problem = date_problem(draft.occurred_on, ctx.today, ctx.settings.contacts)
    if problem:
        return Reply.of(problem)
    choices: list[list[str]] = []
    if parsed.name_choices:  # the sender's own links first, in their roster order
        order = {p.userid: i for i, p in enumerate(linked_mentees(ctx))}
        choices = [sorted(group, key=lambda u: (order.get(u, len(order)), u)) for group in parsed.name_choices]
    near = [list(pair) for pair in parsed.near_misses]
    return advance(draft, choices, near, ctx)


def report_by_staff(msg: Incoming, ctx: Context) -> Reply:
    """Answer a counselor's or teacher's report of their own work: only leaders' contacts are recorded (N1–N8)."""
    return Reply.of("收到。联系记录由学校领导登记，您自己的日常工作不需要在这里记录；领导记录了与您的谈话后，"
                    "我会请您确认（N20）。如有问题或建议，直接发给我即可，我会转给与您联系的领导。")


def advance(draft: Draft, choices: list[list[str]], near: list[list[str]], ctx: Context,
            ask_mentee: bool = True) -> Reply:
    """Ask the next open question about a draft (a card, or typed numbers), or store it when nothing is open.

    `ask_mentee` False: the sender said none of the people asked about was meant, so a talk left without
    a counterpart is stored as it is rather than asked about again.
    """
    keep = {"draft": draft.to_state(), "choices": choices, "near": near, "ask_mentee": ask_mentee}
    what = describe(draft)
    if near:
        written, userid = near[0]
        name = name_of(ctx, userid)
        title = f"花名册里没有“{written}”"
        return ask(ctx, "confirm_name", title, [Button(f"{name}老师", "1"), Button(NONE_OF_THEM, "2", style=2)],
                   text=f"{title}。您是指{name}老师吗？\n1. 是\n2. 不是", description=f"您是指{name}老师吗？{what}",
                   **keep)
    if choices:
        return ask_person(ctx, "choose_counterpart", "是和哪位老师？", [name_of(ctx, u) for u in choices[0]], what,
                          **keep)
    if draft.kind in MENTEE_KINDS and not draft.counterparts and ask_mentee:
        mentees = linked_mentees(ctx)
        if mentees:
            return ask_person(ctx, "choose_mentee", "是和您联系的哪位老师？", [p.name for p in mentees], what, **keep,
                              options=[p.userid for p in mentees])
    return store(draft, ctx)


def ask_person(ctx: Context, step: str, question: str, names: list[str], what: str, **data: Any) -> Reply:
    """Ask which person: one button per name and 都不是, or their numbers typed."""
    options = "\n".join(f"{i}. {name}" for i, name in enumerate(names, 1))
    buttons = [Button(name, str(i)) for i, name in enumerate(names, 1)] + [Button(NONE_OF_THEM, NONE_OF_THEM, style=2)]
    return ask(ctx, step, question, buttons, text=f"{question}\n{options}\n回复序号即可；都不是可回复“都不是”。",
               description=what, **data)


def store(draft: Draft, ctx: Context) -> Reply:
    """Store the completed draft and confirm it in one line; ask for content when there is none."""
    contact = create_contact(ctx.db, ctx.sender, draft, now=ctx.now, today=ctx.today,
                             channel=ctx.channel, limits=ctx.settings.contacts)
    request_confirmations(ctx, contact)  # the counselor/teacher confirms the talk (N20)
    names = [name_of(ctx, u) for u in draft.counterparts]
    line = "已记录：" + describe(contact, names)
    if contact.backdated:
        line += "（补记）"
    if draft.kind in MENTEE_KINDS and not draft.counterparts:
        line += "\n提示：这条记录没有写明是与哪位您联系的辅导员或思政课教师，不计入季度/学期要求。"
    if needs_content(draft):
        ctx.db.flush()  # for the record's id
        ctx.state.set("ask_topics", contact_id=contact.id)
        return Reply.of(f"{line}\n这次主要聊了什么、了解到什么问题？直接回复即可，或回复“跳过”。")
    return Reply.of(f"{line}\n{UNDO_HINT}")


def needs_content(draft: Draft) -> bool:
    """Whether a record says nothing about what was discussed (N17)."""
    if draft.topics or draft.kind in ("frontline", "ideology_lecture"):
        return False
    return len(re.sub(r"\s", "", draft.source_text)) < CONTENT_MIN_CHARS


# ---- dialogue steps ------------------------------------------------------------------------

def got_counterpart(msg: Incoming, ctx: Context, pending: dict[str, Any]) -> Reply | None:
    """Take the numbered answer to "是和哪位老师？" (or 都不是: the name stays unmatched)."""
    choices: list[list[str]] = pending["choices"]
    draft = Draft.from_state(pending["draft"])
    if msg.text.strip() in NONE_WORDS:
        return advance(draft, choices[1:], pending["near"], ctx, ask_mentee=False)
    pick = choice(msg.text, len(choices[0]))
    if pick is None:
        return None
    chosen = choices[0][pick - 1]
    if chosen not in draft.counterparts:
        draft.counterparts = sorted([*draft.counterparts, chosen])
    return advance(draft, choices[1:], pending["near"], ctx, pending.get("ask_mentee", True))


def got_name_confirmation(msg: Incoming, ctx: Context, pending: dict[str, Any]) -> Reply | None:
    """Take the answer to "您是指王丽老师吗？"."""
    text = msg.text.strip()
    near: list[list[str]] = pending["near"]
    draft = Draft.from_state(pending["draft"])
    if text in ("1", "是", "对", "是的", "嗯", "对的"):
        if near[0][1] not in draft.counterparts:
            draft.counterparts = sorted([*draft.counterparts, near[0][1]])
    elif text not in ("2", "不是", "不对", "否", *NONE_WORDS):
        return None
    return advance(draft, pending["choices"], near[1:], ctx, pending.get("ask_mentee", True))


def got_mentee(msg: Incoming, ctx: Context, pending: dict[str, Any]) -> Reply | None:
    """Take the numbered answer naming one of the sender's linked counselors/teachers (or 都不是)."""
    options: list[str] = pending["options"]
    draft = Draft.from_state(pending["draft"])
    if msg.text.strip() in NONE_WORDS:
        return store(draft, ctx)
    pick = choice(msg.text, len(options))
    if pick is None:
        return None
    draft.counterparts = [options[pick - 1]]
    return advance(draft, pending["choices"], pending["near"], ctx, pending.get("ask_mentee", True))


def got_topics(msg: Incoming, ctx: Context, pending: dict[str, Any]) -> Reply | None:
    """Take what was talked about (N17), or "跳过"."""
    text = msg.text.strip()
    if not text or understand(msg, ctx).intent not in ("unknown", "log_contact", "concern"):
        return None
    if understand(msg, ctx).intent == "log_contact" and looks_like_new_report(msg, ctx):
        return None
    contact = ctx.db.get(Contact, pending["contact_id"])
    if contact is None or contact.deleted_at is not None:
        return None
    ctx.state.clear()
    if text in SKIP_WORDS:
        return Reply.of(f"好的，已保存。{UNDO_HINT}")
    edit_contact(ctx.db, contact, ctx.sender, {"topics": [*contact.topics, text]}, now=ctx.now,
                 today=ctx.today, limits=ctx.settings.contacts, source_text=text)
    return Reply.of(f"已补充内容：{text}\n{UNDO_HINT}")


def looks_like_new_report(msg: Incoming, ctx: Context) -> bool:
    """Whether an answer is really a fresh report (it names its own date), not the content asked for."""
    return understand(msg, ctx).date_explicit


def choice(text: str, count: int) -> int | None:
    """Return the 1-based number picked, or None when the text is not a valid choice."""
    m = CHOICE_RE.match(text)
    if not m:
        return None
    n = int(m.group(1))
    return n if 1 <= n <= count else None


# ---- undo and edit -----------------------------------------------------------------------

def undo_last(msg: Incoming, ctx: Context) -> Reply:
    """Take back the sender's last record within the undo window (history kept, N20)."""
    hours = ctx.settings.contacts.undo_hours
    contact = last_contact(ctx.db, ctx.sender, ctx.now, hours)
    if contact is None:
        return Reply.of(f"没有找到您{hours}小时内的记录，无法撤销。更早的记录请联系管理员处理。")
    undo_contact(ctx.db, contact, ctx.sender, ctx.now, msg.text)
    for cp in contact.counterparts:  # confirmation cards still open stop asking
        settle_choice(ctx, card_subject(cp), "记录已撤销")
    return Reply.of(f"已撤销：{describe(contact, counterpart_names(contact))}")


def is_edit(msg: Incoming, ctx: Context) -> bool:
    return edit_of(msg, ctx) is not None


def edit_of(msg: Incoming, ctx: Context) -> Edit | None:
    if "edit" not in ctx.extras:
        ctx.extras["edit"] = parse_edit(msg.text, ctx.today)
    return ctx.extras["edit"]  # type: ignore[no-any-return]


def edit_last(msg: Incoming, ctx: Context) -> Reply:
    """Change the sender's last record: date, venue/kind, students, place or topics."""
    edit = edit_of(msg, ctx)
    assert edit is not None
    hours = ctx.settings.contacts.undo_hours
    contact = last_contact(ctx.db, ctx.sender, ctx.now, hours)
    if contact is None:
        return Reply.of(f"没有找到您{hours}小时内的记录可以修改。")
    changes: dict[str, Any] = {}
    if edit.field == "date" and edit.date is not None:
        problem = date_problem(edit.date, ctx.today, ctx.settings.contacts)
        if problem:
            return Reply.of(problem)
        changes["occurred_on"] = edit.date
    elif edit.field == "venue":
        if edit.kind:
            changes["kind"] = edit.kind
        if edit.venue:
            changes["venue"] = edit.venue
            if contact.kind not in ("face_to_face", "online") and not edit.kind:
                changes["kind"] = "online" if edit.venue == "online" else "face_to_face"
    elif edit.field == "students" and edit.students is not None:
        changes["students"] = edit.students
    elif edit.field == "place" and edit.text:
        changes["place"] = edit.text
    elif edit.field == "topics" and edit.text:
        changes["topics"] = [edit.text]
    if not changes:
        return Reply.of("没有看懂要改成什么。例如：改成昨天、改成食堂、人数8。")
    edit_contact(ctx.db, contact, ctx.sender, changes, now=ctx.now, today=ctx.today,
                 limits=ctx.settings.contacts, source_text=msg.text)
    note = "（补记）" if contact.backdated else ""
    return Reply.of(f"已修改：{describe(contact, counterpart_names(contact))}{note}")


# ---- helpers -----------------------------------------------------------------------------

def name_of(ctx: Context, userid: str) -> str:
    person = ctx.db.scalar(select(Person).where(Person.school_id == ctx.school.id, Person.userid == userid))
    return person.name if person else userid


def counterpart_names(contact: Contact) -> list[str]:
    return [c.person.name for c in contact.counterparts]


def linked_mentees(ctx: Context) -> list[Person]:
    """The counselors/teachers the sender is linked to now (N6)."""
    return list(ctx.db.scalars(
        select(Person).join(Link, Link.mentee_id == Person.id)
        .where(Link.leader_id == ctx.sender.id, Link.until.is_(None)).order_by(Link.id)
    ))
