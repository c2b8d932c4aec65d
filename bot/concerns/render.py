"""What people read about a ticket: the sender's receipt, staff notices, replies relayed back.

Staff-facing text names the sender only through `sender_label` (anonymous: "匿名"), never by userid.
Example staff notice: "【新反映 #153】生活 · 后勤管理处\n提问人：匿名\n内容：3号楼热水器坏了 ...".
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.chat.messages import Button, Choice
from bot.concerns.anonymity import REVEAL_NOTICE, sender_label
from bot.concerns.routing import CATEGORY_ZH
from bot.config import Settings
from bot.store.models import Concern, Person

WEEKDAYS_ZH = "一二三四五六日"
STATUS_ZH = {"open": "待答复", "answered": "已答复", "resolved": "已办结", "reopened": "重新处理", "spam": "已标记"}
RATING_ZH = {"satisfied": "满意", "unsatisfied": "不满意"}
HOW_TO_ANSWER = "答复请回复“回复#{n} 内容”；办结后回复“#{n} 已处理 说明”。"


def when(moment: datetime | None, tz: ZoneInfo) -> str:
    """Render a UTC moment in school time: "11月26日（周四）12:00"."""
    if moment is None:
        return "—"
    local = moment.astimezone(tz)
    return f"{local.month}月{local.day}日（周{WEEKDAYS_ZH[local.weekday()]}）{local:%H:%M}"


def ticket_title(concern: Concern) -> str:
    """Return "#153 生活 · 后勤管理处"."""
    return f"#{concern.number} {CATEGORY_ZH.get(concern.category, '其他')} · {concern.owner_office or '待分派'}"


def staff_notice(concern: Concern, sender: Person | None, tz: ZoneInfo, copy: bool = False) -> str:
    """Tell a handler about a new ticket: what, who (or 匿名), by when, and how to answer."""
    lines = [f"【新反映 {ticket_title(concern)}】" + ("（抄送辅导员）" if copy else ""),
             f"提问人：{sender_label(concern, sender)}",
             f"内容：{concern.text}",
             f"请在{when(concern.first_response_due, tz)}前首次答复，{when(concern.resolve_due, tz)}前办结。",
             HOW_TO_ANSWER.format(n=concern.number)]
    if concern.anonymous:
        lines.insert(2, "（提问人要求匿名，答复会由系统转给本人。）")
    return "\n".join(lines)


def receipt(concern: Concern, tz: ZoneInfo, counselor: bool) -> str:
    """Tell the sender their ticket number, who has it and when to expect an answer."""
    to = concern.owner_office + ("和您的辅导员" if counselor else "")
    text = (f"已收到，编号 #{concern.number}（{CATEGORY_ZH.get(concern.category, '其他')}），已转给{to}。\n"
            f"预计{when(concern.first_response_due, tz)}前答复，{when(concern.resolve_due, tz)}前办结。")
    if concern.anonymous:
        text += "\n您选择了匿名：处理人员看不到您的姓名，答复仍会发给您。" + REVEAL_NOTICE
    return text + f"\n补充情况可发“追问#{concern.number} 内容”。"


def privacy_notice(settings: Settings) -> str:
    """What someone raising their first concern is told about their data (PIPL Art. 17)."""
    r = settings.retention
    return ("【个人信息说明】您反映的内容和身份只给负责处理的部门和您的辅导员看；心理和危机类内容只有处置人员可见，"
            "匿名时任何人都看不到您的身份（生命安全面临危险时除外）。"
            f"内容在最后一次处理后保存{r.concerns_days}天（危机情况{r.crisis_days}天）后删除，"
            f"离校后{r.departed_days}天删除。如需查询、复制、更正或删除您的个人信息，请联系{settings.privacy.contact}。"
            + (feedback_notice(settings) if settings.understanding.keep_feedback else ""))


def feedback_notice(settings: Settings) -> str:
    """What someone raising a concern is told while the school keeps the detector's feedback (PIPL Art. 17)."""
    return ("如果系统把您的反映误判为危机，或没有识别出其中的危机，处理老师可以把这条消息的文字去掉姓名、账号和号码后保留"
            "（不记录是谁发的），仅用于改进本校的危机识别，随原问题一同删除；如不同意，请联系"
            f"{settings.privacy.contact}。")


def relayed_answer(concern: Concern, staff: Person, text: str, resolved: bool) -> str:
    """The staff answer as the sender receives it, with how to follow up (a resolved one: `rating_card`)."""
    head = f"【#{concern.number} {'已办结' if resolved else '答复'}】{staff.department or ''}{staff.name}：{text}"
    if resolved:
        return head
    return head + f"\n还有疑问可发“追问#{concern.number} 内容”。"


def rating_subject(concern: Concern) -> str:
    """The subject of a ticket's rating card: "rate:<concern id>"."""
    return f"rate:{concern.id}"


def rating_card(concern: Concern) -> Choice:
    """Ask the sender of a resolved ticket to rate it: 满意 / 不满意 / 追问, or the same typed."""
    return Choice(subject=rating_subject(concern), title=f"#{concern.number} 已办结，问题解决了吗？",
                  buttons=(Button("满意", "satisfied"), Button("不满意", "unsatisfied", style=2),
                           Button("追问", "follow_up", style=2)),
                  text="问题解决了吗？请回复“满意”或“不满意 原因”（不满意会重新处理）。",
                  description=f"不满意会重新处理；还有疑问可点“追问”，或发“追问#{concern.number} 内容”。")
