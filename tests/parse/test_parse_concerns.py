"""Concerns: category by what the person wants fixed, every crisis caught, hyperbole not, anonymity phrasings."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.parse import Parsed

Run = Callable[..., Parsed]
STUDENT = "caorui01"


@pytest.mark.parametrize(
    "text",
    [
        "真的不想活了 什么都做不好",
        "我不想活了",
        "我想死",
        "好想死啊",
        "我想自杀",
        "有轻生的念头",
        "我好想轻生",
        "室友说想从天台跳下去，现在一个人出去了，联系不上！",
        "我室友今晚说要跳楼 我好害怕",
        "宿舍同学割腕了 流了好多血 快来人",
        "我吃了很多安眠药",
        "有时候想结束这一切",
        "感觉活着好累 没有意义 也许消失了会更好",
        "活着没意思，每天都好累",
        "最近一直失眠 有时候觉得死了算了",
        "同学站在天台边上不下来",
        "室友说活着没有意义 已经两天没吃饭了",
        "我已经写好遗书了",
        "想一了百了",
        "在网上买了很多安眠药",
        "同学在宿舍烧炭",
        "不想醒来了",
        "我想去死",
        "计科2101一个学生留言说想结束自己的生命，我正在找他，请心理中心支援",
    ],
)
def test_every_crisis_is_caught(run: Run, text: str) -> None:
    parsed = run(text, sender=STUDENT)
    assert (parsed.intent, parsed.crisis, parsed.category) == ("concern", True, "mental")


def test_staff_reporting_a_crisis_raise_a_concern(run: Run) -> None:
    for sender in ("wangli01", "zhaojianguo01"):
        parsed = run("我带的学生有个一直说想死 已经联系了家长", sender=sender)
        assert (parsed.intent, parsed.crisis) == ("concern", True)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("累死了 实验报告一周要交五份 能不能少布置一点", "study"),
        ("笑死 宿舍停电了 整栋楼都在鬼叫 啥时候来电啊", "life"),
        ("宿舍冻死了 暖气什么时候来", "life"),
        ("热死了 宿舍没空调", "life"),
        ("饿死了 食堂晚上九点就关门", "life"),
        ("困死了 早八太早了", "study"),
        ("烦死了 隔壁宿舍天天打游戏到三点", "life"),
        ("气死了 快递被人拿走了", "life"),
        ("我是不是抑郁了 最近什么都不想做", "mental"),
        ("预防自杀的心理讲座什么时候开", "mental"),
    ],
)
def test_hyperbole_is_no_crisis(run: Run, text: str, category: str) -> None:
    parsed = run(text, sender=STUDENT)
    assert (parsed.intent, parsed.crisis, parsed.category) == ("concern", False, category)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("图书馆的电脑太旧了 查资料特别慢", "study"),
        ("考研数学有没有学校组织的辅导班", "study"),
        ("选修课能不能多开几个名额 总是抢不到", "study"),
        ("高数挂了 补考什么时候", "study"),
        ("期末考试能不能晚点安排", "study"),
        ("老师，我想问一下转专业的条件", "study"),
        ("上课老师经常迟到", "study"),
        ("宿舍里有人排挤我 都不想回宿舍了", "mental"),
        ("最近总是莫名的焦虑 心慌 想找人聊聊", "mental"),
        ("和室友关系很差 天天吵架", "mental"),
        ("考研压力太大了 每天都睡不着", "mental"),
        ("学校的心理咨询中心预约不上", "mental"),
        ("宿舍楼热水器坏了 报修没人管", "life"),
        ("食堂的饭越来越贵了", "life"),
        ("校园网晚上太卡 打视频都卡", "life"),
        ("宿舍空调遥控器丢了 去哪里领新的", "life"),
        ("澡堂人太多 能不能延长开放时间", "life"),
        ("快递点太远了", "life"),
        ("食堂有虫子", "life"),
        ("晚上宿舍楼门禁太早了", "life"),
        ("想找个暑期实习 学院有推荐的单位吗", "career"),
        ("艺术学院毕业生就业信息太少，建议就业处多联系文化类公司", "career"),
        ("想考选调生 学校有没有相关的政策解读", "career"),
        ("最近压力好大 招聘会投了好多简历都没回音", "career"),
        ("实习单位让我们加班不给钱", "career"),
        ("简历怎么写比较好", "career"),
        ("宿舍楼下经常有人向学生推销贷款 还留电话 感觉是诈骗", "safety"),
        ("我的电动车被偷了", "safety"),
        ("有个男的一直跟着我 很害怕", "safety"),
        ("宿舍楼的灭火器过期了", "safety"),
        ("宿舍有人在楼道里抽烟", "safety"),
        ("学校能不能多办点音乐会 丰富一下课余生活", "other"),
        ("入团申请书交给谁", "other"),
        ("入党积极分子的材料交给谁", "other"),
    ],
)
def test_categories(run: Run, text: str, category: str) -> None:
    parsed = run(text, sender=STUDENT)
    assert (parsed.intent, parsed.category, parsed.crisis) == ("concern", category, False)


@pytest.mark.parametrize(
    "text",
    [
        "匿名反映 宿舍楼有人养猫 半夜一直叫 影响休息",
        "别公开我的身份啊 实习的公司一直拖欠工资",
        "这事别让人知道是我说的 最近宿舍区有人偷电动车电瓶",
        "别说是我说的 辅导员经常不在",
        "不要透露我的名字 食堂卫生太差了",
        "请保密 宿舍有人用大功率电器",
        "别让辅导员知道是我反映的 寝室有人夜不归宿",
        "悄悄跟您说 我们班有人考试作弊",
        "不要把我的名字说出去 食堂阿姨态度很差",
        "我不想署名 宿舍楼的门禁坏了",
    ],
)
def test_anonymity(run: Run, text: str) -> None:
    parsed = run(text, sender=STUDENT)
    assert (parsed.intent, parsed.anonymous) == ("concern", True)


def test_not_anonymous_by_default(run: Run) -> None:
    assert run("食堂的饭越来越贵了", sender=STUDENT).anonymous is False


@pytest.mark.parametrize(
    "text",
    [
        "辅导员工作量太大了，希望学校能考虑增加编制",
        "职称评审对辅导员不太友好 能不能单列",
        "上课的多媒体设备经常坏",
        "计科2101有个学生三天没回宿舍 联系不上",
    ],
)
def test_counselors_and_teachers_raise_concerns(run: Run, text: str) -> None:
    assert run(text, sender="wangli01").intent == "concern"


def test_a_leader_passing_on_a_request_raises_a_concern(run: Run) -> None:
    assert run("学生反映宿舍热水不稳定，请后勤处尽快处理").intent == "concern"
    assert run("建议学校多开几场就业讲座").intent == "concern"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("楼顶有个学生站在边上 劝不下来", "mental"),
        ("实验室着火了 有人被困", "safety"),
        ("有人在宿舍打架 拿着刀", "safety"),
        ("隔壁宿舍有人拿着刀说要砍人", "safety"),
        ("室友煤气中毒了 快来人", "safety"),
        ("室友吞了一大把药 叫不醒 嘴边有白沫", "mental"),  # an overdose is self-harm even as an emergency
    ],
)
def test_danger_to_life_now_is_crisis(run: Run, text: str, category: str) -> None:
    parsed = run(text, sender=STUDENT)
    assert (parsed.crisis, parsed.risk, parsed.category) == (True, "crisis", category)
