"""The crisis path through the real WeCom callback (issue 6 §5, "through the WeCom callback"):
an encrypted message from a student who signals suicide gets the support answer with hotlines as the
passive reply, and the alerts are queued for WeCom at once.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from bot.chat.context import Deps
from tests.concerns.conftest import MENTAL_OFFICE_HEAD, outbox, text_of, tickets
from tests.wecom.conftest import app, client, proto, with_wecom  # noqa: F401  (fixtures used by name)
from tests.wecom.crypto import Protocol
from tests.wecom.helpers import reply_text, say


@pytest.fixture
def wecom_deps(cdeps: Deps) -> Deps:
    return with_wecom(cdeps)


def test_crisis_through_the_wecom_callback(client: FlaskClient, proto: Protocol,  # noqa: F811
                                           wecom_deps: Deps) -> None:
    answer = reply_text(proto, say(client, proto, "zhanghaoran01", "真的不想活了 什么都做不好", "7600000001"))
    assert "12356" in answer and "110" in answer and "120" in answer
    alerts = outbox(wecom_deps, "crisis_alert")
    assert {r.recipient for r in alerts} == {MENTAL_OFFICE_HEAD, "wangli01"}
    assert {r.channel for r in alerts} == {"wecom"} and "不想活了" in text_of(alerts[0])
    assert tickets(wecom_deps)[0].crisis and tickets(wecom_deps)[0].channel == "wecom"


def test_hyperbole_through_the_wecom_callback_alerts_nobody(client: FlaskClient, proto: Protocol,  # noqa: F811
                                                            wecom_deps: Deps) -> None:
    answer = reply_text(proto, say(client, proto, "dengzijian01", "累死了 实验报告一周要交五份 能不能少布置一点",
                                   "7600000002"))
    assert "12356" not in answer and "#1" in answer
    assert outbox(wecom_deps, "crisis_alert") == []
