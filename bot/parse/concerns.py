"""Concerns raised in chat: the category keywords (rules kept where they are sure), and whether to keep the sender's name out.

Example message: "这事别让人知道是我说的 最近宿舍区有人偷电动车电瓶" -> safety keywords, anonymous.
Crisis is read elsewhere (bot/parse/crisis.py, bot/parse/assess.py); the category they decide together.
"""

from __future__ import annotations

import re

# Anonymity is read as negation x reveal x the sender's identity, found in either order (不方便留名, 名字就别写了,
# 别把我供出来, 请不要把我的名字告诉班主任), or a concealing word said for the sender (匿名, 帮我保密身份).
# Someone else's secrecy (室友让我替她保密), whether counselling is confidential, and 不用匿名 are not requests.
_NEG = r"(?:不(?:想|愿意?|希望|方便|便|要|用|必|能)?(?!会|知|懂|小心)|别|勿|莫|千万别|免得|以免)"
_GAP = r"[^,。!?\s]{0,6}"
_ID_NOUN = r"(?:我的?)?(?:名字|姓名|真名|身份|个人信息|信息)"
_REVEAL = r"(?:透露|公开|暴露|泄露|曝光|写|留|署|记|报|提|带上|供|说出|传出|点|告诉)"
_EXPOSE_ME = r"(?:暴露|曝光|供|出卖)(?:出来|出去)?我(?![的们])"  # 别暴露我, 别供出我: done to the sender
_WHO = r"(?:是我|是谁)"  # "it was me": said, told or known
_TELL = r"(?:说|讲|告诉|透露|让\S{0,6}知道|被\S{0,4}知道)"
_NAMED = r"(?:实名|具名|署名|署真名|留名|留姓名|留下(?:我的)?(?:名字|姓名)|被\S{0,4}认出)"
_CONCEAL = r"(?:保密|隐去|隐藏|隐瞒)"
_ANONYMOUS = re.compile(
    "|".join((
        rf"{_NEG}{_GAP}{_REVEAL}{_GAP}{_ID_NOUN}|{_NEG}{_GAP}{_EXPOSE_ME}",  # 不要写我名字, 不要透露我的信息, 别暴露我
        rf"{_NEG}(?:把|将){_GAP}(?:{_ID_NOUN}|我){_GAP}(?:{_REVEAL}|给|交给|发给)",  # 别把我供出来, 不要把我的名字告诉班主任
        rf"{_ID_NOUN}{_GAP}{_NEG}{_GAP}{_REVEAL}",  # 名字就别写了, 身份不要公开
        rf"{_NEG}{_GAP}{_TELL}{_GAP}{_WHO}",  # 别说是我说的, 不想被人知道是谁反映的
        rf"{_NEG}{_GAP}{_NAMED}",  # 不方便留名, 我不想实名, 不希望被认出来
        rf"(?:替|帮|为|给|对)我{_GAP}{_CONCEAL}|(?:请|麻烦|务必|一定要?|希望)\S{{0,2}}{_CONCEAL}|{_CONCEAL}{_GAP}{_ID_NOUN}|{_ID_NOUN}{_GAP}{_CONCEAL}",  # 帮我保密身份
        r"(?:别|不要|不想|不能|千万别)让\S{0,6}知道|不想被\S{0,4}知道|怕被(?:报复|穿小鞋|针对|知道|发现)",
        r"私下\S{0,3}(?:反映|说)|偷偷反映|悄悄\S{0,3}(?:说|反映|问)|别提我|别点名|不要点名",
    ))
)
# A question's "A not A" (能不能, 是不是, 可不可以) negates nothing: 能不能不具名 is read as 不具名.
_A_NOT_A = re.compile(r"(.)不\1")
_ANONYMOUS_WORD = re.compile(r"(?<!不用)(?<!不需要)(?<!不必)(?<!无需)(?<!没必要)匿名(?!投票|评教|测评|打分|问卷|调查|评价)")
# Anonymity given up (本来想匿名 算了实名吧, 还是实名吧): the last word on it stands.
_NAMED_AFTER_ALL = re.compile(r"(?:算了|还是|那就)(?:我)?实名|(?<![不别要想])实名(?:吧|就行|也行|也可以|没关系)")
# A clause whose subject is someone else (朋友在树洞匿名发帖): their anonymity, not the sender's.
_SOMEONE_ELSE = re.compile(r"^(?:我的?|有(?:个|位)?)?(?:朋友|室友|舍友|同学|有人|别人|人|他|她)")
_CLAUSES = re.compile(r"[,。!?;\s]+")


