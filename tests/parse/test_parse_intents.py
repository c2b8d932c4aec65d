"""Commands: undo, help, progress, digest, snooze, reply_concern, and chatter that is unknown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from bot.parse import Parsed

Run = Callable[..., Parsed]


@pytest.mark.parametrize(
    "text",
    [
        "撤销",
        "撤回",
        "撤销上一条",
        "上一条作废",
        "删掉刚才那条",
        "删了刚发的记录",
        "记错了删除",
        "记错了，删掉吧",
        "刚才那条不算",
        "刚刚那条删了吧",
        "删除上一条记录",
        "取消刚才的记录",
        "刚才发错了 作废",
        "那条记录不要了",
        "上一条记错了",
        "不对 删除",
    ],
)
def test_undo(run: Run, text: str) -> None:
    assert run(text).intent == "undo"


@pytest.mark.parametrize(
    "text",
    [
        "帮助",
        "怎么用",
        "?",
        "？",
        "？？",
        "能做什么",
        "能做什么？",
        "使用说明",
        "这个机器人能干啥",
        "help",
        "有哪些功能",
        "这个怎么用啊",
        "你能做什么",
        "怎么记录？",
        "可以做什么",
        "你好，请问这个怎么用",
    ],
)
def test_help(run: Run, text: str) -> None:
    assert run(text).intent == "help"


def test_help_from_a_student(run: Run) -> None:
    assert run("？", sender="caorui01").intent == "help"
    assert run("这个怎么用", sender="caorui01").intent == "help"
    assert run("选课系统怎么用", sender="caorui01").intent == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "我的进度",
        "本周完成情况",
        "本季度完成情况",
        "本学期完成情况",
        "我本学期的完成情况",
        "还差什么",
        "我还差什么",
        "达标了没",
        "我这个月达标了没",
        "这周达标了吗",
        "这学期思政课还差几次",
        "查一下我的完成情况",
        "进度",
        "我还有哪些任务没完成",
        "本学期思政课讲了没有",
        "这季度约谈还差谁",
        "我这周还需要去几次",
        "本周联系学生次数",
        "这个季度我约谈完了吗",
        "我这周联系了几次学生",
        "我的统计",
        "查进度",
    ],
)
def test_progress(run: Run, text: str) -> None:
    assert run(text).intent == "progress"


@pytest.mark.parametrize(
    "text",
    [
        "周报",
        "本周汇总",
        "谁还没完成",
        "哪些人这周还没达标",
        "哪些领导本周没有联系学生",
        "发一下周报",
        "本月汇总",
        "看一下全校本周的完成情况",
        "未完成名单",
        "各学院的进度汇总发我一下",
        "这周有几个领导没完成",
        "哪些人没达标",
        "本月哪些校领导没有讲思政课",
        "统计一下本季度约谈情况",
        "生成周报",
        "谁这周还没去过宿舍",
        "有几位领导本学期还没讲形势与政策",
        "本周完成情况",
    ],
)
def test_digest(run: Run, text: str) -> None:
    assert run(text, sender="qinyaqin01").intent == "digest"


@pytest.mark.parametrize(
    ("text", "until", "reason"),
    [
        ("下周再提醒", date(2026, 11, 30), None),
        ("下周一再提醒我", date(2026, 11, 30), None),
        ("这周别提醒了", date(2026, 11, 30), None),
        ("本周不要提醒", date(2026, 11, 30), None),
        ("出差到12月3日暂停提醒", date(2026, 12, 4), "出差"),
        ("出差到12月3日", date(2026, 12, 4), "出差"),
        ("12月1日到5日在北京开会，暂停提醒", date(2026, 12, 6), "开会"),
        ("元旦后再提醒", date(2027, 1, 2), None),
        ("外地出差一周 回来再提醒我", date(2026, 12, 2), "出差"),
        ("先别提醒了 下个月再说", date(2026, 12, 1), None),
        ("请假到周五", date(2026, 11, 28), "请假"),
        ("明天再提醒", date(2026, 11, 26), None),
        ("今天别提醒了", date(2026, 11, 26), None),
        ("12月10号之前别提醒我", date(2026, 12, 10), None),
        ("最近在外地开会 暂停提醒", None, "开会"),
        ("免打扰", None, None),
        ("国庆后再说", date(2027, 10, 8), None),
    ],
)
def test_snooze(run: Run, text: str, until: date | None, reason: str | None) -> None:
    parsed = run(text)
    assert (parsed.intent, parsed.snooze_until, parsed.reason) == ("snooze", until, reason)


@pytest.mark.parametrize(
    ("text", "ticket"),
    [
        ("回复#45 已经约该同学明天面谈", 45),
        ("#301 已处理：已调取监控", 301),
        ("#162 已处理 已安排心理老师约谈该生", 162),
        ("回复 #12：监控已调取，已报警", 12),
        ("回复153：已联系后勤维修", 153),
        ("工单156已处理完毕", 156),
        ("153号已处理", 153),
        ("＃88 已解决", 88),
    ],
)
def test_reply_concern(run: Run, text: str, ticket: int) -> None:
    parsed = run(text, sender="wangli01")
    assert (parsed.intent, parsed.ticket) == ("reply_concern", ticket)
    assert parsed.contract()["ticket"] == ticket


@pytest.mark.parametrize(
    "text",
    [
        "👍",
        "收到 谢谢",
        "老师好",
        "你好",
        "好的 收到",
        "😊",
        "谢谢老师！",
        "在吗",
        "[强]",
        "嗯嗯",
        "辛苦了",
        "OK",
        "...",
        "收到，马上处理",
    ],
)
def test_chatter_is_unknown(run: Run, text: str) -> None:
    assert run(text).intent == "unknown"
    assert run(text, sender="caorui01").intent == "unknown"


def test_a_leader_asking_who_is_behind_gets_the_digest(run: Run) -> None:
    assert run("谁这周还没去过宿舍").intent == "digest"


def test_snooze_spans(run: Run) -> None:
    assert run("下周我出差，暂停一周提醒").reason == "出差"
    assert run("出国访问到12月20号").snooze_until == date(2026, 12, 21)
    assert run("年假 到1月5日").snooze_until == date(2027, 1, 6)
    assert run("过两天再提醒").snooze_until == date(2026, 11, 27)


def test_non_contract_fields_are_null_for_commands(run: Run) -> None:
    assert run("我的进度").contract() == {
        "intent": "progress",
        "kind": None,
        "venue": None,
        "date": None,
        "counterparts": [],
        "students": None,
        "category": None,
        "crisis": False,
        "anonymous": False,
        "ticket": None,
        "risk": "none",
    }


@pytest.mark.parametrize("text", ["怎么反映问题", "在哪里提意见", "如何投诉"])
def test_asking_how_to_raise_a_concern_is_help(text: str, run: Run) -> None:
    assert run(text, sender="lisiqi01").intent == "help"


@pytest.mark.parametrize(
    ("text", "resume"),
    [
        ("下周一到周三在北京开会，12月2日前先别提醒", date(2026, 12, 2)),
        ("下周一到周三在北京开会 暂停提醒", date(2026, 12, 3)),
        ("12月8号之前不要提醒我 在外学习", date(2026, 12, 8)),
        ("开会到周五 暂停提醒", date(2026, 11, 28)),
    ],
)
def test_snooze_bounds(text: str, resume: date, run: Run) -> None:
    parsed = run(text, sender="zhaojianguo01", today=date(2026, 11, 25))
    assert (parsed.intent, parsed.snooze_until) == ("snooze", resume)
