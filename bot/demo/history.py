"""A few weeks of made-up contact history for the demo school, so progress and digests have something
to show. Written straight through the models (the demo only; real records come from chat).

Example: 赵建国 "上周三去3号楼215宿舍看望学生，聊了考研" becomes a face_to_face/dorm Contact.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.models import Contact, ContactCounterpart, ContactRevision, Link, Person, School
from bot.terms.roles import LEADER_ROLES, STUDENT_AFFAIRS_HEAD

WEEKS = 4
SEED = 20261125
FACE_TO_FACE = [  # venue, place, text (students filled in), topics
    ("dorm", "3号楼215宿舍", "去3号楼215宿舍看望学生，聊了考研", ["考研"]),
    ("canteen", "二食堂", "中午在二食堂和{n}名学生一起吃饭，聊了就业", ["就业"]),
    ("classroom", "博学楼301", "在博学楼301听了一节专业课，课后和{n}名学生交流", ["学业"]),
    ("talk", "学生活动中心", "在学生活动中心和{n}名学生座谈，听取对食堂的意见", ["后勤保障"]),
    ("club", "机器人社团", "参加机器人社团活动，和{n}名社团骨干交流", ["社团活动"]),
]
ONLINE = ("online", None, "晚上通过微信群和毕业班{n}名同学交流求职情况", ["就业"])


def seed_history(db: Session, school: School, today: date, tz: tzinfo) -> int:
    """Add a few weeks of contacts for the school's leaders once; return how many were added."""
    if db.scalar(select(func.count(Contact.id)).where(Contact.school_id == school.id)):
        return 0
    rng = random.Random(SEED)
    leaders = [p for p in db.scalars(select(Person).where(Person.school_id == school.id, Person.active.is_(True))
                                     .order_by(Person.id)) if p.roles & LEADER_ROLES]
    mentees: dict[int, list[int]] = {}
    for link in db.scalars(select(Link).where(Link.school_id == school.id, Link.until.is_(None))):
        mentees.setdefault(link.leader_id, []).append(link.mentee_id)
    added = 0
    for leader in leaders:
        for _ in range(rng.randint(1, 5)):
            day = today - timedelta(days=rng.randint(1, WEEKS * 7))
            added += 1
            if rng.random() < 0.25 and mentees.get(leader.id):
                _add(db, school, leader, day, tz, "mentee_talk", "talk", None, None, ["职业发展"],
                     "约谈联系的辅导员，了解其工作和职称评聘情况", counterpart=rng.choice(mentees[leader.id]))
            elif STUDENT_AFFAIRS_HEAD in leader.roles and rng.random() < 0.4:
                _add(db, school, leader, day, tz, "frontline", None, "学生社区", None, [],
                     "上午半天在学生社区一线值守", half_days=1.0)
            else:
                venue, place, text, topics = ONLINE if rng.random() < 0.15 else rng.choice(FACE_TO_FACE)
                n = rng.randint(3, 15)
                _add(db, school, leader, day, tz, "online" if venue == "online" else "face_to_face", venue, place,
                     n, topics, text.format(n=n))
    return added


def _add(db: Session, school: School, leader: Person, day: date, tz: tzinfo, kind: str, venue: str | None,
         place: str | None, students: int | None, topics: list[str], text: str, counterpart: int | None = None,
         half_days: float | None = None) -> None:
    at = datetime.combine(day, time(20, 30), tzinfo=tz).astimezone(timezone.utc)
    contact = Contact(school_id=school.id, person_id=leader.id, occurred_on=day, received_at=at, kind=kind,
                      venue=venue, place=place, students=students, topics=topics, half_days=half_days,
                      source_text=text, channel="wecom", confirmation="confirmed" if counterpart else "none",
                      updated_at=at)
    if counterpart is not None:
        contact.counterparts.append(ContactCounterpart(person_id=counterpart, confirmation="confirmed",
                                                       answered_at=at + timedelta(hours=2)))
    contact.revisions.append(ContactRevision(at=at, actor_id=leader.id, action="created",
                                             after={"kind": kind, "venue": venue}, source_text=text))
    db.add(contact)
