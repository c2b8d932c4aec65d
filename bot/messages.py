"""The two values every channel speaks: an `Incoming` message and the bot's `Reply`.

Channels (WeCom, Official Account, console) turn a request into an `Incoming` and a `Reply`
into XML or an API call; nothing between them knows which channel a message came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Message kinds a channel may hand to the dispatcher.
TEXT = "text"
EVENT = "event"
LOCATION = "location"
IMAGE = "image"
VOICE = "voice"


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
    """What the bot answers: plain text, markdown, or a card; several parts go out in order."""

    text: str = ""
    markdown: str = ""
    card: Card | None = None
    extra: tuple[str, ...] = field(default_factory=tuple)  # further text messages, sent after `text`
    attachment: Attachment | None = None  # a file sent last (pushed messages only)
    private: bool = False  # names someone it must not keep (a revealed sender): never stored as the chat reply

    @staticmethod
    def of(text: str, *more: str) -> Reply:
        """Build a plain-text reply."""
        return Reply(text=text, extra=tuple(more))

    def plain(self) -> str:
        """Return the reply as plain text, as the console and passive replies show it."""
        if self.text:
            return self.text
        if self.markdown:
            return self.markdown
        if self.card:
            return f"{self.card.title}\n{self.card.description}\n{self.card.url}"
        return ""
