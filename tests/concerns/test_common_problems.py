"""Common problems (issue 6 §6, N14): similar concerns from at least three different people within
14 days — similar text, same place, same category, not category alone — are grouped and flagged to
admins with their tickets; answering the group answers everyone in it."""

from __future__ import annotations

from bot.chat.context import Deps
from bot.concerns.similarity import Item, find_groups, signature, similarity
from tests.concerns.conftest import ADMINS, outbox, text_of, ticket, tickets
from tests.sim import Simulator

HOT_WATER = [("zhanghaoran01", "3号楼热水器坏了 报修一周没人来"), ("gaobowen01", "3号楼的热水又坏了，洗不了澡"),
             ("wangzihan01", "三号楼没有热水好几天了，什么时候修")]


def test_three_people_with_one_problem_make_a_common_problem(sim: Simulator, cdeps: Deps) -> None:
    for userid, text in HOT_WATER[:2]:
        sim.as_(userid).say(text)
    assert outbox(cdeps, "common_problem") == []  # two people are not yet "common"
    sim.as_(HOT_WATER[2][0]).at("2026-12-03T09:00").say(HOT_WATER[2][1])
    groups = {t.group_id for t in tickets(cdeps)}
    assert len(groups) == 1 and None not in groups
    flags = outbox(cdeps, "common_problem")
    assert {r.recipient for r in flags} == set(ADMINS)
    flag = text_of(flags[0])
    assert "3人" in flag and "#1" in flag and "#2" in flag and "#3" in flag and "3号楼" in flag
    assert "回复共性#1" in flag

    sim.as_("lisiqi01").say("3号楼热水器又坏了 没法洗澡")  # a fourth joins the group, admins told again
    assert ticket(cdeps, 4).group_id == ticket(cdeps, 1).group_id
    assert "新增 #4" in text_of(outbox(cdeps, "common_problem")[-1])


def test_answering_the_group_answers_everyone(sim: Simulator, cdeps: Deps) -> None:
    for userid, text in HOT_WATER:
        sim.as_(userid).say(text)
    said = sim.as_("sunguoqiang01").say("回复共性#2 已统一更换3号楼热水器，周五恢复供应")
    assert "3 件" in said
    for userid, _ in HOT_WATER:
        answers = [text_of(r) for r in outbox(cdeps, "concern_reply", to=userid)]
        assert any("统一更换" in a for a in answers), userid
    assert {t.status for t in tickets(cdeps)} == {"answered"}
    sim.as_("sunguoqiang01").say("共性#1 已处理 已全部更换")
    assert {t.status for t in tickets(cdeps)} == {"resolved"}


def test_category_alone_does_not_group(sim: Simulator, cdeps: Deps) -> None:
    for userid, text in (("zhanghaoran01", "3号楼热水器坏了"), ("gaobowen01", "3号楼晚上经常断电"),
                         ("wangzihan01", "3号楼的空调遥控器丢了")):
        sim.as_(userid).say(text)
    assert {t.category for t in tickets(cdeps)} == {"life"}
    assert {t.group_id for t in tickets(cdeps)} == {None} and outbox(cdeps, "common_problem") == []


def test_another_place_is_another_problem(sim: Simulator, cdeps: Deps) -> None:
    for (userid, text), building in zip(HOT_WATER, ("3号楼", "5号楼", "3号楼"), strict=True):
        sim.as_(userid).say(text.replace("3号楼", building).replace("三号楼", building))
    assert {t.group_id for t in tickets(cdeps)} == {None}


def test_one_person_three_times_is_not_common(sim: Simulator, cdeps: Deps) -> None:
    for _, text in HOT_WATER:
        sim.as_("zhanghaoran01").say(text)
    assert {t.group_id for t in tickets(cdeps)} == {None}


def test_only_the_last_14_days_count(sim: Simulator, cdeps: Deps) -> None:
    sim.as_(HOT_WATER[0][0]).at("2026-11-01T10:00").say(HOT_WATER[0][1])
    sim.as_(HOT_WATER[1][0]).at("2026-11-20T10:00").say(HOT_WATER[1][1])
    sim.as_(HOT_WATER[2][0]).at("2026-11-25T10:00").say(HOT_WATER[2][1])
    assert {t.group_id for t in tickets(cdeps)} == {None}


def test_similarity_reads_text_not_just_topic() -> None:
    alike = similarity(signature("选修课能不能多开几个名额 总是抢不到"), signature("选修课名额太少了"))
    unlike = similarity(signature("图书馆的电脑太旧了 查资料特别慢"), signature("图书馆座位太少 总是占不到"))
    assert alike >= 0.6 > unlike
    assert similarity(signature("3号楼热水器坏了"), signature("5号楼热水器坏了")) == 0.0
    from datetime import datetime, timezone

    now = datetime(2026, 11, 25, tzinfo=timezone.utc)
    items = [Item(i, i, "life", t, now) for i, t in enumerate(["二食堂的饭菜太贵了", "二食堂价格又涨了", "二食堂饭菜涨价了"])]
    assert [[m.id for m in g] for g in find_groups(items, 0.6, 3, 14, now=now)] == [[0, 1, 2]]
