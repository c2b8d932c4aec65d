"""The emulator and template cards: its WeCom API holds cards to WeCom's field rules, gives a task_id
once and a response_code one use within 72 hours; its chat page taps a card through the real callback."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
import requests

from bot.chat.context import Deps
from bot.demo.emulator.api import pushed
from bot.demo.emulator.card_rules import card_problem
from tests.wecom.phones import Phones, buttons
from tests.wecom.test_emulator import emulator

GOOD: dict[str, Any] = {
    "card_type": "button_interaction", "task_id": "ob1p0", "main_title": {"title": "请确认：赵建国记录了与您的谈话"},
    "sub_title_text": "11月24日（周二） · 面对面交流", "horizontal_content_list": [{"keyname": "记录人", "value": "赵建国"}],
    "button_list": [{"text": "确认", "style": 1, "key": "confirm:1:2|yes"}, {"text": "不是这样", "style": 2,
                                                                             "key": "confirm:1:2|no"}],
}


def broken(path: str, value: Any) -> dict[str, Any]:
    """GOOD with one field replaced (path like "button_list.0.key"); None removes it."""
    card = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    target: Any = card
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is None:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return card


@pytest.mark.parametrize(("path", "value", "says"), [
    ("task_id", None, "task_id is required"),
    ("task_id", "ob 1", "task_id"),
    ("task_id", "t" * 129, "task_id"),
    ("main_title", None, "main_title is required"),
    ("main_title.title", "", "main_title.title is required"),
    ("main_title.title", "题" * 37, "at most 36"),
    ("sub_title_text", "字" * 161, "at most 160"),
    ("horizontal_content_list.0.keyname", "六个字的标签", "at most 5"),
    ("horizontal_content_list.0.value", "值" * 31, "at most 30"),
    ("button_list", [], "1–6 items"),
    ("button_list", [{"text": f"按钮{i}", "key": f"k{i}"} for i in range(7)], "1–6 items"),
    ("button_list.0.key", "k" * 1025, "at most 1024 bytes"),
    ("button_list.0.key", "键" * 342, "at most 1024 bytes"),  # 1,026 bytes in UTF-8
    ("button_list.1.key", "confirm:1:2|yes", "repeats"),
    ("button_list.0.text", "一二三四五六七八九十十一", "at most 10"),
    ("button_list.0.style", 5, "style"),
    ("card_type", "button", "card_type"),
])
def test_cards_against_the_rules_are_refused(path: str, value: Any, says: str) -> None:
    assert card_problem(GOOD, update=False) is None
    problem = card_problem(broken(path, value), update=False)
    assert problem is not None and says in problem


def test_keys_up_to_1024_bytes_and_six_buttons_are_fine() -> None:
    assert card_problem(broken("button_list.0.key", "k" * 1024), update=False) is None
    six = [{"text": f"按钮{i}", "key": f"k{i}"} for i in range(6)]
    assert card_problem(broken("button_list", six), update=False) is None


def api(deps: Deps, path: str, body: dict[str, Any]) -> dict[str, Any]:
    base = deps.settings.wecom.api_base_url
    with requests.get(f"{base}/cgi-bin/gettoken", params={"corpid": deps.settings.wecom.corp_id,
                                                          "corpsecret": deps.settings.wecom.secret}, timeout=5) as got:
        token = got.json()["access_token"]
    with requests.post(f"{base}/cgi-bin/{path}", params={"access_token": token}, json=body, timeout=5) as answer:
        result: dict[str, Any] = answer.json()
        return result


def test_the_api_takes_a_task_id_once_and_a_response_code_once(fake_api: Deps) -> None:
    send = {"touser": "wangli01", "agentid": 1000002, "msgtype": "template_card", "template_card": GOOD}
    first = api(fake_api, "message/send", send)
    assert first["errcode"] == 0 and first["response_code"]
    assert api(fake_api, "message/send", send)["errcode"] == 42014
    assert api(fake_api, "message/send", {**send, "enable_duplicate_check": 1})["errcode"] == 42014  # not identical
    bad = api(fake_api, "message/send", {**send, "template_card": broken("task_id", "ob2p0") | {"button_list": []}})
    assert bad["errcode"] == 40058 and "button_list" in bad["errmsg"]
    done = {**GOOD, "replace_text": "已确认 · 11月25日 12:00"}
    done.pop("task_id")
    update = {"userids": ["wangli01"], "agentid": 1000002, "response_code": first["response_code"],
              "template_card": done}
    assert api(fake_api, "message/update_template_card", {**update, "userids": ["lisiqi01"]})["errcode"] == 40058
    assert api(fake_api, "message/update_template_card", update)["errcode"] == 0
    spent = api(fake_api, "message/update_template_card", update)
    assert spent["errcode"] == 40058 and "already used" in spent["errmsg"]
    [card, redrawn] = pushed(fake_api, "wangli01")
    assert card["template_card"]["task_id"] == "ob1p0"
    assert redrawn["msgtype"] == "update_template_card" and redrawn["task_id"] == "ob1p0"


def test_a_response_code_lasts_72_hours(fake_api: Deps) -> None:
    send = {"touser": "wangli01", "agentid": 1000002, "msgtype": "template_card", "template_card": GOOD}
    code = api(fake_api, "message/send", send)["response_code"]
    fake_api.clock.moment += timedelta(hours=72, seconds=1)  # type: ignore[attr-defined]
    done = {k: v for k, v in GOOD.items() if k != "task_id"} | {"replace_text": "已确认"}
    late = api(fake_api, "message/update_template_card", {"userids": ["wangli01"], "agentid": 1000002,
                                                          "response_code": code, "template_card": done})
    assert late["errcode"] == 40058 and "72 hours" in late["errmsg"]


def test_the_chat_page_taps_a_card_through_the_callback(phones: Phones) -> None:
    assert "已记录" in phones.say("zhaojianguo01", "今天约谈王丽 了解她的职称评聘情况")
    phones.deliver()
    [card] = phones.cards("wangli01")
    page = emulator(phones.deps)
    result = page.post("/emulator/api/send", json={"userid": "wangli01",
                                                   "tap": {"task_id": card["task_id"],
                                                           "key": card["button_list"][0]["key"]}}).get_json()
    assert result["status"] == 200 and result["reply"]["problem"] is None
    update = result["reply"]["update"]
    assert update["replace_text"].startswith("已确认 · ") and buttons(update) == ["确认", "不是这样", "没有见面"]
    assert update["main_title"]["title"] == card["main_title"]["title"]
    with page.get("/emulator/static/emulator.js") as response:
        script = response.get_data(as_text=True)
    assert "template_card" in script and "tap:" in script
