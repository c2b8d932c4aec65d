"""Help: "帮助" explains what the bot does for the sender's roles, with examples to copy."""

from __future__ import annotations

from bot.chat.context import Context
from bot.chat.messages import Incoming, Reply
from bot.terms.roles import (
    ADMIN,
    COUNSELOR,
    IDEOLOGY_TEACHER,
    LINKING_ROLES,
    MIDDLE_CHIEF,
    SCHOOL_LEADER,
    STUDENT,
    STUDENT_AFFAIRS_HEAD,
    roles_zh,
)

LEADER_HELP = (
    "【记录联系】直接发一句话即可，例如：\n"
    "· 今天去3号楼215宿舍看望学生，聊了考研\n"
    "· 昨天中午在二食堂和5名学生一起吃饭\n"
    "· 周三在报告厅给大一新生讲形势与政策课\n"
    "· 线上：昨晚通过微信群和毕业班同学交流（记为“键对键”，不计入面对面）"
)
LINK_HELP = (
    "【联系辅导员/思政课教师】\n"
    "· 约谈王丽 了解她的职称评聘情况\n"
    "· 今天旁听了张明华老师的思政课"
)
FRONTLINE_HELP = "【一线时间】例如：今天全天在学生社区值守；上午半天在学院一线"
CHIEF_HELP = "【本单位要求】学校规定中层正职每月与学生面对面接触，记录方式同上。"
COMMON_LEADER_HELP = (
    "【其他】\n"
    "· 我的进度：查看本周/本季度/本学期完成情况\n"
    "· 撤销：撤回刚才那条记录（24小时内）；改成昨天 / 改成食堂 / 人数8：修改刚才那条\n"
    "· 出差到12月3日，暂停提醒：外出期间暂停提醒"
)
MENTEE_HELP = (
    "【辅导员/思政课教师】\n"
    "· 联系您的领导记录与您的谈话后，您会收到确认消息，回复“确认”或“不是这样”\n"
    "· 有意见建议或困难，直接发给我，会转给您的联系领导，例如：希望学校多支持辅导员进修"
)
BINDING_HELP = "【学生绑定公众号】发“绑定码 学生姓名”，为不在企业微信的学生生成一次性绑定码。"
STUDENT_HELP = (
    "【反映问题（键对键）】直接把问题发给我，会转给负责的部门并告诉您编号和答复时间，例如：\n"
    "· 宿舍热水器坏了，报修一周没人来\n"
    "· 想找暑期实习，学院有推荐的单位吗\n"
    "· 希望匿名：在消息里写“匿名”，处理人员看不到您的姓名\n"
    "收到答复后可以回复“满意”或“不满意”，也可以“追问#编号 内容”。\n"
    "如果您或身边的人遇到危险，请立即拨打 110 / 120，心理援助热线 12356。"
)
ADMIN_HELP = "【管理员】发“周报”查看本周汇总；网页管理后台可查看记录、处理反映、导出报表。"


def show_help(msg: Incoming, ctx: Context) -> Reply:
    """Explain what the bot does for the sender's roles."""
    roles = ctx.roles
    parts = [f"您好，{ctx.sender.name}（{roles_zh(roles) or '未设置角色'}）。我是基层联系助手。"]
    if roles & {SCHOOL_LEADER, MIDDLE_CHIEF, STUDENT_AFFAIRS_HEAD}:
        parts.append(LEADER_HELP)
    if roles & LINKING_ROLES:
        parts.append(LINK_HELP)
    if STUDENT_AFFAIRS_HEAD in roles:
        parts.append(FRONTLINE_HELP)
    if MIDDLE_CHIEF in roles and SCHOOL_LEADER not in roles:
        parts.append(CHIEF_HELP)
    if roles & {SCHOOL_LEADER, MIDDLE_CHIEF, STUDENT_AFFAIRS_HEAD}:
        parts.append(COMMON_LEADER_HELP)
    if roles & {COUNSELOR, IDEOLOGY_TEACHER}:
        parts.append(MENTEE_HELP)
    if roles & {COUNSELOR, ADMIN}:
        parts.append(BINDING_HELP)
    if STUDENT in roles:
        parts.append(STUDENT_HELP)
    if ADMIN in roles:
        parts.append(ADMIN_HELP)
    return Reply.of("\n\n".join(parts))
