"""Crisis families found on messages written apart from the project (issue 12, second round): each family
is read from its cause, with cases on both sides of the line.

- someone in the water, strangled or beaten now, reported by a bystander: crisis, category safety;
- euphemisms of self-harm said of now or of what the writer fears (做傻事, 想不开, 走极端): crisis;
- a bare 真想死 beside the writer's own next step (下次一定好好复习): watch, not a page;
- a minor accident already treated (切到手 贴了创可贴): neither;
- death words quoted from strangers online, or acted out in a first-aid class: not a crisis.
The messages are written here, apart from the corpus the model is trained on.
"""

from __future__ import annotations

import pytest

from bot.parse import assess


@pytest.mark.parametrize(
    "text",
    [
        "有个同学滑进了学校的河里 在水里扑腾",
        "快来 泳池深水区有人沉下去了",
        "湖里有人在挣扎 喊不出声",
        "走廊上有人掐着室友的脖子不松手",
        "有人拿酒瓶往我朋友头上砸",
        "他们把那个男生按在地上打 已经不动了",
        "体育课上有同学倒在跑道上 一动不动",  # a class in session is no drill
    ],
)
def test_danger_to_someone_else_now_is_a_safety_crisis(text: str) -> None:
    found = assess(text)
    assert (found.risk, found.category) == ("crisis", "safety")
    assert set(found.signals) - {"model"}, "a rule names the danger"


@pytest.mark.parametrize(
    "text",
    [
        "我怕我这两天会做出傻事",
        "今晚我可能真的会想不开",
        "脑子里一直是走极端的念头",
        "室友哭着说要去寻短见",
    ],
)
def test_euphemisms_of_self_harm_said_of_now_are_crises(text: str) -> None:
    found = assess(text)
    assert (found.risk, found.category) == ("crisis", "mental")


@pytest.mark.parametrize(
    "text",
    [
        "以前做过不少傻事 现在想想挺好笑 想问学生会怎么报名",
        "他做事容易走极端 小组合作很难 能换组吗",
        "万一有人掉进人工湖怎么办 能不能加个护栏",
        "他磨牙太吵了 真想掐死他 能调个寝室吗",
    ],
)
def test_the_same_words_in_the_past_in_fear_or_in_jest_are_not(text: str) -> None:
    assert assess(text).crisis is False


@pytest.mark.parametrize(
    "text",
    [
        "期中又挂了 真想死 下次一定好好复习 补考在哪报名",
        "稿子被退回来第三次了 好想死 明天继续改吧",
    ],
)
def test_hyperbole_with_the_writers_own_next_step_is_watch(text: str) -> None:
    found = assess(text)
    assert (found.risk, found.crisis) == ("watch", False)
    assert found.signals == ("wish:self:muted",)


@pytest.mark.parametrize(
    "text",
    [
        "真想死 不想再努力了",
        "其实我一直想死 宿舍空调也坏了",
        "真想死 下次不会再麻烦你们了",
    ],
)
def test_a_wish_to_die_without_a_way_forward_stays_a_crisis(text: str) -> None:
    assert assess(text).crisis is True


@pytest.mark.parametrize(
    "text",
    [
        "切菜切到手了 已经贴了创可贴 校医院周日开门吗",
        "被门框磕破了额头 已经消毒了 要不要去缝针",
        "倒开水烫到手指 冲了凉水 宿舍有烫伤膏吗",
    ],
)
def test_a_minor_accident_already_treated_is_no_risk(text: str) -> None:
    assert assess(text).risk == "none"


def test_self_harm_treated_is_still_a_crisis() -> None:
    assert assess("我又拿小刀划了自己 已经包扎了").crisis is True


@pytest.mark.parametrize(
    "text",
    [
        "刷微博看到网友说想跳楼 评论区都在劝 看着难受",
        "急救课上老师演示了溺水急救 哪里能报名红十字证书",
    ],
)
def test_death_words_quoted_or_acted_out_are_not_crises(text: str) -> None:
    assert assess(text).crisis is False


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("你们读到这段话的时候 我估计已经不在了", "mental"),  # gone by the time it is read
        ("舍友说要从图书馆顶楼跳下去 已经上去了", "mental"),  # a named building
        ("我男朋友刚才翻到窗台外面坐着了", "mental"),
        ("宿舍卫生间有个女生晕过去了 喊她没反应", "safety"),  # fainted now
        ("如果我突然消失了 应该没人会发现吧", "mental"),
    ],
)
def test_crises_said_in_other_words_are_named_by_a_rule(text: str, category: str) -> None:
    found = assess(text)
    assert (found.risk, found.category) == ("crisis", category)
    assert set(found.signals) - {"model"}, "a rule names the danger"


@pytest.mark.parametrize(
    "text",
    [
        "四年前想过自杀 现在已经完全走出来了 就是偶尔还会做噩梦",  # N years ago, completely over
        "初中时伤害过自己 已经三年多没有再犯了",
        "心情很差 但没有任何伤害自己的念头 想找人聊聊",  # denial in other words
    ],
)
def test_past_and_denied_in_other_words_are_watch(text: str) -> None:
    found = assess(text)
    assert (found.risk, found.crisis) == ("watch", False)


@pytest.mark.parametrize(
    "text",
    [
        "等你看到的时候我应该已经下车了 行李放在宿管那",
        "今晚想上天台拍月亮 门开着吗",
        "早上没吃饭差点晕过去了 食堂能早点开吗",
    ],
)
def test_their_look_alikes_are_not_crises(text: str) -> None:
    assert assess(text).crisis is False


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("实验室的硝酸瓶没有盖子 放在地上", "safety"),
        ("三支一扶和西部计划哪个更适合我", "career"),
        ("学院能不能办一期危机干预的培训", "mental"),
    ],
)
def test_category_words_for_chemicals_service_schemes_and_prevention(text: str, category: str) -> None:
    assert assess(text).category == category


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        ("我一口气吃了20颗药", True),  # digits count (they never did: the class was written \\d in a raw string)
        ("攒了三十多片安眠药", True),
        ("她说要从6楼跳下去", True),
        ("医生让我每天吃两颗药 能请假去复诊吗", False),  # a prescribed dose is no plan
        ("吃了两片药还是头疼 校医院几点开门", False),
    ],
)
def test_counted_pills_mean_a_plan_only_in_a_handful(text: str, crisis: bool) -> None:
    assert assess(text).crisis is crisis


@pytest.mark.parametrize(
    "text",
    [
        "前天用皮带在床架上试过一次，没成",
        "刀片试过了，就是下不去手，明天再试",
        "昨天的药没吃够，没死成",
        "这次从三楼没摔死，下次换个更高的",
    ],
)
def test_an_attempt_told_without_the_word_is_a_crisis(text: str) -> None:
    assert assess(text).risk == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "试了一下番茄钟，差一点就成功坚持了一整天",
        "跳高试了好几次 差点就成功过杆",
        "实验室的烘箱冒过一次烟 想申请换一台",
        "宿舍的吹风机打过火花 能不能统一换新的",
    ],
)
def test_a_near_success_or_a_one_off_fault_is_no_crisis(text: str) -> None:
    assert assess(text).risk != "crisis"
