"""Commands a message may be, besides a contact or a concern: reply, undo, help, progress, digest, snooze, chatter.

Example message: "#153 已处理：已调取监控" -> reply_concern, ticket 153.
Each detector reads normalised text and answers only for its own command.
"""

from __future__ import annotations

import re

from bot.parse.text import strip_noise
from bot.parse.typos import fold_typos

_TICKET = re.compile(
    r"#\s*(\d{1,7})|第\s*(\d{1,7})\s*号\s*(?:工单|反映|问题|诉求)|^(\d{1,7})\s*号?\s*(?:工单|问题|反映)?\s*(?:已经?|正在)\s*(?:处理|解决|办结|回复|完成|落实|反馈|转)|(?:回复|答复|工单|单号|编号|反映)\s*(?:#|:|号)?\s*(\d{1,7})(?![0-9]|\s*(?:号楼|名|个|人|月|日|点))"
)

_UNDO_ACTION = re.compile(r"撤销|撤回|撤掉|撤了|作废|删掉|删除|删了|删去|删|取消|不算|不作数|不要了|无效|去掉|划掉|undo")
_UNDO_REF = re.compile(
    r"刚才|刚刚|刚发|刚录|刚记|刚填|上一条|上条|上一个|那条|这条|那一条|这一条|最后一条|前一条|最近一条|上次|记录"
)
_UNDO_REF_STRICT = re.compile(
    r"刚才|刚刚|刚发|刚录|刚记|刚填|上一条|上条|那条|这条|那一条|这一条|最后一条|前一条|最近一条"
)
_MISTAKE = re.compile(r"记错了?|发错了?|录错了?|写错了?|弄错了?|搞错了?|填错了?|报错了?|发重复?了?|重复了|重发了|多发了|记重了|录重了")
_UNDO_ALONE = re.compile(r"(?:请|帮我)?(?:撤销|撤回|删除|作废|取消|undo|删掉)(?:一下|吧|了)?")
_QUESTION = re.compile(r"怎么|如何|咋|能不能|能否|可以吗|可不可以")
_PASSIVE = re.compile(r"被\S?$")

_HELP = re.compile(
    r"帮助|help|怎么用|如何使用|怎么使用|咋用|如何用|使用说明|使用方法|用法|说明书|操作指南|能做什么|能干什么|能干啥|能做啥|能干嘛"
    r"|会什么|会干啥|有什么功能|有哪些功能|有啥功能|什么功能|功能介绍|功能列表|菜单|指令|命令|教程|不会用|怎么操作|怎么记录|怎么登记|(?:怎么|如何|咋)(?:记|报|填|录|上报|提交|算)(?!得|住|性|者)|(?:登记|记录|记|报)[^,.;:!?。，；：！？]{0,8}(?:要|需要|该|应该|得)(?:写|填|注明)(?:什么|啥|哪些)(?!表)"
    r"|(?:怎么|如何|在哪|去哪|到哪)里?(?:反映|提交?|投诉|提意见|提建议)(?:问题|意见|建议)?$|怎么上报|怎么填报|怎么打卡|怎么报|如何记录|如何登记|如何上报|你是谁|是干什么的|是干嘛的|是做什么的|能帮我?(?:做|干)?(?:什么|啥)|怎么玩"
    r"|怎么弄|咋弄|咋整|怎么撤销|怎么删除|怎么修改|怎么改|怎么发|发什么|支持哪些|^求助$|^说明$|^帮忙$|可以(?:做|干)(?:什么|啥)|(?:能|可以|会)(?:记录?|登记|录入?|上报|报)(?:哪些|什么|啥)|^(?:这个|你|机器人)?(?:能|可以|能不能|可不可以)(?:记录?|登记|录入?|上报|报)(?!名|销|到|考|修|道|告|得|住|忆)[^,.;:!?。，；：！？]{0,10}(?:吗|么)$|有啥用|有什么用|指南|操作说明|都能(?:做|干)"
)
_HELP_ALONE = re.compile(r"[?？]+|h|帮助|help|菜单|说明|\?+")

