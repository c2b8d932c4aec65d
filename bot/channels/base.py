"""What the WeCom and Official Account adapters share: typed refusals, a decrypted delivery, reply
splitting under WeChat's 2,048-byte limit, and the passive-reply XML.

Example: a 5,000-byte answer becomes three text messages; the first goes back as the passive
reply, the others through the outbox.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from bot.channels.template_card import card_xml, fits
from bot.channels.xml import Node, elements, write_fields
from bot.chat.context import Deps
from bot.chat.messages import CARD_EVENT, Incoming, Reply

MAX_TEXT_BYTES = 2048  # WeCom and WeChat cut text messages longer than this
ZERO_WIDTH_SPACE = "\u200b"

Dispatch = Callable[[Incoming, Deps], Reply | None]  # bot.server.dispatcher.dispatch, handed in by the callback


class Forbidden(Exception):
    """The request is not signed by the platform (bad signature, wrong corp/app id): answer 403."""


class BadMessage(Exception):
    """The request is signed but its body is not a message we can read: answer 400."""


@dataclass(frozen=True)
class Delivery:
    """A decrypted, normalised message plus who the passive reply goes to and comes from."""

    msg: Incoming
    reply_to: str  # the platform's FromUserName (a WeCom userid or an OpenID)
    reply_from: str  # the platform's ToUserName (corp id or the account's original id)


class Channel(Protocol):
    """An adapter: verify and read callbacks, render passive replies, push messages."""

    name: str
    school: str
    cards: bool  # whether a Choice is shown as a card with buttons (else as its typed question)

    def parse(self, args: dict[str, str], body: bytes, now: datetime) -> Delivery: ...
    def verify_url(self, args: dict[str, str]) -> str: ...
    def render_reply(self, delivery: Delivery, reply: Reply, now: datetime) -> str: ...
    def parts(self, reply: Reply) -> list[Reply]: ...
    def send_part(self, recipient: str, part: Reply, step: Step) -> dict[str, Any]: ...


@dataclass
class Step:
    """One part of an outbox row as the outbox sends it: its stable id, the invisible variant that keeps
    it apart from an identical earlier message, and a media id uploaded for it (kept before it is sent,
    so a retry is byte-identical).

    `id` is `ob<row id>p<part>`; a template card puts it in `task_id`, which WeCom wants unique per app.
    """

    id: str
    variant: int = 0
    media_id: str | None = None
    keep_media: Callable[[str], None] = field(default=lambda media_id: None)

    def vary(self, text: str) -> str:
        """Return text made distinct from an identical earlier message by invisible zero-width spaces."""
        return text + ZERO_WIDTH_SPACE * self.variant if text else text


def split_text(text: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """Split text into pieces of at most `limit` UTF-8 bytes, at line breaks where possible."""
    if len(text.encode("utf-8")) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        if len((current + line).encode("utf-8")) <= limit:
            current += line
            continue
        if current:
            pieces.append(current)
            current = ""
        while len(line.encode("utf-8")) > limit:  # one line longer than a message: cut by characters
            cut = _fit(line, limit)
            pieces.append(line[:cut])
            line = line[cut:]
        current = line
    if current:
        pieces.append(current)
    return pieces


def _fit(text: str, limit: int) -> int:
    """Return how many leading characters of text fit in `limit` UTF-8 bytes."""
    size = 0
    for i, ch in enumerate(text):
        size += len(ch.encode("utf-8"))
        if size > limit:
            return i
    return len(text)


def message_parts(reply: Reply, cards: bool = False) -> list[Reply]:
    """Return the reply as single messages in sending order, each within the size limit.

    With `cards` (WeCom) a choice is its own part (a template card, with a description too long for the
    card sent as text just before it) and a card update comes first; without, the choice is typed text
    joined to the reply's text, and card updates are dropped (nothing to redraw).
    """
    parts = [Reply(update=reply.update)] if cards and reply.update is not None else []
    text, choice = reply.text, reply.choice
    if choice is not None and not cards:
        text, choice = (f"{text}\n{choice.text}" if text else choice.text), None
    if reply.card is not None:
        parts.append(Reply(card=reply.card))
    elif reply.markdown:
        parts += [Reply(markdown=m, text=text if i == 0 else "") for i, m in enumerate(split_text(reply.markdown))]
    elif text:
        parts += [Reply(text=t) for t in split_text(text)]
    if choice is not None:
        if not fits(choice):
            parts += [Reply(text=t) for t in split_text(choice.description)]
            choice = replace(choice, description="")
        parts.append(Reply(choice=choice))
    return parts + [Reply(text=t) for more in reply.extra for t in split_text(more)]


def passive_xml(delivery: Delivery, reply: Reply, created: int) -> str:
    """Render one message as the plaintext passive-reply XML (text, news for a textcard, or a card update)."""
    base: dict[str, str | int] = {"ToUserName": delivery.reply_to, "FromUserName": delivery.reply_from,
                                  "CreateTime": created}
    if reply.update is not None:
        return write_fields({**base, "MsgType": "update_template_card"}, inner=card_xml(reply.update.card))
    if reply.choice is not None:  # WeCom takes a new template card only through message/send
        raise ValueError("a choice cannot be a passive reply; queue it through the outbox")
    if reply.card is not None:
        card = reply.card
        article = elements({"Title": card.title, "Description": card.description, "Url": card.url})
        return write_fields({**base, "MsgType": "news", "ArticleCount": 1},
                            inner=f"<Articles><item>{article}</item></Articles>")
    text = reply.text if not reply.markdown else (reply.text or reply.markdown)
    return write_fields({**base, "MsgType": "text", "Content": text})


def incoming_from(fields: dict[str, str], channel: str, school: str, sender: str, now: datetime,
                  tree: Node | None = None) -> Incoming:
    """Normalise a decrypted WeCom/WeChat message or event into an `Incoming` (`tree`: the same XML
    as a tree, for a template card event's SelectedItems)."""
    msgtype = fields.get("MsgType", "")
    created = fields.get("CreateTime", "")
    base = Incoming(channel=channel, sender=sender, school=school, received_at=now, kind=msgtype,
                    msg_id=fields.get("MsgId", ""))
    if msgtype == "text":
        return replace(base, text=fields.get("Content", ""))
    if msgtype == "image":
        return replace(base, media_id=fields.get("MediaId", ""), text=fields.get("PicUrl", ""))
    if msgtype == "voice":
        return replace(base, media_id=fields.get("MediaId", ""), text=fields.get("Recognition", ""))
    if msgtype == "location":
        return replace(base, latitude=_float(fields.get("Location_X")), longitude=_float(fields.get("Location_Y")),
                       label=fields.get("Label", ""))
    if msgtype == "event":
        event = fields.get("Event", "")
        key = fields.get("EventKey", "")
        # Events carry no MsgId: the sender, CreateTime and event name identify one (retries repeat all three).
        msg_id = f"{sender}:{created}:{event}"
        if event.lower() == "click":
            # A menu button stands for its command word (记录/进度/帮助): route it like the typed word.
            return replace(base, kind="text", text=key, event="click", event_key=key, msg_id=msg_id)
        if event == CARD_EVENT:
            # Two taps in one second (on two cards, or two buttons) are two events; a re-send repeats all.
            task = fields.get("TaskId", "")
            tap = hashlib.sha1(f"{task}\n{key}".encode()).hexdigest()[:16]
            return replace(base, event=CARD_EVENT, event_key=key, msg_id=f"{msg_id}:{tap}", task_id=task,
                           response_code=fields.get("ResponseCode", ""), card_type=fields.get("CardType", ""),
                           selected=selected_items(tree))
        return replace(base, event=event.lower(), event_key=key, msg_id=msg_id,
                       latitude=_float(fields.get("Latitude")), longitude=_float(fields.get("Longitude")))
    return base


def selected_items(tree: Node | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Read a template card event's SelectedItems: each question key with the option ids chosen."""
    items = tree.find("SelectedItems") if tree is not None else None
    if items is None:
        return ()
    return tuple((item.findtext("QuestionKey"), tuple(o.text for o in ids.findall("OptionId")))
                 for item in items.findall("SelectedItem") for ids in [item.find("OptionIds")] if ids is not None)


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None
