"""Families found on a second batch of concerns written apart from the corpus (probe-2027-06): each family is read
from its cause, with cases on both sides of the line, none of them copied from the corpus or the probe.

- crisis signals: a burden lifted by one's death said after it (我不在了…大家都省心), being taken away, pills laid
  out and counted, a rope hung, someone who has jumped, where to jump from, a last message, a calm that came,
  thanks passed on with "no more", not living until a day named, acid threatened, a lift stuck with people in it,
  wounds called 口子, pills already swallowed;
- disguises: the homophone typos 字杀/紫杀/跳搂 and 想鼠, 🩸, "can't do this anymore";
- modifiers: a task that "kills" the writer is hyperbole; a friend doing well now is resolved; a question about
  taking or keeping a medicine safely quiets the model (never an amount beyond a dose); asking what a retake
  needs is a way forward;
- the category of a crisis only the model heard is read from the model's own heads (mental or safety), and
  distress naming nothing to fix is mental;
- anonymity: someone else acting anonymously on the sender, and a procedure everyone does anonymously, are not
  requests.
"""

from __future__ import annotations

import pytest

from bot.parse import assess
from bot.parse.assess import Assessment, concern_category, danger_category
from bot.parse.concerns import is_anonymous
from bot.parse.crisis import quiets_model
from bot.parse.text import normalise


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("我不在了以后他们应该都能省心了", "passive"),
        ("要是我死了 家里就轻松很多", "passive"),
        ("希望老天快点把我带走", "passive"),
        ("我是不是不在了对大家都更好", "passive"),
        ("好想去陪我爷爷 他在天上一定很孤单", "passive"),
        ("一直在想怎样才能彻底消失", "passive"),
        ("少了我 宿舍里大家应该都清净", "passive"),
        ("走路的时候总盼着楼上掉个花盆下来砸中我", "passive"),
        ("反正下个月我也就不在了", "passive"),
        ("要是可以不用再面对明天就好了", "passive"),
        ("请问哪个楼的楼顶没上锁", "plan"),
        ("已经去河边了 你们不用找我", "plan"),
        ("她把窗缝都贴好了 屋里一股炭的味道", "plan"),
        ("她把安眠药一片片摆出来在排 我好害怕", "plan"),
        ("室友一直在数药片 还不让我看", "plan"),
        ("绳子都系好了 在床架上", "plan"),
        ("我们楼有个男生刚刚跳下去了", "plan"),
        ("在查那栋楼跳下去会不会很疼", "plan"),
        ("这是我最后一次发留言了", "farewell"),
        ("人间不值得 就这样吧 大家再见", "farewell"),
        ("写完这些 心里终于很平静", "farewell"),
        ("以后不会再来上课了 替我跟班主任说声对不起", "farewell"),
        ("我的平板和耳机都留给室友了", "farewell"),
        ("我家狗以后我没办法再陪它了", "farewell"),
        ("这应该是我最后一次在这里发言了", "farewell"),
        ("估计我也活不过这个学期了", "hopeless"),
        ("我应该活不到毕业那天", "hopeless"),
        ("感觉撑不到下周了 天天在想怎么结束这一切", "hopeless"),
        ("手臂上又多了几个口子", "self_harm"),
        ("安眠药已经都吞下去了", "self_harm"),
        ("刚才一口气吃了三十颗感冒胶囊", "self_harm"),
    ],
)
def test_each_new_signal_is_read_by_its_family(text: str, family: str) -> None:
    found = assess(text)
    assert (found.risk, found.category) == ("crisis", "mental")
    assert any(signal.startswith(f"{family}:") for signal in found.signals), found.signals


@pytest.mark.parametrize(
    "text",
    [
        "他说要往我脸上泼硫酸",
        "电梯卡在三楼了 里面有两个同学 一直在喊",
        "有个同学被困在电梯里快半小时了",
        "厨房的油锅着了 火苗蹿得比人还高",
    ],
)
def test_threats_and_emergencies_are_a_safety_crisis(text: str) -> None:
    found = assess(text)
    assert (found.risk, found.category) == ("crisis", "safety")


@pytest.mark.parametrize(
    ("disguised", "plain"),
    [
        ("不如字杀算了", "不如自杀算了"),
        ("紫杀的念头", "自杀的念头"),
        ("想跳搂", "想跳楼"),
        ("好想鼠了", "好想死了"),
        ("can't take it anymore", "撑不下去了"),
        ("🩸", "血"),
        ("wo xiang tiao lou", "wo xiang 跳楼"),
        ("just go die", "just 去死"),
        ("i wanna kill myself", "i 想自杀"),
    ],
)
def test_homophone_typos_and_symbols_read_as_the_word(disguised: str, plain: str) -> None:
    assert normalise(disguised) == plain