_DIGEST = re.compile(
    r"周报|月报|汇总|报表|总表|导出|排名|排行|通报|谁\S{0,4}(?:没|未)|多少(?:人|位|个)\S{0,4}(?:没|未)|哪些\S{0,2}(?:人|领导|单位|学院|同志|老师|干部)|哪几位|哪位.{0,6}(?:没|未)"
    r"|未完成(?:的)?(?:名单|人员|情况|领导|人|单位|同志)|没(?:有)?完成的(?:人|名单|领导)|(?:全校|各学院|各单位|各部门|大家|所有人|全体).{0,8}(?:情况|进度|完成|达标)"
    r"|未达标|没达标的|名单|几(?:个|位)(?:人|领导|单位|学院|同志|干部).{0,4}(?:没|未)|(?:领导|干部|同志|大家)(?:还|都)?(?:没|未)(?:有)?(?:完成|达标)"
)
_WHO_BEHIND = re.compile(
    r"谁\S{0,10}(?:没|未)|(?:哪些|哪几|几|多少)(?:个|位)?(?:人|领导|干部|同志|老师|辅导员|教师|学院|单位|部门|院系)\S{0,10}(?:没|未)"
)
# "还有哪几个老师没约谈": the sender's own counselors/teachers, so their own progress.
_OWN_MENTEES = re.compile(r"(?:谁|哪些|哪几|几位|几个)(?:个|位)?(?:老师|辅导员|教师|思政课?老师)")
# What an admin asks for: figures about everyone (统计, 名单, 一线时间, 完成率 ...).
_FIGURES = re.compile(
    r"统计|汇总|报表|总表|导出|名单|排名|排行|通报|进度|情况|完成|达标|一线时间|多少|几个|几位|哪些|哪几|谁|周报|月报|数据"
)
# Everyone, not the sender: an admin's "给我看下各学院情况" asks for the digest.
_EVERYONE = re.compile(r"各(?:个|位)?(?:学院|单位|部门|院系|领导|老师)|全校|全体|大家|所有(?:人|学院|单位|领导)|每个(?:学院|人|单位)|哪些|哪几|谁")
# A question about the sender's own standing, even when it names a contact (参加辅导员的活动够了没).
_OWN_STANDING = re.compile(
    r"够了?没|够不够|够了?[吗吧么]|还差|算上了?(?:吗|没)|算进去了?(?:吗|没)|算不算|记上了?(?:吗|没)|记进去了?(?:吗|没)|录上了?(?:吗|没)|计入了?(?:吗|没)"
    r"|还(?:用|要|需要|得)[^,.;:!?、。\s]{0,6}(?:吗|么)|还没[^,.;:!?、。]{0,10}吧|帮我(?:看看|查查|查一下|看一下|统计)|达标了?(?:吗|没)|进度(?:如何|怎么样|多少|呢)"
    r"|我(?:都|已经|全|全都)?(?:做|完成|约|谈|记|报|登记|去)(?:了|过|完|齐)(?:吗|没有?|么)"
    r"|(?:本周|这周|这礼拜|本月|这个?月|本季度|这个?季度|本学期|这学期|今年)[^,.;:!?。，；：！？\s]{0,10}(?:了没有?|了吗|了么|过吗|过没有?)"
)
_PROGRESS = re.compile(
    r"够了?没|够不够|够了?[吗吧么]|算上了?(?:吗|没)|记上了?(?:吗|没)|还(?:用|要|需要|得)[^,.;:!?、。\s]{0,6}(?:吗|么)|还没[^,.;:!?、。]{0,10}吧|帮我(?:看看|查查|查一下)"
    r"|我(?:都|已经|全|全都)?(?:做|完成|约|谈|记|报|登记|去)(?:了|过|完|齐)(?:吗|没有?|么)"
    r"|(?:本周|这周|这礼拜|本月|这个?月|本季度|这个?季度|本学期|这学期|今年)[^,.;:!?。，；：！？\s]{0,10}(?:了没有?|了吗|了么|过吗|过没有?)"
    r"|(?:我的|本人|我)\S{0,6}(?:进度|完成情况|完成度|任务|记录|情况|次数|统计|数据)|一线(?:时间|时长)?\S{0,6}(?:多少|够|达标|还差|几)"
    r"|(?:本周|这周|这礼拜|本月|这个?月|本季度|这个?季度|本学期|这学期|今年)\S{0,8}(?:多少\S{0,3}[了呢]?[?？]?$|几次)|进度(?:如何|怎么样|多少|呢|查询|查一下|$)|(?:查|看)(?:一下|看)?(?:我的)?进度"
    r"|^进度|(?:本周|这周|这礼拜|本月|这个?月|本季度|这个?季度|本学期|这学期|今年|本年度|上周|上个?月)\S{0,6}(?:完成情况|进度|完成了?(?:几|多少|吗|没)"
    r"|达标|够了?(?:吗|没)|任务|情况|还差|次数|几次|多少次)|达标了?(?:没|吗|没有|么)|达没达标|有没有达标|是否达标|够不够|还差(?:什么|啥|几|多少|哪)"
    r"|还(?:需要|要|得|欠)\S{0,3}(?:几|多少)|(?:联系|约谈|去|讲|见)了?(?:几|多少)次|(?:本周|这周|本月|这个?月|本季度|这个?季度|本学期|这学期|今年)\S{0,10}(?:了没有?|了吗|了么)[?？]?$|完成(?:情况|度)|完成了?(?:吗|没|没有|多少|几次)|(?:完成|做)[得的](?:怎么样|咋样|如何|怎样)|还有(?:什么|哪些|啥)(?:没|要|任务)|^统计$|差几次"
)
_SNOOZE = re.compile(
    r"(?:别|不要|不用|勿|暂停|停止|停|先别|先不要|不必|免|关闭|关掉|取消|晚点|稍后|过几天|推迟|延后|延迟|暂缓|回来|之后|以后|后|再)\s*(?:再)?\s*"
    r"(?:一下|一阵子?|几天|一段时间)?\s*(?:给我|跟我)?\s*(?:发|推送?)?\s*提醒"  # 别发提醒了, 暂停一下提醒, 不要再给我推送提醒
    r"|提醒.{0,4}(?:暂停|停一下|推迟|延后|晚点|关掉|先停|往后|推一推|推推|推后|缓一缓|缓缓)|(?:后|以后|之后|回来|回校|下个?(?:周|星期|礼拜)[一二三四五六日天1-7]?|下个?月|月底|月初|周末|过几天|过两天|改天|忙完|开完会|完了?|明天|后天|下次|回头|过阵子|过段时间"
    r"|[0-9一二三四五六七八九十]{1,3}(?:号|日))再说|(?:别|不要|不用|先别|勿)再?催|免打扰|勿扰|暂停推送|别发了|不要发了|先别发|不用发"
)
_ABSENCE = re.compile(
    r"出差|休假|请假|年假|病假|探亲|住院|外出|出国|出访|挂职|培训|开会|不在学校|不在校|在外地|外地|封闭"
)
# Someone else's absence: 看望住院的学生, 慰问请假的同学.
_OTHERS_ABSENCE = re.compile(r"(?:看望|探望|慰问|看了看|走访|联系|问候)了?[^,.;:!?、。\s]{0,4}$")
_ABSENCE_SPAN = re.compile(
    r"到|至|一周|几天|这周|本周|下周|这几天|期间|之前|这段|这个月|本月|[0-9一二两三四五六七八九十]+\s*(?:天|周|号|日)"
)

