"""WeCom's field rules for template cards, as the emulator's message/send and update_template_card check
them: a card the emulator accepts is one WeCom accepts and shows uncut.

Written from WeCom's documentation (发送应用消息 · 模板卡片消息, 更新模版卡片消息), independently of
`bot.channels.template_card`, so a mistake in the bot's rendering shows up here: required fields,
task_id (1–128 bytes of letters, digits and `_-@`), at most 6 horizontal lines and 6 buttons, keys at
most 1,024 bytes and distinct, option ids at most 128 bytes, and the lengths WeCom suggests because the
phone cuts anything longer (title 36, main_title.desc 44, sub_title_text 160, keyname 5, value 30,
button 10, checkbox option 17, select option 16 characters).

Example: card_problem({"card_type": "button_interaction", "main_title": {"title": "请确认"}}, update=False)
→ "task_id is required".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

TASK_ID = re.compile(r"[0-9A-Za-z_\-@]{1,128}")
CARD_TYPES = frozenset({"text_notice", "news_notice", "button_interaction", "vote_interaction", "multiple_interaction"})
INTERACTIVE = frozenset({"button_interaction", "vote_interaction", "multiple_interaction"})
KEY_BYTES = 1024
OPTION_ID_BYTES = 128


class CardRefused(ValueError):
    """The card breaks one of WeCom's rules (the message says which)."""


def card_problem(card: Any, update: bool) -> str | None:
    """Return what is wrong with a template_card object (None: WeCom accepts it)."""
    try:
        check_card(card, update)
    except CardRefused as exc:
        return str(exc)
    return None


def check_card(card: Any, update: bool) -> None:
    """Raise CardRefused for the first rule the card breaks; `update`: an update_template_card card."""
    if not isinstance(card, Mapping):
        raise CardRefused("template_card must be an object")
    kind = card.get("card_type")
    if kind not in CARD_TYPES:
        raise CardRefused(f"card_type {kind!r} is not one of {sorted(CARD_TYPES)}")
    task = card.get("task_id")
    wanted = task is not None or (kind in INTERACTIVE and not update)
    if wanted and (not isinstance(task, str) or not TASK_ID.fullmatch(task)):
        raise CardRefused("task_id is required: 1–128 bytes of letters, digits and _-@")
    title = _object(card, "main_title", required=kind in INTERACTIVE)
    if title is not None:
        _text(title, "title", 36, "main_title.title", required=kind in INTERACTIVE)
        _text(title, "desc", 44, "main_title.desc")
    _text(card, "sub_title_text", 160, "sub_title_text")
    for i, line in enumerate(_list(card, "horizontal_content_list", 0, 6)):
        _text(line, "keyname", 5, f"horizontal_content_list[{i}].keyname", required=True)
        _text(line, "value", 30, f"horizontal_content_list[{i}].value")
    if "replace_text" in card and (not update or not isinstance(card["replace_text"], str)):
        raise CardRefused("replace_text is the text of an updated card's greyed-out buttons")
    if kind == "button_interaction":
        _buttons(card)
    elif kind == "vote_interaction":
        box = _object(card, "checkbox", required=True)
        assert box is not None
        _key(box, "question_key", "checkbox.question_key")
        _options(_list(box, "option_list", 1, 20), 17, "checkbox.option_list")
        _submit(card)
    elif kind == "multiple_interaction":
        for i, select in enumerate(_list(card, "select_list", 1, 3)):
            _key(select, "question_key", f"select_list[{i}].question_key")
            _options(_list(select, "option_list", 1, 10), 16, f"select_list[{i}].option_list")
        _submit(card)


def _buttons(card: Mapping[str, Any]) -> None:
    keys: set[str] = set()
    for i, button in enumerate(_list(card, "button_list", 1, 6)):
        where = f"button_list[{i}]"
        _text(button, "text", 10, f"{where}.text", required=True)
        style = button.get("style", 1)
        if not isinstance(style, int) or not 1 <= style <= 4:
            raise CardRefused(f"{where}.style must be 1–4")
        if button.get("type", 0) == 1:
            if not button.get("url"):
                raise CardRefused(f"{where}.url is required for type 1")
            continue
        key = _key(button, "key", f"{where}.key")
        if key in keys:
            raise CardRefused(f"{where}.key repeats another button's key")
        keys.add(key)


def _submit(card: Mapping[str, Any]) -> None:
    button = _object(card, "submit_button", required=True)
    assert button is not None
    _text(button, "text", 10, "submit_button.text")
    _key(button, "key", "submit_button.key")


def _options(options: Sequence[Mapping[str, Any]], chars: int, where: str) -> None:
    ids: set[str] = set()
    for i, option in enumerate(options):
        option_id = option.get("id")
        if not isinstance(option_id, str) or not option_id or len(option_id.encode()) > OPTION_ID_BYTES:
            raise CardRefused(f"{where}[{i}].id is required, at most {OPTION_ID_BYTES} bytes")
        if option_id in ids:
            raise CardRefused(f"{where}[{i}].id repeats another option's id")
        ids.add(option_id)
        _text(option, "text", chars, f"{where}[{i}].text", required=True)


def _key(obj: Mapping[str, Any], name: str, where: str) -> str:
    key = obj.get(name)
    if not isinstance(key, str) or not key or len(key.encode()) > KEY_BYTES:
        raise CardRefused(f"{where} is required, at most {KEY_BYTES} bytes")
    return key


def _object(obj: Mapping[str, Any], name: str, required: bool = False) -> Mapping[str, Any] | None:
    value = obj.get(name)
    if value is None:
        if required:
            raise CardRefused(f"{name} is required")
        return None
    if not isinstance(value, Mapping):
        raise CardRefused(f"{name} must be an object")
    return value


def _list(obj: Mapping[str, Any], name: str, least: int, most: int) -> list[Mapping[str, Any]]:
    value = obj.get(name, [])
    if not isinstance(value, list) or not least <= len(value) <= most:
        raise CardRefused(f"{name} must be a list of {least}–{most} items")
    if not all(isinstance(item, Mapping) for item in value):
        raise CardRefused(f"{name} items must be objects")
    return value


def _text(obj: Mapping[str, Any], name: str, chars: int, where: str, required: bool = False) -> None:
    value = obj.get(name)
    if value is None or value == "":
        if required:
            raise CardRefused(f"{where} is required")
        return
    if not isinstance(value, str):
        raise CardRefused(f"{where} must be text")
    if len(value) > chars:
        raise CardRefused(f"{where} is {len(value)} characters; WeCom shows at most {chars}")
