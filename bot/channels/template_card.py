"""WeCom template cards: a `Choice` as a button_interaction card, for message/send, for
message/update_template_card, and as the passive reply that redraws the card a person tapped.

WeCom's rules for button_interaction (发送应用消息 · 模板卡片消息): `task_id` is required, 1–128 bytes of
letters, digits and `_-@`, never reused by the app; `main_title.title` is required; at most 6
`horizontal_content_list` lines and 1–6 buttons, each key at most 1,024 bytes and distinct. Texts longer
than WeCom's suggested lengths (title 36, sub_title_text 160, keyname 5, value 30, button 10
characters) are cut on the phone, so we keep within them; a description too long for the card goes
out as a text message just before it (`fits`).

Example: card_json(choice, "ob12p0") → {"card_type": "button_interaction", "task_id": "ob12p0",
"main_title": {"title": "请确认谈话记录"}, "button_list": [{"text": "确认", "key": "confirm:12:34|yes", …}]}.
"""

from __future__ import annotations

from typing import Any

from bot.channels.xml import XMLValue, nested_elements
from bot.chat.messages import Choice

CARD_TYPE = "button_interaction"
TITLE_CHARS = 36
SUBTITLE_CHARS = 160
KEYNAME_CHARS = 5
VALUE_CHARS = 30
BUTTON_CHARS = 10
MAX_BUTTONS = 6
MAX_LINES = 6
# JSON field names as the passive reply's XML spells them (the rest is CamelCase of the JSON name).
XML_TAGS = {"keyname": "KeyName"}


def cut(text: str, limit: int) -> str:
    """Shorten text to `limit` characters, ending with "…" when something was cut."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def fits(choice: Choice) -> bool:
    """Whether the description fits on the card (otherwise it is sent as text just before)."""
    return len(choice.description) <= SUBTITLE_CHARS


def card_json(choice: Choice, task_id: str | None = None) -> dict[str, Any]:
    """Return the template_card object; an answered choice shows its outcome on greyed-out buttons."""
    card: dict[str, Any] = {"card_type": CARD_TYPE, "main_title": {"title": cut(choice.title, TITLE_CHARS)}}
    if choice.description:
        card["sub_title_text"] = cut(choice.description, SUBTITLE_CHARS)
    if choice.fields:
        card["horizontal_content_list"] = [
            {"keyname": cut(label, KEYNAME_CHARS), "value": cut(value, VALUE_CHARS)}
            for label, value in choice.fields[:MAX_LINES]]
    if task_id is not None:
        card["task_id"] = task_id
    card["button_list"] = [{"text": cut(b.text, BUTTON_CHARS), "style": b.style, "key": choice.key(b)}
                           for b in choice.buttons[:MAX_BUTTONS]]
    if choice.outcome:
        card["replace_text"] = choice.outcome
    return card


def card_xml(choice: Choice) -> str:
    """Return the `<TemplateCard>` element of a passive update_template_card reply."""
    return nested_elements("TemplateCard", _xml_value(card_json(choice)))


def _xml_value(value: Any) -> XMLValue:
    if isinstance(value, dict):
        return {XML_TAGS.get(k, "".join(part.capitalize() for part in k.split("_"))): _xml_value(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_xml_value(v) for v in value]
    return value if isinstance(value, int) else str(value)
