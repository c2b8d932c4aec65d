"""The crisis detector's labelled feedback: a crisis alert closed as a false alarm (误报), or an ordinary
ticket that staff on its case mark as a crisis that was missed (漏报), adds the ticket's first message to a
local labelled set that `contactbot understanding train` can include (written out as corpus records).

Anonymity by construction: the words kept have every roster name, account id, run of three or more digits
(rooms, phone and student numbers) and e-mail address replaced by a placeholder, and no column says who sent
them. Consent: only the words of someone who was told it may happen (`Person.feedback_noticed_at`, set when
the privacy notice says so, which it does while `[understanding] keep_feedback` is on); a row goes when its
ticket's words go (retention, erasure: bot/concerns/purge.py), and the whole set when the switch is off
(jobs/purge.py).

Example: `add_feedback(db, concern, "false_alarm", counselor, now)` on "这个毕设要了我的老命 王丽老师三周没回"
keeps "这个毕设要了我的老命 [姓名]老师三周没回", crisis false, category study.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.concerns.cases import on_duty_people
from bot.concerns.models import FeedbackExample
from bot.concerns.senders import sender_of
from bot.config import Settings
from bot.parse.assess import crisis_category, learned_category
from bot.parse.text import normalise
from bot.store.audit import record
from bot.store.models import AuditLog, Concern, Person, School

FALSE_ALARM, MISSED_CRISIS = "false_alarm", "missed_crisis"
LABEL_ZH = {FALSE_ALARM: "误报", MISSED_CRISIS: "漏报"}
NAME, ACCOUNT, NUMBER, EMAIL = "[姓名]", "[账号]", "[号码]", "[邮箱]"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_DIGITS = re.compile(r"[0-9０-９]{3,}")
FEEDBACK_SENDER = "feedback"  # the corpus record's sender: never the person who wrote it
OFF_TEXT = "本校没有开启“误报漏报样本”（识别改进）功能，未保存。如需开启，请联系管理员。"


def de_identify(db: Session, school_id: int, text: str) -> str:
    """Replace the school's roster names and account ids, digit runs and e-mail addresses with placeholders."""
    people = db.execute(select(Person.name, Person.userid).where(Person.school_id == school_id)).all()
    out = _EMAIL.sub(EMAIL, text)
    lowered = out.lower()
    userids = sorted({u for _, u in people if u and u.lower() in lowered}, key=len, reverse=True)
    for userid in userids:  # before digits: "lisiqi01" is one id, not a name and a number
        out = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(userid)}(?![A-Za-z0-9_])", ACCOUNT, out, flags=re.I)
    names = sorted({n for n, _ in people if len(n) >= 2 and not n.startswith("（") and n in out}, key=len, reverse=True)
    for name in names:  # longest first: 王丽娟 before 王丽; a name inside a word goes too (better too much)
        out = out.replace(name, NAME)
    return _DIGITS.sub(NUMBER, out)


def reading_then(db: Session, concern: Concern) -> tuple[str, str, list[str]]:
    """Return the detector's tier, category and signals when the ticket's first message came (from the
    audit row the crisis and watch tiers write; a ticket without one was read as none)."""
    row = db.scalar(select(AuditLog).where(
        AuditLog.school_id == concern.school_id, AuditLog.target == f"#{concern.number}",
        or_(AuditLog.action == "concern.crisis", AuditLog.action == "concern.watch")).order_by(AuditLog.id).limit(1))
    if row is not None:
        return str(row.detail.get("risk", "none")), concern.category, [str(s) for s in row.detail.get("signals", [])]
    return ("crisis" if concern.crisis else "none"), concern.category, []


