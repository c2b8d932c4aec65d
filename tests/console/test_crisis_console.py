"""Crisis cases in the console (issue 14): an unacknowledged crisis heads every page for those who may see
it; someone on the case acknowledges, marks contacted and closes it from the concern page (as chat does);
an account without a roster identity may not, and the steps are audited."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from bot.chat.context import Deps
from bot.concerns.models import CrisisCase
from bot.store.models import AuditLog, Concern, OutboundMessage
from tests.console.conftest import Seed, add_account, login, login_as, post
from tests.sim import Simulator

STUDENT, OFFICE_HEAD = "zhanghaoran01", "yinlihua01"  # 尹丽华 heads 心理健康教育中心: on every crisis case


def raise_crisis(deps: Deps) -> int:
    Simulator(deps, STUDENT).at("2026-11-25T12:00").say("真的不想活了 今晚就从楼顶跳下去")
    with deps.sessions() as db:
        concern = db.scalar(select(Concern).where(Concern.crisis.is_(True)))
        assert concern is not None
        return concern.id


def crisis_case(deps: Deps) -> CrisisCase:
    with deps.sessions() as db:
        found = db.scalar(select(CrisisCase))
        assert found is not None
        return found


def test_an_unacknowledged_crisis_heads_every_page_until_acknowledged(client: FlaskClient, console_deps: Deps,
                                                                      seed: Seed) -> None:
    concern_id = raise_crisis(console_deps)
    login_as(client, "admin")
    for page in ("/console/", "/console/people", "/console/records", "/console/exports"):
        html = client.get(page).get_data(as_text=True)
        assert "危机预警无人认领（1 件）" in html and f"/console/concerns/{concern_id}" in html
    page = client.get(f"/console/concerns/{concern_id}").get_data(as_text=True)
    assert "危机个案 · 待认领（本人求助）" in page and "需要以花名册中的身份" in page
    post(client, f"/console/concerns/{concern_id}/crisis", action="ack")  # no roster identity: refused
    assert crisis_case(console_deps).state == "alerted"
    client.post("/logout", data={})
    login_as(client, "leader")  # 赵建国: not on the case, sees no banner
    assert "危机预警无人认领" not in client.get("/console/").get_data(as_text=True)


def test_someone_on_the_case_acknowledges_contacts_and_closes_from_the_console(
        client: FlaskClient, console_deps: Deps, seed: Seed) -> None:
    concern_id = raise_crisis(console_deps)
    add_account(console_deps, "xinli", "department_head", OFFICE_HEAD, "心理健康教育中心")
    assert login(client, "xinli").status_code == 302
    assert "危机预警无人认领" in client.get("/console/").get_data(as_text=True)
    post(client, f"/console/concerns/{concern_id}/crisis", action="ack")
    got = crisis_case(console_deps)
    assert got.state == "acknowledged" and got.acknowledged_at is not None
    assert "危机预警无人认领" not in client.get("/console/").get_data(as_text=True)
    post(client, f"/console/concerns/{concern_id}/crisis", action="contacted", note="已电话联系，人在宿舍")
    post(client, f"/console/concerns/{concern_id}/crisis", action="close", outcome="不存在的结果")
    assert crisis_case(console_deps).state == "contacted"  # an unknown outcome changes nothing
    post(client, f"/console/concerns/{concern_id}/crisis", action="close", outcome="家长已知情", note="家长已接回")
    got = crisis_case(console_deps)
    assert (got.state, got.outcome) == ("closed", "家长已知情") and got.contacted_at and got.closed_at
    page = client.get(f"/console/concerns/{concern_id}").get_data(as_text=True)
    assert "危机个案 · 已结案" in page and "家长已知情" in page and "尹丽华" in page
    with console_deps.sessions() as db:
        told = db.scalar(select(OutboundMessage).where(OutboundMessage.purpose == "crisis_owner"))
        assert told is not None and told.recipient == STUDENT and "尹丽华老师已经在处理" in told.payload["content"]
        actions = list(db.scalars(select(AuditLog.action).where(AuditLog.action.like("crisis%")).order_by(AuditLog.id)))
    assert actions == ["crisis.acknowledge", "crisis.console.ack", "crisis.contacted", "crisis.console.contacted",
                       "crisis.close", "crisis.console.close"]
