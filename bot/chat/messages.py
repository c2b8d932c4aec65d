"""The two values every channel speaks: an `Incoming` message and the bot's `Reply`.

Channels (WeCom, Official Account, console) turn a request into an `Incoming` and a `Reply`
into XML or an API call; nothing between them knows which channel a message came from.

A question with a few answers is a `Choice`: WeCom shows it as a template card with one button per
answer, the Official Account and the console as the typed question it has always been. A tap comes
back as an `Incoming` of kind "event", event "template_card_event", carrying the button's key.

Example: Choice(subject="confirm:12:34", title="请确认谈话记录", buttons=(Button("确认", "yes"), …),
text="…如属实请回复“确认”…") → WeCom card; a tap on 确认 → Incoming(event_key="confirm:12:34|yes").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

# Message kinds a channel may hand to the dispatcher.
TEXT = "text"
EVENT = "event"
LOCATION = "location"
IMAGE = "image"
VOICE = "voice"
CARD_EVENT = "template_card_event"  # a tap on a template card's button (kind EVENT)
KEY_SEPARATOR = "|"  # a button's key is "<subject>|<value>"


@dataclass(frozen=True)
class Incoming:
    """One message from one person, normalised by its channel."""

    channel: str  # "wecom", "official", "console"
    sender: str  # roster userid (or an OpenID, bound to a userid by the channel)
    kind: str = TEXT
    text: str = ""
    msg_id: str = ""  # the platform's MsgId, or sender+CreateTime for events
    school: str = ""  # school code; "" means the default school
    received_at: datetime | None = None  # UTC, set by the channel
    event: str = ""  # enter_agent, click, location, ...
    event_key: str = ""
    media_id: str = ""
    latitude: float | None = None
    longitude: float | None = None
    label: str = ""  # a location's label
    task_id: str = ""  # template_card_event: the card's task id (ours: "ob<outbox row>p<part>")
    response_code: str = ""  # template_card_event: lets the app update that card once, within 72 hours
    card_type: str = ""  # template_card_event: button_interaction, vote_interaction, …
    selected: tuple[tuple[str, tuple[str, ...]], ...] = ()  # template_card_event: (question key, option ids)


@dataclass(frozen=True)
class Button:
    """One answer to a Choice: its label (WeCom: at most 10 characters shown) and the value it stands for."""

    text: str
    value: str
    style: int = 1  # WeCom's button styles 1–4 (1 is the blue, primary one)


@dataclass(frozen=True)
class Choice:
    """A question answered with one tap; `text` is the same question typed, for channels without buttons.

    `subject` names what is asked about ("confirm:<contact>:<person>", "ask:<id>" for a dialogue step,
    "rate:<concern>", "remind:<person>"): every button's key starts with it, and the cards sent are kept
    under it so that a choice made anywhere updates them all. `outcome` is set once the question is
    answered ("已确认 · 12月5日 16:02"); the card then shows it on greyed-out buttons.
    """

    subject: str
    title: str
    buttons: tuple[Button, ...]
    text: str  # the typed question, exactly as the Official Account and the console show it
    description: str = ""
    fields: tuple[tuple[str, str], ...] = ()  # (label, value) lines under the description
    outcome: str = ""

    def key(self, button: Button) -> str:
        """Return the key WeCom sends back when this button is tapped."""
        return f"{self.subject}{KEY_SEPARATOR}{button.value}"

    def answered(self, outcome: str) -> Choice:
        """Return the card redrawn with its outcome."""
        return replace(self, outcome=outcome)

    def plain(self) -> str:
        """Return the question as text (or, once answered, what was chosen)."""
        return self.outcome or self.text

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Choice:
        """Rebuild a Choice from `dataclasses.asdict` output (outbox rows, sent cards)."""
        buttons = tuple(Button(str(b["text"]), str(b["value"]), int(b.get("style", 1))) for b in data["buttons"])
        fields = tuple((str(k), str(v)) for k, v in data.get("fields", ()))
        return Choice(subject=str(data["subject"]), title=str(data["title"]), buttons=buttons,
                      text=str(data.get("text", "")), description=str(data.get("description", "")),
                      fields=fields, outcome=str(data.get("outcome", "")))


def split_key(key: str) -> tuple[str, str]:
    """Split a button key into (subject, value); ("", "") if it is not one of ours."""
    subject, sep, value = key.rpartition(KEY_SEPARATOR)
    return (subject, value) if sep and subject else ("", "")


@dataclass(frozen=True)
class CardUpdate:
    """A card sent earlier, redrawn with its outcome: the tapper's own card (as the passive reply to the
    tap), or, with the `response_code` its sending returned, the card as everyone who got it sees it."""

    card: Choice
    response_code: str = ""


@dataclass(frozen=True)
class Card:
    """A WeCom textcard: a title, a short description and a link."""

    title: str
    description: str
    url: str
    button: str = "详情"


@dataclass(frozen=True)
class Attachment:
    """A file sent after the message (the digest's spreadsheet): a path on the server and its name."""

    path: str
    name: str


@dataclass(frozen=True)
class Reply:
    """What the bot answers: plain text, markdown, or a card; several parts go out in order.

    Order: the card update (a tap's answer), `text` or `markdown` or the textcard, the `choice`, `extra`.
    """

    text: str = ""
    markdown: str = ""
    card: Card | None = None
    extra: tuple[str, ...] = field(default_factory=tuple)  # further text messages, sent after `text`
    attachment: Attachment | None = None  # a file sent last (pushed messages only)
    private: bool = False  # names someone it must not keep (a revealed sender): never stored as the chat reply
    choice: Choice | None = None  # a question to answer with one tap (typed where there are no buttons)
    update: CardUpdate | None = None  # a card redrawn with the outcome of the tap this answers

    @staticmethod
    def of(text: str, *more: str) -> Reply:
        """Build a plain-text reply."""
        return Reply(text=text, extra=tuple(more))

    def plain(self) -> str:
        """Return the reply as plain text, as the console and passive replies show it."""
        if self.text:
            head = self.text
        elif self.markdown:
            head = self.markdown
        elif self.card:
            head = f"{self.card.title}\n{self.card.description}\n{self.card.url}"
        else:
            head = ""
        if self.choice is not None:
            return f"{head}\n{self.choice.plain()}" if head else self.choice.plain()
        return head
