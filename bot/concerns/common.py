"""Common problems (N14): when at least three different people raise similar concerns (same category,
same place, similar text) within 14 days, they become one group, flagged to admins with its tickets;
answering the group answers everyone in it.

Example: three students write about no hot water in 3号楼 -> admins receive "【共性问题】3人反映……
#12 #15 #16 …统一答复：回复共性#12 内容".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.chat.context import Context
from bot.chat.messages import Reply
from bot.chat.outbox import Outbox
from bot.concerns.answers import answer_concern, is_open, staff_channel
from bot.concerns.models import ConcernGroup
from bot.concerns.render import STATUS_ZH
from bot.concerns.routing import CATEGORY_ZH, people_with_role
from bot.concerns.senders import sender_person_id
from bot.concerns.similarity import Item, find_groups
from bot.store.models import Concern, Person
from bot.terms.roles import ADMIN

GROUPABLE = ("open", "answered", "reopened")


def item_of(concern: Concern) -> Item:
    """Return the grouping view of a ticket."""
    return Item(id=concern.id, sender=sender_person_id(concern) or 0, category=concern.category, text=concern.text,
                created_at=concern.created_at, place=concern.place)


def group_new_concern(ctx: Context, concern: Concern) -> ConcernGroup | None:
    """Place a new ticket in a common problem when it completes or joins one; flag admins."""
    c = ctx.settings.concerns
    since = ctx.now - timedelta(days=c.group_window_days)
    recent = list(ctx.db.scalars(select(Concern).where(
        Concern.school_id == ctx.school.id, Concern.category == concern.category, Concern.created_at >= since,
        Concern.status.in_(GROUPABLE), Concern.abuse.is_(None) | (Concern.abuse == "insult"),
        (Concern.place == concern.place) if concern.place else Concern.place.is_(None),
    )))
    groups = find_groups((item_of(x) for x in recent), c.group_similarity, c.group_min_people, c.group_window_days,
                         now=ctx.now)
    members_ids = next(([m.id for m in g] for g in groups if any(m.id == concern.id for m in g)), None)
    if members_ids is None:
        return None
    members = [x for x in recent if x.id in members_ids]
    existing = sorted({m.group_id for m in members if m.group_id is not None})
    if existing:
        group = ctx.db.get(ConcernGroup, existing[0])
        assert group is not None
        joined = [m for m in members if m.group_id != group.id]
        for m in joined:
            m.group_id = group.id
        flag_admins(ctx, group, members, new=joined)
        return group
    group = ConcernGroup(school_id=ctx.school.id, category=concern.category, place=concern.place,
                         label=members[0].text, created_at=ctx.now)
    ctx.db.add(group)
    ctx.db.flush()
    for m in members:
        m.group_id = group.id
    flag_admins(ctx, group, members, new=members)
    return group


def describe_group(group: ConcernGroup, members: Sequence[Concern]) -> str:
    """Return the admins' view of a common problem: how many people, where, and its tickets (no names)."""
    people = len({sender_person_id(m) for m in members})
    where = f" · {group.place}" if group.place else ""
    lines = [f"【共性问题】{people}人反映了相似的问题（{CATEGORY_ZH.get(group.category, '其他')}{where}）："]
    first = min(m.number for m in members)
    for m in sorted(members, key=lambda x: x.number):
        lines.append(f"#{m.number}（{STATUS_ZH.get(m.status, m.status)}，{m.owner_office}）{m.text}")
    lines.append(f"统一答复全部：回复“回复共性#{first} 内容”；办结：“共性#{first} 已处理 说明”。")
    return "\n".join(lines)


def flag_admins(ctx: Context, group: ConcernGroup, members: Sequence[Concern], new: Sequence[Concern]) -> None:
    """Tell the school's admins about a new common problem, or about tickets that joined one."""
    if not new:
        return
    text = describe_group(group, members)
    if len(new) < len(members):
        text = "（新增 " + " ".join(f"#{m.number}" for m in new) + "）\n" + text
    latest = max(m.number for m in new)
    for admin in people_with_role(ctx.db, ctx.school, ADMIN):
        ctx.outbox.send(admin.userid, Reply.of(text), purpose="common_problem", channel=staff_channel(ctx.channel),
                        dedupe_key=f"concern:{ctx.school.id}:group:{group.id}:{latest}:{admin.userid}")


def group_members(db: Session, group: ConcernGroup) -> list[Concern]:
    """Return the tickets of a common problem, oldest first."""
    return list(db.scalars(select(Concern).where(Concern.group_id == group.id).order_by(Concern.number)))


def answer_group(db: Session, outbox: Outbox, group: ConcernGroup, staff: Person, text: str, resolve: bool,
                 now: datetime) -> list[Concern]:
    """Answer every open ticket of a common problem with one text; return the tickets answered."""
    answered = [m for m in group_members(db, group) if is_open(m)]
    for member in answered:
        answer_concern(db, outbox, member, staff, text, resolve, now)
    group.answered_at = now
    return answered