# (category, weight, keywords); each distinct keyword counts once.
_CATEGORY_WORDS: tuple[tuple[str, float, str], ...] = (
    (
        "safety",
        2.5,
        r"安全|盗窃|被盗|失窃|小偷|(?<!偷)偷(?!偷)|诈骗|骗子|被骗|骗|骚扰|跟踪|偷拍|猥亵|消防|火灾|着火|起火|冒烟|受伤|打架|斗殴"
        r"|打人|被打|挨打|家暴|暴力|威胁|陌生人|可疑|监控|校园贷|网贷|催收|(?<!助学)贷款|传销|危险|漏电|电线|摔倒|摔伤|砸|车祸|被撞|撞伤|隐患"
        r"|辱骂|骂我|造谣|隐私|照片发|人肉|网暴|抢劫|勒索|醉酒|滑倒|结冰|塌|翻墙|防盗|门锁坏|外来人员|跟着我|尾随|灭火器|消防栓|安全出口|逃生|失联|联系不上|夜不归宿"
        r"|没回宿舍|打群架|刀|陌生(?:男|女)|徘徊|有人跟(?:着|踪|了)|跟了我|困人|鼓包|自燃|爆炸|(?:怕|担心)[^,。!?]{0,8}(?:炸|着火|起火|爆)|(?:随便|随意|直接)进(?:出)?(?:宿舍|寝室|楼)|(?:个人)?信息(?:被)?(?:泄露|暴露|外泄)|烟头|明火|违章电器|大功率|抽烟|吸烟"
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
        r"|自习|缓考|四六级|四级|六级|保研|转专业|辅修|双学位|课表|排课|期末|期中|复习|讲课|教学|考试周|刷题|答辩"
        r"|导师|课题|考证|教务|学籍|不及格|考场|网课|高数|专业课|老师讲|听不懂|学不会|早八|早课|晚课|体测|作弊|代考|替考|代签|代点名|休学|退学",
    ),
    ("study", 1.0, r"学习|上课|课(?!余|外活动)|教室|实验|老师|分数|英语|数学"),
    (
        "life",
        2.0,
        r"食堂|饭菜|伙食|热水|空调|暖气|供暖|网络|校园网|wifi|网速|断网|网费|停电|断电|停水|没水|没电|快递|后勤|澡堂|浴室|洗澡"
        r"|报修|维修|修理|坏了|漏水|卫生间|厕所|洗衣机|饮水机|开水|蚊子|老鼠|蟑螂|噪音|养猫|养狗|宠物|门禁|熄灯|校车|班车"
        r"|超市|水电|电费|外卖|校园卡|一卡通|打印|停车|路灯|垃圾|异味|发霉|施工|衣柜|插座|电梯|晾衣|遥控器|滴水"
        r"|补助|贫困|生活费|医务室|校医院|看病|医保|开药|配药|处方|药房|药店|副作用|感冒药|退烧药|消炎药|布洛芬|安眠药|抗抑郁(?:的)?药|舍曲林|褪黑素|一起吃|保管|存放|收着|吵(?!架)|贵|收费|价格|太冷|太热|充电|卡顿",
    ),
    ("life", 1.0, r"饭|菜|床|卡|灯"),
    ("life", 0.5, r"宿舍|寝室|公寓|生活"),
    ("life", 3.0, r"(?:换|调|搬)(?:到|去|个|一个)?(?:别的|其他|其它|另一个|另外的?|新的?)?(?:宿舍|寝室|房间|床位)"),  # a room change
    (
        "mental",
        3.0,
        r"排挤|孤立|霸凌|欺负|针对我|被[^,。!?]{0,4}针对|冷暴力|吵架|矛盾|当众骂|压抑|关系(?:很|特别|比较|非常)?(?:不好|紧张|差|僵)|处不来|合不来|人际",
    ),
    (
        "mental",
        1.5,
        r"心理|情绪|压力|失眠|睡不着|焦虑|抑郁|孤独|想家|崩溃|难受|痛苦|绝望|哭|emo|自卑|迷茫|烦躁|心慌|心累|倾诉|找人聊"
        r"|聊聊|不开心|心情|低落|团体辅导|团辅|没人在乎|没有人在乎|透明人|被忽视|恐慌|害怕|咨询师|想不通|没动力|自闭|社恐|自杀预防|预防自杀|防自杀|防轻生|珍爱生命|危机干预|生命教育",
    ),
    (
        "other",
        1.0,
        r"入团|入党|团员|党员|音乐会|文艺|评优|档案|户口|学生证|证明|盖章|请假|放假|离校|课余|社团|活动|比赛",
    ),
    (
        "other",
        2.0,
        r"奖学金|助学金|助学贷款|评优|学生会|丧假|军训|献血|志愿时长|班费|换届|评奖|流浪猫|流浪狗|流浪动物|问卷|校刊|电影|影片|片子|观影|放映|纪录片",
    ),
)
_CATEGORY_RES = tuple((category, weight, re.compile(words)) for category, weight, words in _CATEGORY_WORDS)
# The clause that asks for something names what is to be fixed; its words count this many times over the
# context around it (跟室友闹矛盾有点抑郁 + 想申请换宿舍 -> life).
REQUEST_WEIGHT = 2.0
_REQUEST = re.compile(r"想申请|申请|能不能|能否|可不可以|可以|希望|请问|麻烦|怎么办|怎么|如何|流程|手续|找谁|需要什么|帮我|建议|有没有|吗$")
_PRIORITY = ("safety", "career", "study", "life", "mental", "other")


