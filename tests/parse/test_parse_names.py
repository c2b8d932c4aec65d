"""Counterparts by full name, "王老师" among the sender's mentees, ambiguity and sound-alike near misses."""

from __future__ import annotations

from collections.abc import Callable

from bot.parse import Parsed, People
from bot.parse.names import match_names

Run = Callable[..., Parsed]


def test_full_names_with_and_without_titles(run: Run) -> None:
    assert run("周一和王丽、王建军两位辅导员面谈").counterparts == ("wangjianjun01", "wangli01")
    assert run("约谈王丽老师 聊了工作规划").counterparts == ("wangli01",)
    assert run("跟林涛面谈 发展规划", sender="wangjie01").counterparts == ("lintao01",)


def test_surname_and_title_resolves_to_the_single_mentee(run: Run) -> None:
    assert run("约谈陈老师 了解她带的班级情况", sender="sunlixin01").counterparts == ("chenjing01",)
    assert run("张老师今天的思政课我全程听了").counterparts == ("zhangminghua01",)
    assert run("本周二旁听了王老师和学生的谈心谈话", sender="xuehong01").counterparts == ("wangli01",)


def test_surname_shared_by_two_mentees_is_a_choice(run: Run) -> None:
    parsed = run("约谈王老师")
    assert parsed.counterparts == ()
    assert parsed.name_choices == (("wangjianjun01", "wangli01"),)
    assert parsed.kind == "mentee_talk"


def test_surname_without_a_mentee_is_not_guessed(run: Run) -> None:
    parsed = run("约谈刘老师")  # 刘洋 is a counselor, but not linked to 赵建国
    assert parsed.counterparts == () and parsed.name_choices == ()


def test_several_surname_mentions(run: Run) -> None:
    assert run("和陈老师、杨老师座谈", sender="yanfeng01").counterparts == ("chenjing01", "yangfan01")


def test_other_staff_full_names_match(run: Run) -> None:
    parsed = run("和郭佳老师一起去宿舍看望学生")
    assert parsed.counterparts == ("guojia01",)
    assert parsed.venue == "dorm"


def test_students_and_the_sender_are_no_counterparts(run: Run) -> None:
    assert run("和李思琪同学聊了聊考研").counterparts == ()
    assert run("赵建国今天去宿舍看望学生").counterparts == ()


def test_names_inside_words_do_not_match(people: People) -> None:
    assert match_names("要多照顾敏感的学生", "zhaojianguo01", people).counterparts == ()
    assert match_names("校园里杨柳依依", "zhaojianguo01", people).counterparts == ()
    assert match_names("四季常青", "zhaojianguo01", people).counterparts == ()


def test_near_miss_is_reported_never_matched(run: Run) -> None:
    parsed = run("上周三和王莉老师谈心")
    assert parsed.counterparts == ()
    assert parsed.near_misses == (("王莉", "wangli01"),)
    assert parsed.kind == "mentee_talk"
    assert run("跟增慧谈心", sender="shizhigang01").near_misses == (("增慧", "zenghui01"),)
    assert run("找刘阳聊了聊", sender="qianzhenhua01").near_misses == (("刘阳", "liuyang01"),)


def test_titles_and_plain_words_are_no_near_misses(run: Run) -> None:
    assert run("和班主任老师一起去宿舍").near_misses == ()
    assert run("和学生聊了聊").near_misses == ()
