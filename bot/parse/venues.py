"""What kind of contact a leader reports, and where: face_to_face/online/ideology_lecture/mentee_*/frontline + venue.

Example message: "昨天下午开了个学生座谈会 十五名学生代表参加" -> face_to_face, talk.
Each clue is found wherever it stands, then the kind is decided from all of them: online wins over venue words;
teaching 思政课/形势与政策 yourself is ideology_lecture, sitting in on a linked teacher's class is mentee_activity;
a linked counselor or teacher who ran the activity makes it mentee_activity, one talked with makes it mentee_talk,
one who only came along leaves the sender's own visit face_to_face; frontline is a student-affairs head's stated
duration. What was talked about (聊竞赛备赛, 问了问食堂伙食, 主题是网络舆论) names no venue and no medium.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.parse.counts import STUDENT_KINDS
from bot.parse.names import Mention
from bot.parse.roles import COMPANION, HOST, PARTNER, staff_roles

_ONLINE_NOISE = re.compile(
    r"加了?[^,.;:!?、。\s]{0,6}微信|微信号|留了?[^,.;:!?、。\s]{0,4}(?:电话|微信|联系方式)|线下"
    # a medium planned and given up, or denied (本来想线上开 后来改成线下, 没用腾讯会议)
    r"|(?:本来|原本|原来|原计划|原定)(?!就)(?:想|要|打算|计划|准备)?[^,.;:!?、。\s]{0,4}|(?:没|不|未)(?:有)?(?:用|走|是|在|通过)?(?:线上|网上|腾讯会议|视频|钉钉)"
    r"|短视频|视频号|(?:剪|拍|做|录)(?:了|个|些)?视频|网络(?!会议|平台|直播|连线|视频|上|交流|答疑|面谈|班会)"
)
_ONLINE = re.compile(
    r"线上|网上|在线|云端|云上|微信|视频|腾讯会议|钉钉|qq|微博|企业微信|企微|飞书|zoom|直播|网络|群里|群聊|语音|电话|远程|公众号"
    r"|私信|邮件|邮箱|短信|留言板|b站|抖音|小红书|连线|网聊|网课|键对键|屏幕|学习通|雨课堂"
)
_IDEOLOGY = re.compile(
    r"(?:思政课|思政理论课|思想政治理论课|思想政治课|思政大课|大思政课|思政第一课|思政选修课|形势与政策|形势政策|形策|思修|毛概|马原|史纲"
    r"|思想道德与法治|习概|中国近现代史纲要|马克思主义基本原理|毛泽东思想和中国特色社会主义理论体系概论"
    # the graduate courses: 新时代中国特色社会主义理论与实践, 自然辩证法概论, 马克思主义与社会科学方法论 ...
    r"|新时代中国特色社会主义理论与实践|自然辩证法|马克思主义与社会科学方法论|科学社会主义|中国马克思主义与当代"
    r"|习近平新时代中国特色社会主义思想概论)(?!教师|老师|教研|骨干|集体备课|备课会)"
)
_ATTEND = re.compile(r"听了|去听|旁听|听课|全程听|听.{0,10}(?:课|讲)|观摩|随堂|后排|后面听|督导|巡课|查课|评课|听讲")
# A teacher named just before the listening verb listened (吴昊老师也来听了), not the sender.
_LISTENER = re.compile(r"\s*(?:老师|辅导员|教授|讲师)?\s*(?:也|都|全程)*(?:来|去|在|到)?了?(?:后面|后排|现场|教室|台下)?")
_TEACH = re.compile(r"给.{0,12}(?:上|讲)|讲授|授课|主讲|讲了|上了|开讲|讲完|上完|讲的|上的|我讲|承担|讲了?[一两几]?(?:次|堂|节)")
_FRONTLINE = re.compile(r"一线|值守|驻点|蹲点|坐班|值班|驻守|蹲守|驻楼")
_TALK_VERB = re.compile(
    r"约谈|面谈|谈心|谈话|谈了|谈|聊|交流|座谈|沟通|指导|帮扶|见面|汇报|碰了|碰头|开了个?小?会|备课|教研|研讨|磨课|说课|讨论|商量|商讨"
)

# Where what was talked about begins: it runs to the end of the clause and names neither a venue nor a course.
_TALK_ZONE = re.compile(
    r"(?:聊|谈(?!心会)|交流(?!会)|沟通|商量|讨论|了解|征求|听取|反映|关于|咨询|汇报|吐槽|问|说(?!明)|提到|提了"
    r"|(?:主题|题目|内容)(?:是|为|:))[了过着起到下一会儿几句聊谈问]*"
)
# Speech that carries a subject (讲了讲实验安全, 分享读书心得): a venue word after it is the subject, not the place.
# A talk given (讲了一次入学教育讲座) names its own venue.
_SPEECH_ZONE = re.compile(
    r"(?:讲(?!座|堂|话|台|课|[了过]?(?:[一两几]?[次场堂期个])?[^,.;:!?、。\s]{0,8}?(?:讲座|报告|党课|团课))|分享(?!会)|介绍)[了过着起到下一会儿讲]*"
)
_CLAUSE_END = re.compile(r"[,.;:!?、。；：！？\s]")

_CLUB_SUFFIX = r"[\u4e00-\u9fff](?<!出版|旅行|合作|杂志|通讯)(?<![报公])社(?![会区交科保工员长团])"
# (venue, pattern), strongest first: a lecture or class meeting names the contact wherever it stands; the place
# of a meal or a dorm visit wins over the group met there (研究生会的同学在餐厅吃饭 is canteen); a club wins over
# its activity (日语协会的配音活动 is club); weak words (班级, 活动) decide only when nothing stronger is said.
_VENUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "lecture",
        re.compile(
            r"讲座|报告会|宣讲|党课|团课|培训|作了?.{0,10}报告|做了?.{0,10}报告|(?<!听)讲了?(?:一|两|几)?(?:次|场|期)[^,.;:!?、。\s]{0,8}报告|形势报告|专题报告|辅导报告|讲堂|论坛|开讲|主讲|分享会|报告厅"
            # giving a one-off lesson (安全教育课, 廉洁教育课) is a talk for students; a 专业课 is a class in session
            r"|(?<!听)讲了?(?:一|两|几)?(?:次|堂|节|场|门)?[^,.;:!?、。\s]{0,6}(?<!专业|实验)课(?!题|程表)"
            r"|给[^,.;:!?、。\s]{0,10}上了?[^,.;:!?、。\s]{0,8}(?<!专业|实验)课(?!题|程表)"
        ),
    ),
    (
        "class",
        re.compile(
            r"班会|年级会|年级大会|班级会议|班委会|班级见面|班级.{0,4}(?:会议|见面)"
            # a 见面会 held in a class is the class met as a group
            r"|(?:班里|班级|班上|全班|[\u4e00-\u9fff]{2}\d{4}班?)[^,.;:!?、。]{0,12}见面会"
        ),
    ),
    ("talk", re.compile(r"座谈|接待日|接访|恳谈|茶话会|交流会|(?<!班级)见面会|意见征集|谈心会")),
    (
        "canteen",
        re.compile(
            r"食堂|餐厅|饭堂|就餐|用餐|共进(?:午|晚|早)?餐|陪餐|一起吃|吃饭|吃了?.{0,2}(?:午|晚|早)饭|吃的(?:午|晚|早)?饭|午餐|晚餐|早餐|饭桌"
            r"|一桌|吃了?(?:个|顿)饭"
        ),
    ),
    (
        "dorm",
        re.compile(
            r"宿舍|寝室|公寓|学生社区|查寝|走寝|楼栋|书院|舍区|生活区|宿管"
            r"|(?<![教学实验办公行政综合科研图书])[0-9一二三四五六七八九十]+号(?:学生|男生|女生|研究生|留学生)?楼(?![0-9]*(?:会议室|办公室|报告厅|教室))"
            r"|[a-z][0-9]+栋"
        ),
    ),
    (
        "classroom",
        re.compile(
            r"课堂|听课|随堂|教室|上课|课间|听了?.{0,10}课(?!程|题|表|件)|的课(?!程|题|表|件)|节课|第[\d一二三四五六七八九十、,-]+节|听了?[^,.;:!?、。\s]{0,8}\d{4}的"
            r"|听了?[一两几]?节|实验课|专业课|公开课|评课|巡课|查课|督导|晚自习|晚自修|早自习|早读|讲课"
            r"|上(?<![给讲]上)[^,.;:!?、。\s]{0,6}?课(?!程|题|表|件|外)"  # 看学生上速写课: a class in session
        ),
    ),
    (
        "club",
        re.compile(
            r"社团|协会|学生会(?!议)|研究生会|俱乐部|艺术团|合唱团|舞蹈队|乐队|校队|球队|记者团|记者站|广播站|电视台|服务队|(?<!军)训练|[\u4e00-\u9fff]语角|社联|科协"
            rf"|{_CLUB_SUFFIX}"
        ),
    ),
    (
        "activity",
        re.compile(
            r"党日|团日|主题活动|运动会|晚会|典礼|军训|升旗|颁奖|比赛|竞赛|决赛|联欢|汇演|演出|志愿(?!者?协会)|社会实践|双选会|招聘会|(?<![考保])研学(?!生)|参观|植树|种树|义务劳动|团建"
            r"|迎新|歌会|辩论|马拉松|篮球赛|足球赛|排球赛|体育节|文化节|艺术节|科技节|读书会|诗会|音乐会|宣誓|仪式|合唱|观影|作品展|展览|看展|开幕"
            r"|朗诵|演讲|朗读|歌咏|舞会|演唱|游园|表彰|故事会|戏剧|话剧|相声|小品|书画|摄影展|展演|快闪|联谊|晚宴|年会|嘉年华|集市|市集|祭扫|扫墓|缅怀|纪念馆|陵园|烈士|博物馆|红色|研学|沙龙|品读|包饺子|写春联|猜灯谜|答辩|评审会|评选"
            r"|主题教育|实践活动|劳动教育|党支部|组织生活|拔河|越野|趣味|游园|义卖|毕业照|开学第一课|寻访|红色教育|动员会|开幕式|闭幕式|誓师"
        ),
    ),
    (
        "other",
        re.compile(
            r"校门口|门口|[东南西北]门|快递站|快递点|驿站|创业园|孵化|实习基地|基地|校医院|医院|医务室|图书馆|自习区|实验室|工地|车间|厂里|工厂"
            r"|养老院|敬老院|考场|田间"
        ),
    ),
    (
        "class",
        re.compile(
            r"班级|班里|班上|全班|到.{0,8}班(?![车会子长委])|走访.{0,6}班(?![车会子长委主])|[一两三四五六七八九几0-9]个班(?![车会子长委主])"
            r"|\d{4}班|团支部|年级"
        ),
    ),
    (
        "activity",
        re.compile(
            r"活动|赛(?<!备赛)|节目|展|晚会|演练|大会|打球|篮球|足球|羽毛球|乒乓球|排球|跑步|夜跑|晨跑|长跑|跑操|早操|健身|锻炼|运动|健步走|献血"
            r"|拳(?!头)|太极|八段锦|广播操|健美操|瑜伽|游泳|滑冰|轮滑|骑行|登山|爬山|徒步|跳绳|踢毽"
        ),
    ),
    ("activity", re.compile(r"操场|体育馆|球场|田径场|运动场")),  # sport grounds: what is done there is sport
    ("other", re.compile(r"工作室|创新|实训|现场|企业|公司")),
)
# Places listed in one visit (学生宿舍和食堂, 一食堂+三食堂): the one written first is where the visit began.
_PLACES = frozenset({"dorm", "canteen", "classroom", "other"})
_PLACE_LIST = re.compile(r"(宿舍|寝室|公寓|学生社区|食堂|餐厅|饭堂|教室|课堂|图书馆|实验室)(和|与|及|以及|、|\+|还有)(\S{1,4})")
# The sender spoke to students with no venue word (给毕业生讲了简历怎么写): a talk given, a lecture.
_GAVE_TALK = re.compile(
    r"给[^\s,.;:!?、。]{0,8}?(?:学生|同学|新生|毕业生|研究生|本科生)们?(?:讲了|讲解|讲授|介绍了|做了?[^\s,.;:!?、。]{0,6}辅导)"
)
# With students and no venue word: a talk proper (接待, 谈心) is a talk wherever it was held; a chat at a place
# the sender went to (在机房 看学生备赛 聊了半小时) is a visit to that place.
_TALK_PROPER = re.compile(
    r"面对面|听取|接待|谈心|谈话|面谈|约谈|约见|答疑|咨询|接见|会见|访谈|辅导(?!员)|开了?个?小?会|开会|碰了?个?头"
)
_CHAT = re.compile(r"聊天|聊了|聊聊|交流|沟通|谈了|见面|谈|聊|唠|拉家常|问了")
_SOME_PLACE = re.compile(
    r"(?:在|去|到|进|走进|来到)了?趟?[^\s,.;:!?、。]{0,8}?(?:机房|房|馆|厅|站|园|场|基地|中心|楼)(?![^\s,.;:!?、。]{0,2}(?:的课|开会))"
)
_STUDENTS = re.compile(
    r"学生|同学|新生|毕业生|研究生|本科生|留学生|学子|孩子|班长|团支书|学生干部|学生代表|大一|大二|大三|大四|研一|研二|研三|博士生"
    rf"|{STUDENT_KINDS}"
    r"|委员|骨干|干部|班委|党员|团员|志愿者|队员|社长|会长|干事"
    r"|[\u4e00-\u9fff]{2}\d{4}"
)
# Doing something together with students, other than talking or eating: an activity.
_TOGETHER = re.compile(r"(?:一起|一块儿?|共同)(?:去|来)?(?!吃|聊|谈|交流|座谈|见面|面谈|讨论|商量|沟通|看望|走访|跟|和|与|同|给|对|向)[\u4e00-\u9fff]")
_DOING_WITH_STUDENTS = re.compile(
    r"(?:和|跟|与|陪|带|同)着?[^\s,.;:!?、。]{0,8}?(?:学生|同学|新生|毕业生|研究生|孩子)"
    r"(?!们?(?:一起|一块儿?)?(?:在[^\s,.;:!?、。]{1,8}?)?(?:聊|谈|交流|座谈|见面|面谈|讨论|商量|沟通|说|吃|共进|用餐|就餐)"
    r"|代表|干部|党员|会|家长|宿舍|寝室)"  # 和学生在招就处聊就业 is a talk
    r"们?(?:一起|一块儿?)?[\u4e00-\u9fff]"
)
_VISIT = re.compile(
    r"看望|探望|慰问|调研|检查|考察|视察|走进|深入|来到|去了|到了|参观|见了|陪|走访|去|到|参加|出席|讲话|讲了话|致辞|巡查"
)


@dataclass(frozen=True)
class Contact:
    """The kind of a reported contact and, for face-to-face and online, its venue."""

    kind: str
    venue: str | None


def classify_contact(
    text: str,
    mentions: Sequence[Mention],
    mentee_ids: frozenset[str],
    half_days: float | None,
    student_affairs: bool,
) -> Contact | None:
    """Decide the kind and venue of one reported contact from normalised text; None when none is reported."""
    talk_zones = _zones(text, _TALK_ZONE)
    if _ONLINE.search(text) and _found(_ONLINE, _ONLINE_NOISE.sub(_blank, text), talk_zones):
        return Contact("online", "online")
    roles = _teacher_roles(text, mentions, mentee_ids)
    hosts = [m for m, role in roles if role == HOST]
    partners = [m for m, role in roles if role == PARTNER]
    companions = [m for m, role in roles if role == COMPANION]
    course = next((m for m in _IDEOLOGY.finditer(text) if _outside(m.start(), talk_zones)), None)
    if course is not None:
        if hosts or any(not _listened(text, m.start(), mentions) for m in _ATTEND.finditer(text)):
            return Contact("mentee_activity", None) if hosts or partners else Contact("face_to_face", "classroom")
        if not (partners and _TALK_VERB.search(text) and not _TEACH.search(text)):
            return Contact("ideology_lecture", None)
    venue = find_venue(text, talk_zones + _zones(text, _SPEECH_ZONE))
    if student_affairs and half_days is not None and venue != "lecture":
        return Contact("frontline", None)
    if hosts:
        return Contact("mentee_activity", None)
    if partners:
        return Contact("mentee_talk", None)
    if companions and "班会" in text:
        return Contact("mentee_activity", None)  # the class meeting of the counselor who came: theirs
    if companions and venue is None and not _found(_STUDENTS, text, talk_zones) and _TALK_VERB.search(text):
        return Contact("mentee_talk", None)  # 和赵磊在办公室聊了一个小时: nobody else to come along to
    if venue is not None:
        return Contact("face_to_face", venue)
    if _STUDENTS.search(text):
        if _TALK_PROPER.search(text):
            return Contact("face_to_face", "talk")  # 和校报学生编辑开会: a meeting, whoever the students are
        if _GAVE_TALK.search(text):
            return Contact("face_to_face", "lecture")
        if _TOGETHER.search(text) or _DOING_WITH_STUDENTS.search(text):
            return Contact("face_to_face", "activity")  # 和同学们一起包饺子 / 一起去烈士陵园
        if _SOME_PLACE.search(text):
            return Contact("face_to_face", "other")
        if _CHAT.search(text):
            return Contact("face_to_face", "talk")
        if _VISIT.search(text):
            return Contact("face_to_face", "other")
    return None


def without_topics(text: str) -> str:
    """Blank what was talked about (主要说她们年级有两个学生…), keeping positions: students named there were not met."""
    chars = list(text)
    for start, end in _zones(text, _TALK_ZONE):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def find_venue(text: str, zones: Sequence[tuple[int, int]] | None = None) -> str | None:
    """Return the venue of the strongest venue word outside what was talked about, or None."""
    if zones is None:
        zones = _zones(text, _TALK_ZONE) + _zones(text, _SPEECH_ZONE)
    if _PLACE_LIST.search(text) is None:  # the usual message: the strongest venue word decides at once
        return next((venue for venue, pattern in _VENUES if _found(pattern, text, zones)), None)
    found = [(venue, pattern) for venue, pattern in _VENUES if _found(pattern, text, zones)]
    return (_listed_first(text, found) or found[0][0]) if found else None


def _listed_first(text: str, found: Sequence[tuple[str, re.Pattern[str]]]) -> str | None:
    """Return the venue of the place written first in a list of places (走访了宿舍和食堂 -> dorm), or None."""
    for listed in _PLACE_LIST.finditer(text):
        first = next((v for v, pattern in found if v in _PLACES and pattern.fullmatch(listed.group(1))), None)
        second = next((v for v, pattern in found if v in _PLACES and pattern.match(listed.group(3))), None)
        if first is not None and second is not None:
            return first
    return None


def _found(pattern: re.Pattern[str], text: str, zones: Sequence[tuple[int, int]]) -> bool:
    """Tell whether the pattern occurs outside every zone."""
    if not zones:
        return pattern.search(text) is not None
    return any(_outside(m.start(), zones) for m in pattern.finditer(text))


def _teacher_roles(
    text: str, mentions: Sequence[Mention], mentee_ids: frozenset[str]
) -> list[tuple[Mention, str]]:
    """Return the roles of the counselors/teachers named: the sender's linked ones, or else anyone's partner.

    An activity run by a counselor the sender is not linked to is the sender's own face-to-face contact
    (the 班会 rule); a talk with one is still a talk with a counselor.
    """
    roles = staff_roles(text, mentions)
    linked = [(m, role) for m, role in roles if any(p.userid in mentee_ids for p in m.people)]
    if linked:
        return linked
    return [(m, role) for m, role in roles if role == PARTNER and any(p.is_mentee_like for p in m.people)]


def _listened(text: str, at: int, mentions: Sequence[Mention]) -> bool:
    """Tell whether the listening at `at` is a named teacher's (吴昊老师也来听了), not the sender's."""
    return any(m.end <= at and _LISTENER.fullmatch(text, m.end, at) for m in mentions)


def _zones(text: str, opener: re.Pattern[str]) -> list[tuple[int, int]]:
    """Return the spans from each opener to the end of its clause."""
    spans = []
    for match in opener.finditer(text):
        end = _CLAUSE_END.search(text, match.end())
        spans.append((match.end(), end.start() if end else len(text)))
    return spans


def _outside(at: int, zones: Sequence[tuple[int, int]]) -> bool:
    """Tell whether a position lies outside every zone."""
    return not any(start <= at < end for start, end in zones)


def _blank(match: re.Match[str]) -> str:
    """Replace a match by spaces, keeping positions."""
    return " " * len(match.group())
