"""Events and non-text messages: entering the app, the 记录 menu button, photos and locations as
evidence for the last record (N20), and voice messages.

Example: a photo sent within 30 minutes of "今天去3号楼215宿舍看望学生" is attached to that record.
"""

from __future__ import annotations

from datetime import timedelta

from bot.chat.context import Context
from bot.chat.messages import Incoming, Reply
from bot.contacts.records import describe, last_contact
from bot.store.models import Evidence
from bot.terms.roles import LEADER_ROLES, STUDENT

EVIDENCE_WINDOW = timedelta(minutes=30)


def welcome(msg: Incoming, ctx: Context) -> Reply:
    """Greet a person who opens the app and say what to do first."""
    name = ctx.sender.name
    if ctx.roles & LEADER_ROLES:
        text = (f"{name}您好，欢迎使用基层联系助手。联系学生后发一句话即可记录，例如："
                "“今天去3号楼215宿舍看望学生，聊了考研”。点“进度”查看完成情况，点“帮助”查看全部用法。")
    elif STUDENT in ctx.roles:
        text = (f"{name}同学你好！有问题或建议可以直接发给我，会转给负责的老师并告诉你编号和答复时间；"
                "希望匿名请写“匿名”。遇到危险请立即拨打 110 / 120，心理援助热线 12356。")
    else:
        text = (f"{name}老师您好，欢迎使用基层联系助手。联系您的领导记录与您的交流后，您会收到确认消息；"
                "有意见建议可以直接发给我。发“帮助”查看用法。")
    return Reply.of(text)


def record_prompt(msg: Incoming, ctx: Context) -> Reply:
    """Answer the 记录 menu button: how to report a contact in one message."""
    return Reply.of("请直接发一句话描述这次联系，包括时间、地点或对象，例如：\n"
                    "· 今天中午在二食堂和5名学生一起吃饭，聊了就业\n"
                    "· 昨天约谈王丽老师，了解她的职称评聘情况\n"
                    "发完后可以再发照片或位置，会附在这条记录上。")


def attach_evidence(msg: Incoming, ctx: Context) -> Reply:
    """Attach a photo or location to the sender's last record within 30 minutes (N20)."""
    window_hours = EVIDENCE_WINDOW.total_seconds() / 3600
    contact = last_contact(ctx.db, ctx.sender, ctx.now, hours=window_hours)
    what = "照片" if msg.kind == "image" else "位置"
    if contact is None:
        return Reply.of(f"没有找到您30分钟内的联系记录。请先发文字记录这次联系，再发{what}，会附在记录上。")
    ctx.db.add(Evidence(contact_id=contact.id, kind="image" if msg.kind == "image" else "location",
                        media_id=msg.media_id or None, latitude=msg.latitude, longitude=msg.longitude,
                        label=msg.label or None, at=ctx.now))
    return Reply.of(f"{what}已附在记录上：{describe(contact)}")


def ask_for_text(msg: Incoming, ctx: Context) -> Reply:
    """Voice messages are not understood: ask for text."""
    return Reply.of("暂时不能识别语音，请用文字发送，例如：“今天去3号楼215宿舍看望学生”。")
