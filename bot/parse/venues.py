"""What kind of contact a leader reports, and where: face_to_face/online/ideology_lecture/mentee_*/frontline + venue.

Example message: "昨天下午开了个学生座谈会 十五名学生代表参加" -> face_to_face, talk.
Rules follow the contract: online wins over venue words; teaching 思政课/形势与政策 yourself is ideology_lecture,
sitting in on a linked teacher's class is mentee_activity; frontline is a stated duration of front-line time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.parse.people import PersonRef

_ONLINE_NOISE = re.compile(r"加了?[^,.;:!?、。\s]{0,6}微信|微信号|留了?[^,.;:!?、。\s]{0,4}(?:电话|微信|联系方式)|线下")
_ONLINE = re.compile(
    r"线上|网上|在线|云端|云上|微信|视频|腾讯会议|钉钉|qq|微博|企业微信|企微|飞书|zoom|直播|网络|群里|群聊|语音|电话|远程|公众号"
    r"|私信|邮件|邮箱|留言板|b站|抖音|小红书|连线|网聊|网课|键对键|屏幕"
)
_IDEOLOGY = re.compile(
    r"(?:思政课|思政理论课|思想政治理论课|思想政治课|思政大课|大思政课|思政第一课|思政选修课|形势与政策|形势政策|形策|思修|毛概|马原|史纲"
    r"|思想道德与法治|习概|中国近现代史纲要|马克思主义基本原理|毛泽东思想和中国特色社会主义理论体系概论"
    r"|习近平新时代中国特色社会主义思想概论)(?!教师|老师|教研|骨干|集体备课|备课会)"
)
_ATTEND = re.compile(r"听了|去听|旁听|听课|全程听|听.{0,10}(?:课|讲)|观摩|随堂|坐了|后排|督导|巡课|查课|评课|听讲")
_TEACH = re.compile(r"给.{0,12}(?:上|讲)|讲授|授课|主讲|讲了|上了|开讲")
_FRONTLINE = re.compile(r"一线|值守|驻点|蹲点|坐班|值班|驻守|蹲守|驻楼")
_COMPANION = re.compile(r"一起|陪同|一同|带着|陪着|随同|同去|同行|带领|领着|叫上|陪")
_MENTEE_ACTIVITY = re.compile(
    r"旁听|观摩|随堂|听了?.{0,12}(?:课|讲)|班会|的(?:思政课|形势与政策|课堂|课|班会|讲座)|坐了.{0,4}节|教室|后排|课堂"
    r"|(?:和|与|跟|同|给)[^,.;:!?、。\s]{0,8}(?:学生|同学|新生|毕业生|研究生)[^,.;:!?、。\s]{0,4}的"
    r"|(?:组织|主持|开展|举办|召开|带领)的|学生的?(?:座谈|谈心|谈话)"
)
_MENTEE_TALK = re.compile(r"约谈|面谈|谈心|谈话|谈了|聊了|聊聊|交流|座谈|沟通|指导|帮扶|见面|面对面|约了?|找")
_MENTEE_WEAK_ACTIVITY = re.compile(r"参加|参与|出席|活动|讲座|\d{4}|班|宿舍|寝室|食堂|课|自习")

_CLUB_SUFFIX = re.compile(r"[\u4e00-\u9fff](?<!出版|旅行|合作|杂志|通讯)(?<![报公])社(?![会区交科保工员长团])")
_VENUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "lecture",
        re.compile(
            r"讲座|报告会|宣讲|党课|团课|培训|作了?.{0,10}报告|做了?.{0,10}报告|形势报告|专题报告|辅导报告|讲堂|论坛|开讲|主讲|分享会|报告厅"
            # giving a one-off lesson (安全教育课, 廉洁教育课) is a talk for students; a 专业课 is a class in session
            r"|(?<!听)讲了?(?:一|两|几)?(?:次|堂|节|场|门)?[^,.;:!?、。\s]{0,6}(?<!专业|实验)课(?!题|程表)"
            r"|给[^,.;:!?、。\s]{0,10}上了?[^,.;:!?、。\s]{0,8}(?<!专业|实验)课(?!题|程表)"
        ),
    ),
    ("class", re.compile(r"班会|年级会|年级大会|班级会议|班委会|班级见面会|班级.{0,4}(?:会议|见面)")),
    (
        "activity",
        re.compile(
            r"党日|团日|主题活动|运动会|晚会|典礼|军训|升旗|颁奖|比赛|竞赛|决赛|联欢|汇演|演出|志愿(?!者?协会)|社会实践|双选会|招聘会|(?<![考保])研学(?!生)|参观|植树|义务劳动|团建"
            r"|迎新|歌会|辩论|马拉松|篮球赛|足球赛|排球赛|体育节|文化节|艺术节|科技节|读书会|诗会|音乐会|宣誓|仪式|合唱|观影"
            r"|主题教育|实践活动|劳动教育|党支部|组织生活|拔河|越野|趣味|游园|义卖|毕业照|开学第一课|寻访|红色教育|动员会|开幕式|闭幕式|誓师"
        ),
    ),
    ("talk", re.compile(r"座谈|接待日|接访|恳谈|茶话会|交流会|见面会|意见征集|谈心会")),
    (
        "club",
        re.compile(
            r"社团|协会|学生会(?!议)|研究生会|俱乐部|艺术团|合唱团|舞蹈队|乐队|校队|球队|记者团|记者站|广播站|电视台|服务队|(?<!军)训练|英语角|社联|科协"
        ),
    ),
    ("dorm", re.compile(r"宿舍|寝室|公寓|学生社区|查寝|走寝|楼栋|书院|舍区|生活区|宿管")),
    (
        "canteen",
        re.compile(
            r"食堂|餐厅|饭堂|就餐|用餐|共进(?:午|晚|早)?餐|陪餐|一起吃|吃饭|吃了?.{0,2}(?:午|晚|早)饭|吃的(?:午|晚|早)饭|午餐|晚餐|早餐|饭桌"
        ),
    ),
    (
        "classroom",
        re.compile(
            r"课堂|听课|随堂|教室|旁听|上课|课间|听了?.{0,10}课|的课|节课|第[\d一二三四五六七八九十、,-]+节|听了?[^,.;:!?、。\s]{0,8}\d{4}的|实验课|专业课|公开课|评课|巡课|查课|督导|晚自习|讲课"
        ),
    ),
    ("class", re.compile(r"班级|班里|班上|全班|到.{0,8}班(?![车会子长委])|\d{4}班|团支部|年级")),
    (
        "activity",
        re.compile(
            r"活动|赛|节目|展览|晚会|演练|大会|打球|篮球|足球|羽毛球|乒乓球|排球|跑步|夜跑|健身|运动|健步走|献血"
        ),
    ),
)
_TALK_WEAK = re.compile(
    r"面对面|听取|接待|谈心|谈话|聊天|聊了|聊聊|交流|沟通|谈了|面谈|约谈|见面|答疑|咨询|接见|会见|访谈|谈"
)
_STUDENTS = re.compile(
    r"学生|同学|新生|毕业生|研究生|本科生|留学生|学子|孩子|班长|团支书|学生干部|学生代表|大一|大二|大三|大四|研一|研二|研三|博士生"
    r"|委员|骨干|干部|班委|党员|团员|志愿者|队员"
    r"|[\u4e00-\u9fff]{2}\d{4}"
)
# Venues that are events in their own right: a student-affairs head's hours there are not front-line time.
_EVENTS = frozenset({"lecture", "class", "activity", "talk", "classroom", "club"})
_OTHER_PLACE = re.compile(
    r"实验室|图书馆|操场|体育馆|医院|校医院|工地|基地|实训|工作室|创新|孵化|宿管|考场|自习|现场|车间|田间|企业"
)
_VISIT = re.compile(
    r"看望|探望|慰问|调研|检查|考察|视察|走进|深入|来到|去了|到了|参观|见了|陪|走访|去|到|参加|出席|讲话|讲了话|致辞"
)


@dataclass(frozen=True)
class Contact:
    """The kind of a reported contact and, for face-to-face and online, its venue."""

    kind: str
    venue: str | None


def classify_contact(
    text: str,
    mentioned: Sequence[PersonRef],
    mentee_ids: frozenset[str],
    half_days: float | None,
    student_affairs: bool,
) -> Contact | None:
    """Decide the kind and venue of a contact from normalised text; None when nothing says a contact happened."""
    if _ONLINE.search(_ONLINE_NOISE.sub("", text)):
        return Contact("online", "online")
    teachers = [p for p in mentioned if p.userid in mentee_ids] or [p for p in mentioned if p.is_mentee_like]
    if _IDEOLOGY.search(text) and (not teachers or _ATTEND.search(text) or _TEACH.search(text)):
        if not _ATTEND.search(text):
            return Contact("ideology_lecture", None)
        return Contact("mentee_activity", None) if teachers else Contact("face_to_face", "classroom")
    venue = find_venue(text)
    if half_days is not None and (_FRONTLINE.search(text) or (student_affairs and venue not in _EVENTS)):
        return Contact("frontline", None)
    if teachers and not (_COMPANION.search(text) and venue is not None and "班会" not in text):
        if _MENTEE_ACTIVITY.search(text):
            return Contact("mentee_activity", None)
        if _MENTEE_TALK.search(text) or not _MENTEE_WEAK_ACTIVITY.search(text):
            return Contact("mentee_talk", None)
        return Contact("mentee_activity", None)
    if venue is not None:
        return Contact("face_to_face", venue)
    if _OTHER_PLACE.search(text) and _VISIT.search(text):
        return Contact("face_to_face", "other")
    if _STUDENTS.search(text):
        if _OTHER_PLACE.search(text):
            return Contact("face_to_face", "other")
        if _TALK_WEAK.search(text):
            return Contact("face_to_face", "talk")
        if _VISIT.search(text):
            return Contact("face_to_face", "other")
    return None


def find_venue(text: str) -> str | None:
    """Return the venue the first matching table names, most specific first, or None."""
    for venue, pattern in _VENUES:
        if pattern.search(text) or (venue == "club" and _CLUB_SUFFIX.search(text)):
            return venue
    return None