# WeChat/WeCom emoji arrive as text codes: [微笑], [强], [抱拳].
_EMOJI_CODE = re.compile(r"\[[^\]\[]{1,6}\]")
_CHATTER = re.compile(
    r"你们好|你好|您好|老师好|老师们好|大家好|同学们好|早上好|上午好|中午好|下午好|晚上好|早安|午安|晚安|早|谢谢|感谢|多谢|辛苦了?|收到|"
    r"好的|好嘞|好滴|好吧|嗯+|哦+|噢+|ok|okay|行|明白|知道了|了解|没问题|在吗|在不在|在么|hi|hello|hey|哈+|呵+|嘿+|嘻+|老师|同学|"
    r"啦|了|啊|呀|吧|呢|哇|耶|谢|好|对|是的|嗯呢|赞|棒|厉害|感恩|打扰了|不客气|客气了?|再见|拜拜"
    r"|bye|thanks|thank you|thx|1|666"
    r"|马上(?:处理|办|去|到)|这就(?:去|办)|立刻(?:处理|办)|稍等"
)


def find_ticket(text: str) -> int | None:
    """Return the concern ticket number a reply refers to ("回复#153 ...", "#153 已处理"), or None."""
    match = _TICKET.search(text)
    if match is None:
        return None
    return int(next(g for g in match.groups() if g))


