"""Marking a missed crisis through the real WeCom callback (issue 14, item 5): the student's ordinary ticket,
then her counselor's encrypted "漏报#1", answered in the passive reply; the example is kept and nothing is sent
to anyone.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.chat.context import Deps
from bot.concerns.models import FeedbackExample
from tests.concerns.conftest import outbox
from tests.concerns.test_feedback import MISSED, keep
from tests.wecom.conftest import app, client, proto, with_wecom  # noqa: F401  (fixtures used by name)
from tests.wecom.crypto import Protocol
from tests.wecom.helpers import reply_text, say


@pytest.fixture
def wecom_deps(cdeps: Deps) -> Deps:
    return keep(with_wecom(cdeps))


def test_missed_crisis_through_the_wecom_callback(client: FlaskClient, proto: Protocol,  # noqa: F811
                                                  wecom_deps: Deps) -> None:
    assert "#1" in reply_text(proto, say(client, proto, "lisiqi01", MISSED, "7610000001"))
    queued = len(outbox(wecom_deps))
    answer = reply_text(proto, say(client, proto, "wangli01", "漏报#1", "7610000002"))
    assert "漏报样本" in answer and "不会把 #1 转为危机处置" in answer
    with wecom_deps.sessions() as db:
        assert db.scalar(select(FeedbackExample.text)) == MISSED
    assert len(outbox(wecom_deps)) == queued  # nobody is told anything