@pytest.mark.parametrize(
    "text",
    [
        "宿舍有老鼠 能不能放点药",
        "我想买个鼠标 校园网能买吗",
        "这个选项怎么不存在",
        "这学期就要结束了 期末考试在哪看",
        "寒假不打算回来了 宿舍要登记吗",
        "有人从单杠上跳下来 把脚崴了 已经冰敷了",
        "那栋楼的电梯又坏了",
        "关键字杀毒软件扫不出来",
        "毕业了 书和台灯都送给学妹了 退宿手续怎么办",
        "维生素一天吃十几颗会不会有事",
        "周末去湖边野餐 别找我哈",
        "撑不过这个学期了 线代太难 能不能开辅导班",
        # a task that "kills" the writer is hyperbole
        "我快被这门高数杀死了 什么时候有答疑",
        "要被论文杀死了 能不能延期一周",
        "这周要被早八杀死了哈哈",
    ],
)
def test_harmless_senses_and_hyperbole_page_no_one(text: str) -> None:
    assert assess(text).risk != "crisis"


def test_a_person_threatening_to_kill_is_still_a_crisis() -> None:
    assert assess("他说要杀了我 已经在楼下了").crisis


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("毕业了 东西都送给学弟了", "watch"),  # muted, never silent
        ("毕业前东西都送给学弟了 遗书也写好了", "crisis"),  # another farewell still holds
        ("实验室的酒精灯烧起来了 已经扑灭了", "watch"),
    ],
)
def test_an_ordinary_reason_or_a_fire_put_out_mutes_to_watch(text: str, risk: str) -> None:
    assert assess(text).risk == risk


@pytest.mark.parametrize(
    "text",
    [
        "舍友在吃氟西汀 能不能和感冒药一起吃",
        "褪黑素放在宿舍怎么保管比较合适",
        "医生开的药一次两片 我漏吃了一次会不会有影响",
    ],
)
def test_a_question_about_taking_a_medicine_safely_quiets_the_model(text: str) -> None:
    t = normalise(text)
    assert quiets_model(t)
    assert not assess(text).crisis


@pytest.mark.parametrize(
    "text",
    ["吃了二十片安眠药会不会有事", "把一整瓶药都吃了 会不会有问题", "药吃了好多 会不会有事"],
)
def test_an_amount_beyond_a_dose_is_never_quieted(text: str) -> None:
    assert not quiets_model(normalise(text))
    assert assess(text).crisis


@pytest.mark.parametrize(
    "text",
    [
        "朋友以前说过想死 现在她每天都很开心 我还要注意什么",
        "室友之前有过轻生的念头 目前状态比较稳定的",
    ],
)
def test_someone_doing_well_now_is_not_a_crisis(text: str) -> None:
    assert assess(text).risk == "watch"


def test_asking_what_a_retake_needs_is_a_way_forward() -> None:
    found = assess("物理挂了 好想死 求补考的范围")
    assert (found.risk, found.category) == ("watch", "study")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("我在网上买了把刀 等这周过完就结束吧", "mental"),
        ("楼道里全是烟 有人还在房间里没出来", "safety"),
    ],
)
def test_a_crisis_is_mental_or_safety_by_whose_life_is_in_danger(text: str, category: str) -> None:
    found = assess(text)
    assert (found.risk, found.category) == ("crisis", category)


def test_danger_category_reads_only_the_model() -> None:
    t = normalise("宿舍电梯卡住了 里面的人快没气了")
    assert danger_category(t) in {"mental", "safety"}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("每天夜里都躲在被窝里哭", "mental"),
        ("真的不想再上课了 好难受", "mental"),
        ("好难受好难受 什么时候能熬到头", "mental"),
        ("这学期对什么都提不起兴趣 每天起床都很难", "mental"),
        ("心里空落落的 晚上睡不着 白天吃不下", "mental"),
        ("看不到一点希望 每天都一样", "mental"),
        ("这几天什么都不想干 一直躺着", "mental"),
        ("每天都在哭 请尽快修一下宿舍的热水器", "life"),
    ],
)
def test_distress_naming_nothing_to_fix_is_mental(text: str, category: str) -> None:
    found = assess(text)
    assert found.risk == "watch"
    assert found.category == category
    assert concern_category(normalise(text), Assessment("watch", None, (), 0.0)) == category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("快递柜被撬了 我的东西被偷了 怕还有人来", "safety"),
        ("移动电源一直发烫鼓包 担心晚上自燃", "safety"),
        ("下晚自习有个男的跟了我一路", "safety"),
        ("学校能不能多搞点防自杀的宣传", "mental"),
        ("我在吃抗抑郁的药 能去校医院配吗", "life"),
        ("抗抑郁的药怎么保管比较好", "life"),
        ("有同学替考 被我看见了", "study"),
    ],
)
def test_what_is_to_be_fixed_decides_the_category(text: str, category: str) -> None:
    assert assess(text).category == category


@pytest.mark.parametrize(
    "text",
    [
        "有人在群里匿名造谣我",
        "有个人匿名给我寄了东西 有点害怕",
        "期末的匿名评教什么时候截止",
        "匿名问卷的链接打不开",
    ],
)
def test_someone_elses_or_everyones_anonymity_is_not_a_request(text: str) -> None:
    assert not is_anonymous(normalise(text))


@pytest.mark.parametrize(
    "text",
    ["我想匿名投诉 宿管总是乱收费", "有人骂我 我想匿名反映一下", "我室友和我都想匿名 楼道太吵"],
)
def test_the_senders_own_anonymity_still_counts(text: str) -> None:
    assert is_anonymous(normalise(text))
