"""Families found on a batch of concerns written apart from the corpus (probe-crisis): each family is read from
its cause, with cases on both sides of the line, none of them copied from the corpus.

- crisis signals: unworthy of living, a past wish that still holds, the means made ready, a height checked,
  leaving quietly, erasing one's traces, "don't look for me if I don't answer", any self-directed injuring
  verb, a crowd beating someone, English cutting and bleeding, the 轻身 typo of 轻生;
- modifiers: a denial with a verb (没有想伤害自己的打算), a resolution said as "no such thought any more", the
  writer's own past and resolved wish is watch even when the message also names a lecture;
- anonymity: negation x reveal x the sender's identity in either order; others' secrecy and 不用匿名 are not;
- category: the clause carrying the request outweighs mood words around it; a lone weak word does not decide.
"""

from __future__ import annotations

import pytest

from bot.parse import assess
from bot.parse.concerns import is_anonymous
from bot.parse.text import normalise


@pytest.mark.parametrize(
    "text",
    [
        "我这样的人不配活下去",
        "觉得自己没资格活着",
        "上个月开始就想过去死 这几天更严重了",
        "安眠药已经备好了 就等周末",
        "木炭买回来了 放在床底下",
        "药我都攒够了",
        "囤了一抽屉的安定",
        "实验楼天台我踩过点了 门是开着的",
        "一直在搜什么办法走得没有痛苦",
        "想找个无痛的结束方式",
        "窗户缝都拿胶带贴好了 就差点炭",
        "我想悄无声息地消失",
        "债都还完了 终于可以安心离开了",
        "把全部账号都注销了",
        "要是明天还没回消息 就别来找我了",
        "拿打火机烫了好几下自己",
        "又掐自己了 胳膊全青了",
        "been cutting every night this week",
        "最近又冒出轻身的想法",
    ],
)
def test_self_directed_signals_are_a_crisis(text: str) -> None:
    found = assess(text)
    assert (found.risk, found.category) == ("crisis", "mental")
    assert set(found.signals) - {"model"}, "a rule names the signal"


@pytest.mark.parametrize(
    "text",
    ["操场边五六个人围着一个学生踢 快来人", "食堂后面一群人围着他揍"],
)
def test_a_crowd_beating_someone_is_a_safety_crisis(text: str) -> None:
    found = assess(text)
    assert (found.risk, found.category) == ("crisis", "safety")


@pytest.mark.parametrize(
    "text",
    [
        "我并没有要伤害自己的想法 就是这几天压力很大想找人说说",
        "初中时想过去死 后来早就没有这种念头了 想问下学校有没有心理讲座",
        "大一时经常想结束生命 一直在治疗 现在状态很好 想报名心理委员",
    ],
)
def test_a_denied_or_past_and_resolved_wish_is_watch(text: str) -> None:
    assert assess(text).risk == "watch"


@pytest.mark.parametrize(
    "text",
    [
        "药准备好了吗 下周军训要带",  # medicine packed for a trip: not the means of anything
        "绳子买好了 明天跳绳考试",
        "天台的门开着 想上去晒被子 可以吗",
        "这学期的作业终于可以安心交了",
        "拿吹风机烫头发 把宿舍跳闸了",
        "有没有什么方法拔牙不痛 校医院能做吗",
    ],
)
def test_look_alikes_of_the_new_signals_are_not_a_crisis(text: str) -> None:
    assert not assess(text).crisis


@pytest.mark.parametrize(
    "text",
    [
        "不方便署名 晚上澡堂没热水",
        "我不愿实名 机房的电脑总中毒",
        "能不能不具名 食堂的汤太咸了",
        "姓名就不要写出来了 自习室的灯坏了",
        "千万别把我说出去 班里有人代签到",
        "请不要把我的个人信息给辅导员 宿舍楼道总有人抽烟",
        "别暴露我啊 有人在寝室用电炉",
        "身份请帮我保密 校车司机开车打电话",
        "不希望被同学认出来 选修课老师总拖堂",
        "不想让人知道是谁举报的 快递站乱收费",
        "我想匿名 体测成绩登记错了",
    ],
)
def test_anonymity_requests_in_any_order(text: str) -> None:
    assert is_anonymous(normalise(text))


@pytest.mark.parametrize(
    "text",
    [
        "不用匿名 署我名字就好 食堂太贵了",
        "学妹让我替她保密 她在外面租了房",
        "心理咨询的记录会保密吗",
        "有同学在表白墙匿名吐槽宿管",
        "获奖证书上的名字打错了",
        "实名制预约怎么操作",
        "别告诉我答案 我想自己做",
        "不想写我的实验报告了",
        "暑假不用提醒我了",
        "请问不记名投票怎么组织",
        "能不能告诉我补考的时间",
    ],
)
def test_look_alikes_of_anonymity_are_not_requests(text: str) -> None:
    assert not is_anonymous(normalise(text))


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("跟舍友处不来 心里很烦 想申请搬到别的宿舍", "life"),
        ("室友天天半夜打游戏 我快崩溃了 能不能换个寝室", "life"),
        ("最近情绪很低落 想申请缓考 要交什么证明", "study"),
        ("好迷茫好焦虑 能不能帮我改改简历", "career"),
        ("有点孤独 请问怎么加入社团", "other"),
        ("最近总失眠 想约心理咨询 怎么预约", "mental"),
        ("宿舍楼下有陌生男的一直徘徊 好害怕", "safety"),
        ("校医院开的感冒药有什么副作用吗", "life"),
    ],
)
def test_the_request_decides_the_category(text: str, category: str) -> None:
    assert assess(text).category == category
