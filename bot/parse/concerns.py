"""Concerns raised in chat: the category keywords (rules kept where they are sure), and whether to keep the sender's name out.

Example message: "这事别让人知道是我说的 最近宿舍区有人偷电动车电瓶" -> safety keywords, anonymous.
Crisis is read elsewhere (bot/parse/crisis.py, bot/parse/assess.py); the category they decide together.
"""

from __future__ import annotations

import re

_ANONYMOUS = re.compile(
    r"匿名|不具名|不署名|不留名|保密|别(?:说|讲|告诉\S{0,6})是我|不要(?:说|讲|告诉\S{0,6})是我|不要透露|别透露|不透露|勿透露"
    r"|(?:别|不要|不|勿|不想)(?:公开|暴露)(?:一下)?(?:我|身份|名字|姓名|个人信息)|别暴露|不要暴露|不想暴露|(?:别|不要|不想|不能|千万别)让\S{0,6}知道|隐去|隐藏(?:我的)?(?:身份|名字|姓名)"
    r"|别提我|不要提我|别写我|不要写我|别点名|不要点名|私下\S{0,3}(?:反映|说)|偷偷反映|悄悄\S{0,3}(?:说|反映|问)|(?:名字|姓名|身份)\S{0,4}(?:说出去|传出去|透露出去)|不想被\S{0,4}知道|怕被(?:报复|穿小鞋|针对|知道|发现)"
    r"|不要留?我的?(?:名字|姓名)|别留?我的?(?:名字|姓名)|不想(?:留|写|署)名"
)

# (category, weight, keywords); each distinct keyword counts once.
_CATEGORY_WORDS: tuple[tuple[str, float, str], ...] = (
    (
        "safety",
        2.5,
        r"安全|盗窃|被盗|失窃|小偷|(?<!偷)偷(?!偷)|诈骗|骗子|被骗|骗|骚扰|跟踪|偷拍|猥亵|消防|火灾|着火|起火|冒烟|受伤|打架|斗殴"
        r"|打人|被打|暴力|威胁|陌生人|可疑|监控|校园贷|网贷|贷款|传销|危险|漏电|电线|摔倒|摔伤|砸|车祸|被撞|撞伤|隐患"
        r"|辱骂|骂我|造谣|隐私|照片发|人肉|网暴|抢劫|勒索|醉酒|滑倒|结冰|塌|翻墙|防盗|门锁坏|外来人员|跟着我|尾随|灭火器|消防栓|安全出口|逃生|失联|联系不上|夜不归宿"
        r"|没回宿舍|打群架|刀|烟头|明火|违章电器|大功率|抽烟|吸烟"
        r"|拍照|越界|危化品|剧毒|不上锁|冒领|撞人|撞到|中暑|晕倒|急救|心肺复苏|护栏|溺水|毒气|泄漏|烟雾报警|玻璃划|刷单|冒充|公检法|硫酸|盐酸|硝酸|强酸|强碱|腐蚀|易燃|易爆|废液",
    ),
    ("safety", 3.0, r"不安全|没有安全感|没安全感|怕有人(?:进来|闯进来|偷)"),  # the sender frames it as fear for their safety
    (
        "career",
        2.0,
        r"就业|实习|招聘|考公|考编|公务员|选调|简历|求职|offer|面试|宣讲会|双选会|三方|签约|职业规划|职业发展|创业|岗位|薪资"
        r"|工资|毕业去向|用人单位|秋招|春招|校招|内推|事业编|教资|职称|晋升|进修|评聘|读博|在职|当兵|参军|入伍|征兵"
        r"|支教|西部计划|三支一扶|特岗",
    ),
    ("career", 1.0, r"找工作|工作机会|单位|企业|公司|职业|毕业后"),
    (
        "study",
        2.0,
        r"学业|课程|考试|选课|选修|必修|考研|图书馆|挂科|补考|重修|学分|绩点|gpa|成绩|作业|实验报告|论文|毕设|毕业设计|教材"
        r"|自习|四六级|四级|六级|保研|转专业|辅修|双学位|课表|排课|期末|期中|复习|讲课|教学|考试周|刷题|答辩"
        r"|导师|课题|考证|教务|学籍|不及格|考场|网课|高数|专业课|老师讲|听不懂|学不会|早八|早课|晚课|体测|作弊|休学|退学"
        r"|不想上学",
    ),
    ("study", 1.0, r"学习|上课|课(?!余|外活动)|教室|实验|老师|分数|英语|数学"),
    (
        "life",
        2.0,
        r"食堂|饭菜|伙食|热水|空调|暖气|供暖|网络|校园网|wifi|网速|断网|网费|停电|断电|停水|没水|没电|快递|后勤|澡堂|浴室|洗澡"
        r"|报修|维修|修理|坏了|漏水|卫生间|厕所|洗衣机|饮水机|开水|蚊子|老鼠|蟑螂|噪音|养猫|养狗|宠物|门禁|熄灯|校车|班车"
        r"|超市|水电|电费|外卖|校园卡|一卡通|打印|停车|路灯|垃圾|异味|发霉|施工|衣柜|插座|电梯|晾衣|遥控器|滴水"
        r"|补助|贫困|生活费|医务室|校医院|看病|医保|吵(?!架)|贵|收费|价格|太冷|太热|充电|卡顿",
    ),
    ("life", 1.0, r"饭|菜|床|卡|灯"),
    ("life", 0.5, r"宿舍|寝室|公寓|生活"),
    (
        "mental",
        3.0,
        r"排挤|孤立|霸凌|欺负|冷暴力|吵架|矛盾|当众骂|压抑|关系(?:很|特别|比较|非常)?(?:不好|紧张|差|僵)|处不来|合不来|人际",
    ),
    (
        "mental",
        1.5,
        r"心理|情绪|压力|失眠|睡不着|焦虑|抑郁|孤独|想家|崩溃|难受|痛苦|绝望|哭|emo|自卑|迷茫|烦躁|心慌|心累|倾诉|找人聊"
        r"|聊聊|不开心|心情|低落|恐慌|害怕|咨询师|想不通|没动力|自闭|社恐|自杀预防|预防自杀|危机干预|生命教育",
    ),
    (
        "other",
        1.0,
        r"入团|入党|团员|党员|音乐会|文艺|评优|档案|户口|学生证|证明|盖章|请假|放假|离校|课余|社团|活动|比赛",
    ),
    (
        "other",
        2.0,
        r"奖学金|助学金|评优|学生会|丧假|军训|献血|志愿时长|班费|换届|评奖|流浪猫|流浪狗|流浪动物|问卷|校刊|电影|影片|片子|观影|放映|纪录片",
    ),
)
_CATEGORY_RES = tuple((category, weight, re.compile(words)) for category, weight, words in _CATEGORY_WORDS)
_PRIORITY = ("safety", "career", "study", "life", "mental", "other")


def is_anonymous(text: str) -> bool:
    """Tell whether the sender asks not to be identified."""
    return bool(_ANONYMOUS.search(text))


def category_scores(text: str) -> dict[str, float]:
    """Score each concern category by the distinct keywords a normalised message holds."""
    scores: dict[str, float] = {}
    for category, weight, pattern in _CATEGORY_RES:
        hits = set(pattern.findall(text))
        if hits:
            scores[category] = scores.get(category, 0.0) + weight * len(hits)
    return scores