def is_anonymous(text: str) -> bool:
    """Tell whether the sender asks not to be identified."""
    if _NAMED_AFTER_ALL.search(text):
        return False
    if _ANONYMOUS.search(_A_NOT_A.sub("", text)):
        return True
    return any(
        _ANONYMOUS_WORD.search(clause) and not _theirs(clause)
        for clause in _CLAUSES.split(text)
        if "匿名" in clause
    )


def _theirs(clause: str) -> bool:
    """Tell whether 匿名 in a clause is someone else's (朋友在树洞匿名发帖, 有人匿名骂我): its subject is another
    person and the sender is not named before it."""
    other = _SOMEONE_ELSE.match(clause)
    return other is not None and "我" not in clause[other.end() : clause.index("匿名")]


def asks(text: str) -> bool:
    """Tell whether any clause of a normalised message asks for something (能不能, 希望, 请问, …吗)."""
    return any(_REQUEST.search(clause) for clause in _CLAUSES.split(text) if clause)


def category_scores(text: str) -> dict[str, float]:
    """Score each concern category by the distinct keywords a normalised message holds."""
    scores: dict[str, float] = {}
    for category, weight, pattern in _CATEGORY_RES:
        hits = set(pattern.findall(text))
        if hits:
            scores[category] = scores.get(category, 0.0) + weight * len(hits)
    return scores


def request_scores(text: str) -> dict[str, float]:
    """Score each category as category_scores does, a keyword in a clause that asks for something counting
    REQUEST_WEIGHT times (a keyword in several clauses counts at its heaviest)."""
    clauses = [(clause, REQUEST_WEIGHT if _REQUEST.search(clause) else 1.0) for clause in _CLAUSES.split(text) if clause]
    scores: dict[str, float] = {}
    for category, weight, pattern in _CATEGORY_RES:
        hits: dict[str, float] = {}
        for clause, boost in clauses:
            for word in pattern.findall(clause):
                hits[word] = max(hits.get(word, 0.0), boost)
        if hits:
            scores[category] = scores.get(category, 0.0) + weight * sum(hits.values())
    return scores
