"""The crisis detector's labelled feedback (issue 14, item 5): a false alarm or a missed crisis joins a local
labelled set — the words without roster names, account ids, numbers or sender, only from people told that it
may happen, and only while the school keeps feedback; `漏报#N` from staff on the case marks a missed crisis
and says it starts nothing; the examples go with their ticket's words (erasure, retention) and all of them when
the switch is off; a person's export shows theirs.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from bot.chat.context import Deps
from bot.concerns.feedback import add_feedback, corpus_record, de_identify, refusal
from bot.concerns.models import FeedbackExample
from bot.config import UnderstandingSettings
from bot.people.person_data import erase_person, export_person
from bot.store.models import AuditLog, Base, Concern, Person
from jobs.purge import purge_expired
from tests.concerns.conftest import ADMINS, ticket
from tests.sim import Simulator

ORDINARY = "宿舍热水器坏了 报修一周没人管"
FALSE_ALARM = "实验报告写到想跳楼 能不能晚两天交 王丽老师说不行 电话13812345678 账号lisiqi01 邮箱li@abc.edu.cn"
MISSED = "这学期结束我就不麻烦大家了 宿舍钥匙能先交吗"
TOLD = "去掉姓名、账号和号码"


def keep(deps: Deps, on: bool = True) -> Deps:
    """Turn `[understanding] keep_feedback` on (or off) for one test."""
    deps.settings = replace(deps.settings, understanding=UnderstandingSettings(keep_feedback=on))
    return deps


def examples(deps: Deps) -> list[FeedbackExample]:
    with deps.sessions() as db:
        return list(db.scalars(select(FeedbackExample).order_by(FeedbackExample.id)))


def label(deps: Deps, number: int, kind: str, by: str = "wangli01") -> FeedbackExample | None:
    """Label ticket #number as the lead's close path does (in one transaction)."""
    with deps.sessions.begin() as db:
        concern = db.scalar(select(Concern).where(Concern.number == number))
        staff = db.scalar(select(Person).where(Person.userid == by))
        assert concern is not None and staff is not None
        return add_feedback(db, concern, kind, staff, deps.clock())


