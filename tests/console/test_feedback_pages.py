"""The crisis detector's labelled set in the console (issue 14, item 5): the 标记漏报 button on an ordinary
ticket for the people on its case (CSRF-protected, audited, starting nothing); the list for admins and the
mental-health office, words only for those on the case of the ticket they came from, every read audited; the
download as corpus JSONL.
"""

from __future__ import annotations

import json
from dataclasses import replace

from flask.testing import FlaskClient
from sqlalchemy import select, update

from bot.chat.context import Deps
from bot.concerns.models import FeedbackExample
from bot.config import UnderstandingSettings
from bot.store.models import AuditLog, Concern, Person
from tests.console.conftest import Seed, add_account, csrf, login, login_as, post

WORDS = "希望学校在职称评审中多考虑辅导员的工作量"  # #5, raised by 王丽, owned by the leader 赵建国


def keep(deps: Deps) -> None:
    deps.settings = replace(deps.settings, understanding=UnderstandingSettings(keep_feedback=True))
    with deps.sessions.begin() as db:  # 王丽 was told the words may be kept
        db.execute(update(Person).where(Person.userid == "wangli01").values(feedback_noticed_at=deps.clock()))


def actions(deps: Deps) -> list[tuple[str, str, str]]:
    with deps.sessions() as db:
        return [(a.actor, a.action, a.target) for a in db.scalars(
            select(AuditLog).where(AuditLog.action.in_(("concern.mark_missed", "feedback.add", "feedback.list",
                                                         "feedback.export"))).order_by(AuditLog.id))]


def test_the_owner_marks_a_missed_crisis(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    keep(console_deps)
    login_as(client, "leader")
    page = client.get(f"/console/concerns/{seed.concern_zhao}").get_data(as_text=True)
    assert "标记为漏报的危机" in page and "不会启动危机处置" in page
    assert client.post(f"/console/concerns/{seed.concern_zhao}/missed").status_code == 400  # no CSRF token
    response = post(client, f"/console/concerns/{seed.concern_zhao}/missed")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "漏报样本" in page and "不会把 #5 转为危机处置" in page and "已记为漏报样本" in page
    with console_deps.sessions() as db:
        row = db.scalar(select(FeedbackExample))
        concern = db.get(Concern, seed.concern_zhao)
        assert row is not None and concern is not None
        assert (row.label, row.text, row.labelled_by_id, concern.crisis) == ("missed_crisis", WORDS, seed.zhao, False)
    assert actions(console_deps) == [("zhaojianguo01", "feedback.add", "concern#5"),
                                     ("console:leader1", "concern.mark_missed", "concern#5")]


def test_no_button_while_the_school_keeps_none(client: FlaskClient, seed: Seed) -> None:
    login_as(client, "leader")
    assert "标记为漏报的危机" not in client.get(f"/console/concerns/{seed.concern_zhao}").get_data(as_text=True)
    response = post(client, f"/console/concerns/{seed.concern_zhao}/missed")
    assert "没有开启" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_set_is_listed_words_on_the_case_only(client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    keep(console_deps)
    login_as(client, "leader")
    post(client, f"/console/concerns/{seed.concern_zhao}/missed")
    client.post("/logout", data={"csrf_token": csrf(client)})
    login_as(client, "admin")  # a local admin account: on no case
    page = client.get("/console/feedback").get_data(as_text=True)
    assert "漏报" in page and "赵建国" in page and WORDS not in page and "仅处理该问题的人员可见" in page
    assert "#5" not in page and "王丽" not in page  # never the ticket or who raised it
    assert client.get("/console/feedback.jsonl").get_data(as_text=True) == ""  # nothing it may read
    assert "误报漏报样本" in client.get("/console/concerns").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf(client)})
    add_account(console_deps, "mental1", "department_head", "yinlihua01", "心理健康教育中心")
    assert login(client, "mental1").status_code == 302  # the mental-health office: on every case
    assert WORDS in client.get("/console/feedback").get_data(as_text=True)
    download = client.get("/console/feedback.jsonl")
    assert "attachment" in download.headers["Content-Disposition"]
    record = json.loads(download.get_data(as_text=True))
    assert record["text"] == WORDS and record["expect"]["crisis"] is True and record["sender"] == "feedback"
    assert [a for a in actions(console_deps) if a[1] != "feedback.add"] == [
        ("console:leader1", "concern.mark_missed", "concern#5"), ("console:admin1", "feedback.list", "feedback"),
        ("console:admin1", "feedback.export", "feedback.jsonl"), ("console:mental1", "feedback.list", "feedback"),
        ("console:mental1", "feedback.export", "feedback.jsonl")]
    client.post("/logout", data={"csrf_token": csrf(client)})
    login_as(client, "department_head")  # another department's head
    assert client.get("/console/feedback").status_code == 403
