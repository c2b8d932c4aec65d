"""Abuse (issue 6 §7): a per-sender rate limit kept in Redis with a TTL; spam and insults are marked,
and repeated ones page nobody."""

from __future__ import annotations

from bot.chat.context import Deps
from tests.concerns.conftest import outbox, tickets, tune
from tests.sim import Simulator

PROBLEMS = ["宿舍楼热水器坏了 报修没人管", "食堂的饭越来越贵了", "校园网晚上太卡 打视频都卡", "图书馆的电脑太旧了 查资料特别慢",
            "选修课能不能多开几个名额 总是抢不到", "宿舍空调遥控器丢了 去哪里领新的"]


def test_rate_limit_marks_and_pages_nobody(sim: Simulator, cdeps: Deps) -> None:
    student = sim.as_("zhanghaoran01")
    for text in PROBLEMS[:5]:
        assert "已收到" in student.say(text)
    paged = len(outbox(cdeps))
    said = student.say(PROBLEMS[5])
    assert "较多" in said
    last = tickets(cdeps)[-1]
    assert last.abuse == "rate" and last.status == "spam" and len(outbox(cdeps)) == paged
    keys = list(cdeps.redis.scan_iter(f"{cdeps.settings.redis.prefix}:rate:*"))
    assert len(keys) == 1 and 0 < cdeps.redis.ttl(keys[0]) <= 3600
    cdeps.redis.delete(keys[0])  # what Redis does when the window's TTL runs out
    assert "已收到" in student.say("宿舍楼下的路灯坏了 晚上太黑")


def test_insults_are_marked_and_repeats_page_nobody(sim: Simulator, cdeps: Deps) -> None:
    student = sim.as_("zhanghaoran01")
    said = student.say("sb食堂 饭菜太贵了")
    assert "文明" in said and "#1" in said
    assert tickets(cdeps)[0].abuse == "insult" and tickets(cdeps)[0].status == "open"
    assert len(outbox(cdeps, "concern_new")) == 2  # the first still reaches staff: the complaint may be real
    student.say("垃圾学校 热水器还是坏的")
    student.say("你们都是白痴 网速太慢")
    assert [t.abuse for t in tickets(cdeps)] == ["insult", "insult", "insult"]
    assert [t.status for t in tickets(cdeps)][-1] == "spam"
    assert len(outbox(cdeps, "concern_new")) == 4  # the second was the last to page anyone


def test_spam_is_marked_and_pages_nobody(sim: Simulator, cdeps: Deps) -> None:
    said = sim.as_("zhanghaoran01").say("兼职刷单日结 加微信 abc123 http://x.example")
    assert "没有转给" in said
    assert tickets(cdeps)[0].abuse == "spam" and outbox(cdeps) == []


def test_the_same_message_twice_is_one_ticket(sim: Simulator, cdeps: Deps) -> None:
    student = sim.as_("zhanghaoran01")
    student.say("宿舍楼热水器坏了 报修没人管")
    assert "已反映过" in student.say("宿舍楼热水器坏了，报修没人管！")
    assert len(tickets(cdeps)) == 1


def test_limits_come_from_config(sim: Simulator, cdeps: Deps) -> None:
    tune(cdeps, rate_limit_count=2)
    student = sim.as_("zhanghaoran01")
    student.say(PROBLEMS[0])
    student.say(PROBLEMS[1])
    assert "较多" in student.say(PROBLEMS[2])


def test_what_counts_as_abuse() -> None:
    from bot.concerns.abuse import classify_abuse

    assert classify_abuse("sb食堂 饭菜太贵") == "insult" and classify_abuse("TMD 网又断了") == "insult"
    assert classify_abuse("兼职刷单 加微信") == "spam" and classify_abuse("啊啊啊啊") == "spam"
    for fine in ("usb接口坏了", "宿舍楼下的废物没人清理", "3号楼热水器坏了"):
        assert classify_abuse(fine) is None, fine