def audit(deps: Deps, action: str) -> list[AuditLog]:
    with deps.sessions() as db:
        return list(db.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def test_migration_matches_the_model(deps: Deps) -> None:
    with deps.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert [d for d in diff if "feedback" in repr(d)] == []


def test_a_false_alarm_joins_the_set_without_who_sent_it(sim: Simulator, cdeps: Deps) -> None:
    keep(cdeps)
    student = sim.as_("lisiqi01")
    assert TOLD in student.say(ORDINARY)  # the privacy notice says it, once
    assert "12356" in student.say(FALSE_ALARM)  # alerted as a crisis: #2
    row = label(cdeps, 2, "false_alarm")
    assert row is not None
    assert row.text == ("实验报告写到想跳楼 能不能晚两天交 [姓名]老师说不行 电话[号码] 账号[账号] 邮箱[邮箱]")
    assert (row.label, row.risk, row.detector_category) == ("false_alarm", "crisis", "mental")
    assert "plan:self" in row.signals and row.category == "study"
    assert not {c.name for c in FeedbackExample.__table__.columns} & {"sender_id", "sender_ref", "sender_tag", "number"}
    line = json.dumps(corpus_record(row), ensure_ascii=False)
    assert "李思琪" not in line and "lisiqi01" not in line and "13812345678" not in line
    assert corpus_record(row)["expect"] == {"intent": "concern", "category": "study", "crisis": False}
    assert corpus_record(row)["sender"] == "feedback"
    again = label(cdeps, 2, "false_alarm")
    assert again is not None and again.id == row.id and len(examples(cdeps)) == 1  # closing twice: one example
    assert label(cdeps, 2, "missed_crisis") is None  # a crisis ticket is no missed crisis
    assert label(cdeps, 1, "false_alarm") is None  # nor an ordinary one a false alarm
    added = audit(cdeps, "feedback.add")
    assert [(a.actor, a.target, a.detail["label"]) for a in added] == [("wangli01", "concern#2", "false_alarm")]


def test_a_crisis_case_closed_as_a_false_alarm_joins_the_set(sim: Simulator, cdeps: Deps) -> None:
    keep(cdeps)
    student = sim.as_("lisiqi01")
    student.say(ORDINARY)  # told
    student.say(FALSE_ALARM)  # crisis case #2
    assert "已结案：误报" in sim.as_("wangli01").say("结案#2 误报 说的是实验报告")
    [row] = examples(cdeps)
    assert (row.label, row.labelled_by_id is not None) == ("false_alarm", True)
    assert "[姓名]老师说不行" in row.text
    keep(cdeps, on=False)
    sim.as_("zhanghaoran01").say(ORDINARY)
    sim.as_("zhanghaoran01").say("实验报告写到想跳楼 能不能晚两天交")  # #4, while the school keeps none
    sim.as_("wangli01").say("结案#4 误报")
    assert len(examples(cdeps)) == 1


def test_only_the_words_of_people_told_are_kept(sim: Simulator, cdeps: Deps) -> None:
    student = sim.as_("lisiqi01")
    assert TOLD not in student.say(ORDINARY)  # off: the notice does not say it
    student.say(FALSE_ALARM)
    assert label(cdeps, 2, "false_alarm") is None
    keep(cdeps)
    assert label(cdeps, 2, "false_alarm") is None  # on, but nobody told them yet
    said = student.at("2026-11-27T10:00").say("食堂的饭菜太贵了 希望调整价格")  # past the crisis case's day
    assert TOLD in said and "365天" not in said  # told now: that sentence alone
    assert TOLD not in student.say("图书馆空调太冷了 能不能调高两度")
    assert label(cdeps, 2, "false_alarm") is not None
    sim.as_("zhanghaoran01").say("真的不想活了 什么都做不好")  # a first message, a crisis: never told
    with cdeps.sessions() as db:
        crisis = db.scalar(select(Concern).where(Concern.number == 5))
        assert crisis is not None and crisis.crisis
        assert "没有收到过" in (refusal(db, crisis, "false_alarm", cdeps.clock()) or "")


def test_de_identify_names_ids_numbers_and_mail(roster_deps: Deps) -> None:
    with roster_deps.sessions() as db:
        school_id = db.scalar(select(Person.school_id).limit(1))
        assert school_id is not None
        said = de_identify(db, school_id, "和王丽、王建军两位老师说过 张浩然（ZhangHaoRan01）住3号楼215 qq 123456 a.b@x.cn")
    assert said == "和[姓名]、[姓名]两位老师说过 [姓名]（[账号]）住3号楼[号码] qq [号码] [邮箱]"


def test_missed_crisis_marked_in_chat_starts_nothing(sim: Simulator, cdeps: Deps) -> None:
    keep(cdeps)
    sim.as_("lisiqi01").say(MISSED)  # #1, an ordinary ticket (life); told with it
    said = sim.as_("wangli01").say("漏报＃1")  # her counselor, full-width ＃
    assert "漏报样本" in said and "不会把 #1 转为危机处置" in said and "110" in said
    assert "秦雅琴" in said  # the on-duty list (the roster's admins) is named
    row = examples(cdeps)[0]
    assert (row.label, row.risk, row.text) == ("missed_crisis", "none", MISSED)
    assert row.category in ("mental", "safety") and corpus_record(row)["expect"]["crisis"] is True
    assert not ticket(cdeps, 1).crisis  # no crisis path started
    assert "只有负责 #1 的人员" in sim.as_("zhaojianguo01").say("漏报#1")
    assert "没有找到 #99" in sim.as_("wangli01").say("漏报#99")
    sim.as_("zhanghaoran01").say("真的不想活了 什么都做不好")  # #2, a crisis
    assert "不是漏报" in sim.as_(ADMINS[0]).say("漏报#2")
    marks = audit(cdeps, "concern.mark_missed")
    assert [(a.actor, a.target, a.detail["kept"]) for a in marks] == [("wangli01", "concern#1", True),
                                                                      (ADMINS[0], "concern#2", False)]


def test_missed_crisis_is_refused_while_the_school_keeps_none(sim: Simulator, cdeps: Deps) -> None:
    sim.as_("lisiqi01").say(MISSED)
    said = sim.as_("wangli01").say("漏报#1")
    assert "没有开启" in said and "不会把 #1 转为危机处置" in said
    assert examples(cdeps) == []


def test_erasure_retention_and_the_switch_remove_examples(sim: Simulator, cdeps: Deps) -> None:
    keep(cdeps)
    sim.as_("lisiqi01").say(MISSED)
    sim.as_("wangli01").say("漏报#1")
    sim.as_("caorui01").say(ORDINARY)  # #2
    sim.as_("wangli01").say("漏报#2")
    with cdeps.sessions.begin() as db:
        lisiqi = db.scalar(select(Person).where(Person.userid == "lisiqi01"))
        wangli = db.scalar(select(Person).where(Person.userid == "wangli01"))
        assert lisiqi is not None and wangli is not None
        copy = export_person(db, lisiqi)
        assert copy["concerns"][0]["detector_example"]["label"] == "missed_crisis"
        erase_person(db, lisiqi, cdeps.clock(), cdeps.settings)  # the sender: her example goes
        erase_person(db, wangli, cdeps.clock(), cdeps.settings)  # the staff member: their name leaves the rest
    left = examples(cdeps)
    assert [(r.text, r.labelled_by_id) for r in left] == [(ORDINARY, None)]
    cdeps.clock.moment += timedelta(days=cdeps.settings.retention.concerns_days + 1)  # type: ignore[attr-defined]
    purge_expired(cdeps)
    assert examples(cdeps) == []  # went with #2's words
    sim.as_("zhanghaoran01").say(MISSED)
    sim.as_("wangli01").say(f"漏报#{ticket_count(cdeps)}")
    assert len(examples(cdeps)) == 1
    keep(cdeps, on=False)
    purge_expired(cdeps)
    assert examples(cdeps) == []
    with cdeps.sessions() as db:
        assert db.scalar(select(Person.id).where(Person.feedback_noticed_at.is_not(None))) is None


def ticket_count(deps: Deps) -> int:
    with deps.sessions() as db:
        return len(list(db.scalars(select(Concern.id))))


@pytest.mark.parametrize("text", ["漏报 #12", "标记漏报#12", "漏判＃12 当时其实在说要离开"])
def test_missed_mark_wordings(text: str) -> None:
    from handlers.concerns import MISSED

    match = MISSED.match(text.replace("＃", "#"))
    assert match is not None and match.group(1) == "12"
