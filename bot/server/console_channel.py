"""The console channel: `contactbot say` and the tests speak to the real dispatcher through it.

Example: `contactbot say --as zhaojianguo01 帮助` prints the bot's answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.chat.context import Deps
from bot.chat.messages import TEXT, Incoming, Reply
from bot.server.dispatcher import dispatch


@dataclass
class ConsoleChannel:
    """Sends text as one person and keeps a transcript of both sides."""

    deps: Deps
    name: str = "console"
    school: str = ""
    transcript: list[tuple[str, str]] = field(default_factory=list)

    def say(self, sender: str, text: str, at: datetime | None = None, kind: str = TEXT, **extra: object) -> Reply:
        """Deliver one message through the dispatcher and return the reply."""
        msg = Incoming(channel=self.name, sender=sender, kind=kind, text=text, school=self.school,
                       received_at=at, **extra)  # type: ignore[arg-type]
        reply = dispatch(msg, self.deps) or Reply()
        self.transcript.append((sender, text))
        self.transcript.append(("bot", reply.plain()))
        return reply