def is_undo(text: str, strict: bool = False) -> bool:
    """Tell whether the sender takes back their last record (撤销, 删掉刚才那条, 记错了删除, 上一条作废; 撤消 too)."""
    text = fold_typos(text)
    bare = strip_noise(text)
    if _QUESTION.search(text):
        return False  # "怎么撤销" asks for help
    if _UNDO_ALONE.fullmatch(bare):
        return True
    for action in _UNDO_ACTION.finditer(text):
        if _PASSIVE.search(text[max(0, action.start() - 2) : action.start()]):
            continue
        refs = _UNDO_REF_STRICT if strict else _UNDO_REF
        if refs.search(text) or _MISTAKE.search(text) or len(bare) <= 6:
            return True
    return bool(_UNDO_REF_STRICT.search(text) and _MISTAKE.search(text) and len(bare) <= 10)


def is_help(text: str) -> bool:
    """Tell whether the sender asks how to use the bot (帮助, 怎么用, 能做什么, a lone ?)."""
    bare = text.replace(" ", "")
    return bool(_HELP_ALONE.fullmatch(bare) or _HELP.search(bare))


def is_digest(text: str) -> bool:
    """Tell whether the sender asks for the summary of everyone (周报, 本周汇总, 谁还没完成)."""
    return bool(_DIGEST.search(text))


def asks_who_is_behind(text: str) -> bool:
    """Tell whether the message asks which people have not done something (谁还没..., 哪些领导没...)."""
    return bool(_WHO_BEHIND.search(text))


def asks_about_own_mentees(text: str) -> bool:
    """Tell whether "who has not..." asks about the sender's own counselors/teachers (还有哪几个老师没约谈)."""
    return bool(_OWN_MENTEES.search(text))


def asks_about_everyone(text: str) -> bool:
    """Tell whether a message asks about everyone rather than the sender (各学院情况, 大家的进度, 谁还没…)."""
    return bool(_EVERYONE.search(text))


def asks_for_figures(text: str) -> bool:
    """Tell whether an admin's message asks for figures about everyone (一线时间统计, 这周有多少人没联系学生)."""
    return bool(_FIGURES.search(text))


def asks_own_standing(text: str) -> bool:
    """Tell whether a message asks about the sender's own standing (够了没, 记上了没有, 还用讲吗, 帮我看看)."""
    return bool(_OWN_STANDING.search(text.replace(" ", "")))


def is_progress(text: str) -> bool:
    """Tell whether the sender asks how far they are (我的进度, 本学期完成情况, 还差什么, 达标了没)."""
    return bool(_PROGRESS.search(text.replace(" ", "")))


def is_snooze(text: str, has_contact: bool) -> bool:
    """Tell whether the sender pauses reminders (下周再提醒, 出差到12月3日, 这周别提醒了)."""
    if _SNOOZE.search(text):
        return True
    away = [m for m in _ABSENCE.finditer(text) if not (text.startswith("的", m.end()) or _OTHERS_ABSENCE.search(text, 0, m.start()))]
    return not has_contact and bool(away) and bool(_ABSENCE_SPAN.search(text))


def is_chatter(text: str) -> bool:
    """Tell whether a message is only greetings, thanks, acknowledgements, emoji or punctuation."""
    bare = strip_noise(_CHATTER.sub("", _EMOJI_CODE.sub("", text)))
    return not bare or (bare.isdigit() and len(bare) <= 3)
