"""What reminders say, per rule, and the merged message a person gets (one a day at most).

Example: "赵建国您好，基层联系提醒：\n1. 本周（11月23日–29日）您还没有与学生面对面接触的记录……"
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.rules.engine import Obligation, count_text
from bot.schedule.periods import Period

CLOSING = "完成后直接发消息记录即可，例如“今天去3号楼215宿舍看望学生”；外出可回复“出差到X月X日，暂停提醒”。"


def _weeks_left(period: Period, today: date) -> str:
    days = (period.end - today).days
    return f"还有{-(-days // 7)}周" if days > 7 else f"还有{days}天"


def item_text(obligations: Sequence[Obligation], today: date, final: bool) -> str:
    """Say what one rule still asks of a person (several obligations for a per-link rule)."""
    o = obligations[0]
    p = o.period
    names = "、".join(x.mentee.name for x in obligations if x.mentee is not None)
    rule = o.rule.id
    if rule == "weekly_face_to_face":
        lead = "本周即将结束，" if final else ""
        return (f"{lead}本周（{p.label}）您还没有与学生面对面接触的记录（进课堂、班级、宿舍、食堂、社团、讲座均可；"
                "线上交流不计入面对面）。")
    if rule == "weekly_frontline_share":
        lead = "本周即将结束，" if final else ""
        return (f"{lead}本周（{p.label}）深入学生一线的时间已记录{count_text(o.done)}个半天，要求不少于{count_text(o.required)}"
                f"个半天（工作时间的一半），还差{count_text(o.gap)}个半天。")
    if rule == "monthly_chief_contact":
        return f"{p.label}与学生面对面接触{count_text(o.done)}/{count_text(o.required)}次，距月底{_weeks_left(p, today)}。"
    if rule == "quarterly_mentee_talk":
        return (f"本季度{_weeks_left(p, today)}结束，您尚未与{names}面对面交流"
                "（每季度至少一次：约谈、规划发展、工作指导、困难帮扶）。")
    if rule == "semester_ideology_lecture":
        return f"本学期{_weeks_left(p, today)}结束，您本学期还没有讲授思政课或形势与政策课的记录。"
    if rule == "semester_mentee_activity":
        return f"本学期{_weeks_left(p, today)}结束，您尚未参与{names}的工作（班会、与学生谈心、课堂教学，每学期至少一次）。"
    return f"{p.label}{o.rule.title}尚未完成。"


def merged_text(name: str, items: Sequence[str]) -> str:
    """Put one person's reminders of the day into one message."""
    body = items_text(items)
    return f"{name}您好，基层联系提醒：{chr(10) if len(items) > 1 else ''}{body}\n{CLOSING}"


def items_text(items: Sequence[str]) -> str:
    """The reminders alone (numbered when several): a reminder card's text, its buttons saying the rest."""
    if len(items) == 1:
        return items[0]
    return "\n".join(f"{i}. {text}" for i, text in enumerate(items, 1))
