"""Families found on a third batch of concerns written apart from the corpus (probe-2027-07): each family is read
from its cause, with cases on both sides of the line, none of them copied from the corpus or the probe.

- frames that are no frame: a cadre naming their role (我是心理委员), a time of class (上课的时候), the writer
  exposed online (开盒, 帖子被转到群里), and a cover story the writer disowns (说是烧烤用的 其实不是);
- means named obliquely: a blister or bottle swallowed unnamed, pills gathered shop by shop, a blade or rope
  hidden away, lying down on the tracks, on the way to a rooftop or a river, how to do it asked after a suicide
  word or as "which way won't hurt";
- passive wishes: sleeping forever, quitting the game of life;
- a crime's name (故意杀人罪) is law, not a threat;
- a cut made again and told by its depth (又割开了 这次特别深) is self-harm now;
- watch: a mood named low (情绪低落), blaming oneself (觉得自己好没用), a racing heart (心里很慌), not wanting to go
  back to one's room or class; a server's shaking hand (阿姨手抖) is a canteen meme, no one's distress;
- category: family violence and debt collectors are safety, a student loan is other, group counselling and being singled
  out (针对我) are mental;
- anonymity given up (算了 还是实名吧) is no request.
"""

from __future__ import annotations

import pytest

from bot.parse import assess
from bot.parse.assess import crisis_category
from bot.parse.concerns import is_anonymous
from bot.parse.crisis import crisis_signals
from bot.parse.text import normalise


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("我是心理委员 室友说今晚想从宿舍楼跳下去", "plan"),
        ("上课的时候一直在想怎么死才不痛", "wish"),
        ("我的聊天记录被人发到网上 帖子下面全在骂我 我真的不想活了", "wish"),
        ("被人肉了 评论区都是我的照片 活着没意思", "passive"),
        ("买了一盒刀片 跟室友说是做模型的道具 其实不是", "plan"),
        ("骗室友说是烧烤用的 其实我是想烧炭", "plan"),
        ("刚吞了一整瓶 现在好困", "self_harm"),
        ("跑了四五家药店 每家只能买一盒 现在凑齐了", "plan"),
        ("绳子藏在衣柜里了 谁都不知道", "plan"),
        ("每天晚上都去学校后面的铁轨 想着哪天就躺下去", "plan"),
        ("室友说她在去天台的路上了 让我们别找她", "plan"),
        ("自杀的话用什么方法比较快", "plan"),
        ("查了好久哪种方式不会疼", "plan"),
        ("好想永远睡过去 什么都不用管", "passive"),
        ("人生这局游戏我不玩了", "passive"),
        ("活着这场我玩不下去了", "passive"),
        ("手腕又割开了 这次特别深", "self_harm"),
    ],
)
def test_the_rules_alone_read_each_new_signal_by_its_family(text: str, family: str) -> None:
    held = crisis_signals(normalise(text))
    assert family in {signal.family for signal in held}, held
    assert crisis_category(held, None) == "mental"


@pytest.mark.parametrize(
    "text",
    [
        "心理委员培训讲了怎么识别想自杀的同学 能再发一次课件吗",
        "微博上有个博主说想自杀 评论区都在劝 好难过",
        "社团烧烤买了两袋木炭 能报销吗",
        "跑了几家药店都没买到退烧药 校医院还有吗",
        "毕业照想去铁轨那边拍 安全吗",
        "这个手游我不玩了 太氪金",
        "生命科学竞赛我退出了 能把报名费退回来吗",
        "法考复习 故意杀人罪和过失致人死亡怎么区分",
        "刑法作业要分析一个杀人罪的判例 有参考书吗",
    ],
)
def test_look_alikes_page_no_one(text: str) -> None:
    assert assess(text).risk != "crisis"


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("这学期情绪一直特别低落 不知道该找谁", "watch"),
        ("总觉得自己特别没用 什么都做不好", "watch"),
        ("一到晚上心里就一直慌", "watch"),
        ("宿舍几个人拉了小群不带我 现在都不想回寝室了", "watch"),
        ("食堂师傅手抖得厉害 能不能多打点菜", "none"),
        ("心里有点慌张 明天面试穿什么好", "none"),
    ],
)
def test_a_low_mood_self_blame_or_avoidance_is_watched_and_a_meme_is_not(text: str, risk: str) -> None:
    assert assess(text).risk == risk


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("我爸又家暴了 不敢回家 学校能帮忙吗", "safety"),
        ("网贷催收天天打电话到宿舍 怎么处理", "safety"),
        ("想了解一下助学贷款怎么续贷", "other"),
        ("班上想办一次团体辅导 需要怎么申请", "mental"),
        ("导师开组会总是针对我 有没有办法", "mental"),
    ],
)
def test_category_words(text: str, category: str) -> None:
    found = assess(text)
    assert (found.risk, found.category) == ("none", category)


@pytest.mark.parametrize(
    ("text", "anonymous"),
    [
        ("本来想匿名 还是实名吧 宿舍楼热水又没了", False),
        ("匿名也行 实名也可以 就是澡堂太挤", False),
        ("还是不要实名了 怕被报复", True),
        ("帮我匿名 宿舍有人天天夜不归宿", True),
    ],
)
def test_anonymity_given_up_is_no_request(text: str, anonymous: bool) -> None:
    assert is_anonymous(text) is anonymous
