"""What each named counselor or teacher did in a reported contact: ran it, came along, or was talked with.

Example message: "参加高雪组织的数学2102主题班会" -> 高雪 hosts (mentee_activity);
"和王丽去计算机学院女生宿舍" -> 王丽 came along (the sender's own dorm visit);
"上周三和辅导员吴婷谈话" -> 吴婷 was talked with (mentee_talk).
Names joined by 和/、/与 (郭佳和许蕾联合组织的, 苏晴 宋倩 两位辅导员) share one role.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.parse.names import Mention

HOST, COMPANION, PARTNER, TASKED, OWNER = "host", "companion", "partner", "tasked", "owner"

_JOINER = re.compile(r"^(?:[\s、,和与跟及]|还有|以及)*$")
_HEADCOUNT = re.compile(r"^\s*(?:[两二三四五六七八九几0-9]+\s*(?:位|个|名))?\s*(?:辅导员|老师|教师|同志|同事)")
# Before a companion or a partner: 和/跟/与 X, with a department or title in between (和保卫处贺军, 跟辅导员杨帆).
_WITH = re.compile(
    r"(?:和|跟|与|同|陪同|陪着|陪|带着|叫上|约上|协同|会同|约谈了?|约见了?|约了?|找了?)\s*"
    r"(?:辅导员|思政课?老师|老师|教授|[\u4e00-\u9fff]{1,4}(?:处|部|院|中心|办|委|学院|教研室)的?)?\s*$"
)
# After a companion: together to a place or to the students (和王丽一起去宿舍, 和郭佳一起跟学生干部面谈).
_COMPANY = re.compile(
    r"^\s*(?:(?:一起|一块儿?|一同|一道|共同)?\s*(?:今天|昨天|昨晚|今晚|前天|上午|下午|晚上|中午)?\s*(?:去(?!年)|到|前往|走访|看望|探望|慰问|检查|巡查|参加|出席|进|走进|深入|跟|和|与|给|为|陪|带|查|在|听|旁听|观摩|观看|看)"
    r"|(?:一起|一块儿?|一同|一道)(?:的|去的|来的)?\s*(?:$|[,.;:!?、。；：！？]))"
)
# An invitation (约了王丽到办公室, 叫杨帆来我办公室): whoever is invited is talked with, unless asked to come along.
_INVITED = re.compile(r"(?:约(?!上)|约见|找|叫(?!上)|请)了?\s*(?:辅导员|思政课?老师|老师|教授)?\s*$")
_ALONG = re.compile(r"^\s*(?:[两二三四五六七八九几0-9]+\s*(?:位|个|名))?\s*(?:辅导员|老师|教师|同志)?\s*(?:一起|一块儿?|一同|一道|共同)")
# Named after the fact: 王丽也在, 辅导员陈静陪同, 王丽参加了.
# With the sender, after a time too (刘洋今天陪我去了, 石志刚 杨帆 和我 昨晚一起查寝); 带我去 after a time is a host's lead.
_ALONG_WITH_ME = (
    r"(?:陪|和|跟|与|同)(?:着|同)?(?:我|我们)\s*(?:今天|昨天|昨晚|今晚|前天|上午|下午|晚上|中午)?\s*(?:一起|一块儿?|一同|一道)?"
    r"(?:去|到|走访|看望|看|查|进|参观|巡查|检查)"
)
_PRESENT = re.compile(
    r"^\s*(?:也|都)?\s*(?:一起|一同|陪同|同去|同行|随行|在场|也在|也去|也来|参加|出席"
    rf"|(?:陪|带|领)(?:着|同)?(?:我|我们)(?:一起|一块儿?|一同)?(?:去|到|走访|看望|看|查|进|参观)|{_ALONG_WITH_ME})"
)
_WITH_ME = re.compile(rf"^{_ALONG_WITH_ME}")
# Given a task to follow up (已让赵磊跟进, 请王丽核实): named in the report, but neither met nor along.
_TASKED_BY = re.compile(r"(?:让|请|安排|交给|交代|交由|嘱咐|叮嘱|要求|责成|委托|由)\s*(?:辅导员|老师)?\s*$")
_TASK = re.compile(
    r"^\s*(?:老师|辅导员)?\s*(?:继续|尽快|及时|马上|抓紧|负责|去|再|进一步|持续)?\s*"
    r"(?:跟进|跟踪|处理|落实|关注|核实|回访|联系|解决|对接|做好|排查|整改|督促|了解|统计|上报|汇总|安排)"
)
_TIME = re.compile(
    r"^(?:\s|今天|昨天|前天|今晚|昨晚|上午|下午|晚上|中午|早上|当天|那天|(?:本|这|上)?(?:周|星期|礼拜)[一二三四五六日天])*"
)
# Their class's own meeting or day, named right after them (王丽班会, 徐鹏他们班的班会, 赵磊 电气2201 班会): theirs.
_OWN_CLASS = r"(?:他们|她们|他|她)?(?:所?带的)?(?:班上|班里|班级|年级|班(?![长车子委会]))?的?\s*(?:[\u4e00-\u9fff]{2}\d{4}班?)?\s*的?"
_HOST_OWN = re.compile(rf"^{_OWN_CLASS}(?:主题)?(?:班会|年级会|年级大会|团日|党日|主题活动)")
# Named as whose class or students they were (听了彭浩班上几个同学的意见): neither met nor along.
_OWNER_OF = re.compile(
    r"^(?:他们|她们|他|她)?(?:(?:所?带的)?(?:班上|班里|班级|年级|班(?![长车子委会]))|(?:所?带)?的(?:学生|同学))"
)
# What a host runs: their class, class meeting, activity, or their own talk with students.
_ACTIVITY = (
    r"(?:班会|座谈会|谈心会|谈心谈话|谈心活动|谈话|见面会|动员会|分享会|报告会|交流会|例会|年级会|讲座|活动|团日|党日"
    r"|课(?!题|程|表|件)|课堂|比赛|晚会|典礼|实践|参观|志愿|宣讲|讲课|培训|答辩|演出|观影|座谈|谈心|班级|沙龙|[\u4e00-\u9fff]{2}\d{4}"
    r"|[\u4e00-\u9fff]{1,4}会(?!议室|长|员))"
)
_HOST_OF = re.compile(
    r"^(?:(?:联合|一起|共同)?(?:组织|主持|开|带|办|举办|召开|上|讲|负责|指导|策划|筹办|筹划|主讲|主办|承办|发起|牵头)(?:学生|同学)?[^\s,.;:!?。，；：！？他她我]{0,8}?"
    r"|(?:和|跟|与|给|带)[^\s,.;:!?。，；：！？他她我]{1,8}?)?"
    rf"的(?:(?!汇报|工作|情况|事)[^\s,.;:!?。，；：！？]){{0,6}}?{_ACTIVITY}"
)
_HOST_VERB = re.compile(
    r"^(?:联合|一起|共同)?(?:组织|主持|指导|策划|筹办|主讲|主办|开(?!心)|带(?:着|领)?(?:学生|同学|我们?|大家)|带队|举办|召开|牵头|给|上(?!午|周|个|次|星期|礼拜)|讲课|讲[^\s,.;:!?。，；：！？]{0,10}课)"
)


# A host's own meeting with students, which the sender joined: 程瑶老师和电气2303学生座谈 我参加了.
_HOST_MEETING = re.compile(
    r"^(?:和|跟|与|给|同)[^\s,.;:!?。，；：！？他她我]{0,8}?(?:学生|同学|新生|毕业生|研究生|班委|党员|团员|代表|\d{4}班?)"
    r"[^\s,.;:!?。，；：！？]{0,4}?(?:座谈|谈心|交流|见面|开会|谈话|班会|分享)"
)


def staff_roles(text: str, mentions: Sequence[Mention]) -> list[tuple[Mention, str]]:
    """Return each mention with its role in the contact: host, companion or partner."""
    roles: list[tuple[Mention, str]] = []
    group: list[Mention] = []
    for mention in mentions:
        if group and _JOINER.match(text[group[-1].end : mention.start]):
            group.append(mention)
            continue
        if group:
            roles.extend((m, _role(text, group[0].start, group[-1].end)) for m in group)
        group = [mention]
    if group:
        roles.extend((m, _role(text, group[0].start, group[-1].end)) for m in group)
    return roles


def _role(text: str, start: int, end: int) -> str:
    """Decide the role of the names written between start and end."""
    before = text[max(0, start - 12) : start]
    after = text[end:]
    headcount = _HEADCOUNT.match(after)
    if headcount:
        after = after[headcount.end() :]
    if _TASKED_BY.search(before) and _TASK.match(after):
        return TASKED
    timed = _TIME.sub("", after, count=1)
    if _HOST_OWN.match(timed):
        return HOST
    if _OWNER_OF.match(after):
        return OWNER
    if _WITH.search(before):
        if _INVITED.search(before) and not _ALONG.match(text[end:]):
            return PARTNER
        return COMPANION if _COMPANY.match(after) else PARTNER
    if _PRESENT.match(after) or _WITH_ME.match(timed):
        return COMPANION
    return HOST if _HOST_OF.match(timed) or _HOST_VERB.match(timed) or _HOST_MEETING.match(timed) else PARTNER