def refusal(db: Session, concern: Concern, label: str, at: datetime) -> str | None:
    """Say why this ticket's words may not join the set with this label (None: they may)."""
    if label not in LABEL_ZH:
        raise ValueError(f"unknown feedback label {label!r}")
    if concern.purged_at is not None or not concern.text:
        return f"#{concern.number} 的内容已按保存期限或本人要求删除，无法保存为样本。"
    if label == FALSE_ALARM and not concern.crisis:
        return f"#{concern.number} 没有按危机预警处理，不是误报。"
    if label == MISSED_CRISIS and concern.crisis:
        return f"#{concern.number} 已按危机情况处理，不是漏报。"
    sender = sender_of(db, concern)
    told = sender.feedback_noticed_at if sender is not None else None
    if told is None or told > at:
        return (f"提问人没有收到过“误判样本会去掉身份后保留”的说明，按个人信息规则不保存 #{concern.number} 的文字。")
    return None


def add_feedback(db: Session, concern: Concern, label: str, by: Person | None,
                 at: datetime) -> FeedbackExample | None:
    """Add the ticket's first message to the labelled set, de-identified; None when consent or the ticket's
    kind forbids it (see `refusal`). Labelling the same ticket again returns the row it already has."""
    existing = db.scalar(select(FeedbackExample).where(FeedbackExample.concern_id == concern.id))
    if existing is not None:
        return existing if existing.label == label else None
    if refusal(db, concern, label, at) is not None:
        return None
    text = de_identify(db, concern.school_id, concern.text)
    risk, detector_category, signals = reading_then(db, concern)
    row = FeedbackExample(school_id=concern.school_id, concern_id=concern.id, label=label, text=text,
                          category=corpus_category(concern, label, text), risk=risk,
                          detector_category=detector_category, signals=signals, labelled_at=at,
                          labelled_by_id=by.id if by is not None else None)
    db.add(row)
    db.flush()
    record(db, school_id=concern.school_id, actor=by.userid if by is not None else "system", action="feedback.add",
           target=f"concern#{concern.number}", detail={"label": label, "feedback_id": row.id, "risk": risk}, at=at)
    return row


def corpus_category(concern: Concern, label: str, text: str) -> str:
    """Return the category the corpus record carries (corpus/README.md's rules): a missed crisis is mental or
    safety; a false alarm is what the message asks to be fixed, as the detector reads it without the crisis."""
    learned = learned_category(normalise(text))
    if label == MISSED_CRISIS:
        return concern.category if concern.category in ("mental", "safety") else crisis_category((), learned)
    return learned


def corpus_record(row: FeedbackExample) -> dict[str, Any]:
    """Return one example as a corpus line (corpus/README.md): {"id","sender","today","text","expect"}."""
    return {"id": f"fb{row.school_id}-{row.id}", "sender": FEEDBACK_SENDER, "today": row.labelled_at.date().isoformat(),
            "text": row.text, "family": f"feedback-{row.label.replace('_', '-')}",
            "expect": {"intent": "concern", "category": row.category, "crisis": row.label == MISSED_CRISIS}}


def write_corpus(rows: Iterable[FeedbackExample], out: IO[str]) -> int:
    """Write examples as corpus JSONL; return how many."""
    count = 0
    for row in rows:
        out.write(json.dumps(corpus_record(row), ensure_ascii=False) + "\n")
        count += 1
    return count


def mark_missed(db: Session, concern: Concern, by: Person | None, at: datetime, settings: Settings,
                school: School) -> tuple[FeedbackExample | None, str]:
    """Mark an ordinary ticket as a crisis that was missed (the caller checked `by` is on its case and audits);
    return the example kept, if any, and what the staff member is told — which says that nothing was started."""
    if not settings.understanding.keep_feedback:
        row, said = None, OFF_TEXT
    else:
        reason = refusal(db, concern, MISSED_CRISIS, at)
        row = add_feedback(db, concern, MISSED_CRISIS, by, at) if reason is None else None
        said = reason or (f"已把 #{concern.number} 的第一条消息记为漏报样本（已去掉姓名、账号和号码，不记录提问人），"
                          "下次重新训练危机识别时使用。")
    duty = "、".join(p.name for p in on_duty_people(db, school, settings)) or "值班人员"
    return row, (f"{said}\n注意：标记漏报不会把 #{concern.number} 转为危机处置，也不会通知任何人。如果提问人现在可能有危险，"
                 f"请立即联系本人，并告知值班人员（{duty}）；有生命危险请拨打 110 / 120。")
