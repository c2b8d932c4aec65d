"""Fixtures for the parser's tests: a small roster (a slice of the shared fictional university) and a parse helper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.parse import Parsed, People, PersonRef, parse

WEDNESDAY = date(2026, 11, 25)  # the default "today" in these tests: a Wednesday

_ROSTER = """\
zhaojianguo01,赵建国,school_leader,wangli01;wangjianjun01;zhangminghua01
sunlixin01,孙立新,school_leader,chenjing01;liwenbo01;gaoxue01
lihongmei01,李红梅,school_leader,huangxiaoyan01;yangliu01
qianzhenhua01,钱振华,school_leader,liuyang01
shizhigang01,石志刚,middle_chief;student_affairs_head,zenghui01;caiming01
xuehong01,薛红,middle_chief,wangli01
yanfeng01,严峰,middle_chief,chenjing01;yangfan01
wangjie01,汪洁,middle_chief,lintao01;fuqiang01
changqing01,常青,middle_chief,zhaolei01
gumin01,顾敏,middle_chief,hejun01
wangli01,王丽,counselor,
wangjianjun01,王建军,counselor,
chenjing01,陈静,counselor,
gaoxue01,高雪,counselor,
zenghui01,曾慧,counselor,
caiming01,蔡明,counselor,
yangfan01,杨帆,counselor,
lintao01,林涛,counselor,
fuqiang01,傅强,counselor,
huangxiaoyan01,黄晓燕,counselor,
zhaolei01,赵磊,counselor,
hejun01,何俊,counselor,
guojia01,郭佳,counselor,
liuyang01,刘洋,counselor,
zhangminghua01,张明华,ideology_teacher,
liwenbo01,李文博,ideology_teacher,
yangliu01,杨柳,ideology_teacher,
caorui01,曹睿,student,
lisiqi01,李思琪,student,
xunuo01,许诺,student,
qinyaqin01,秦雅琴,admin,
"""


def roster_people() -> People:
    """Build the test roster."""
    persons = []
    for line in _ROSTER.splitlines():
        userid, name, roles, mentees = line.split(",")
        persons.append(
            PersonRef(userid, name, frozenset(roles.split(";")), tuple(m for m in mentees.split(";") if m))
        )
    return People(persons)


def shared_dir() -> Path | None:
    """Find the shared material beside the repository (CI) or at /work/shared (development)."""
    for candidate in (Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")):
        if (candidate / "corpus" / "dev.jsonl").is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def people() -> People:
    """The test roster."""
    return roster_people()


@pytest.fixture(scope="session")
def run(people: People) -> Callable[..., Parsed]:
    """Parse a message as a sender (a leader by default) on a given day (Wednesday 2026-11-25 by default)."""

    def parse_as(text: str, sender: str = "zhaojianguo01", today: date = WEDNESDAY) -> Parsed:
        return parse(text, sender, today, people)

    return parse_as
