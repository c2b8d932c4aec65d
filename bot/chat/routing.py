"""Routes: which handler answers which message. Order is priority; the first match wins."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.chat.context import Context
from bot.chat.messages import TEXT, Incoming, Reply
from bot.chat.understanding import understand

Handler = Callable[[Incoming, Context], Reply]
Predicate = Callable[[Incoming, Context], bool]
Step = Callable[[Incoming, Context, dict[str, Any]], Reply | None]  # None: the message does not answer the step


@dataclass(frozen=True)
class Route:
    """A handler with the conditions under which it answers."""

    handler: Handler
    words: tuple[str, ...] = ()  # exact texts (after trimming), e.g. menu keys
    intents: tuple[str, ...] = ()  # the parser's intents
    kinds: tuple[str, ...] = (TEXT,)  # message kinds
    events: tuple[str, ...] = ()  # event names, for kind "event"
    roles: frozenset[str] | None = None  # None: anyone in the roster
    when: Predicate | None = None

    def matches(self, msg: Incoming, ctx: Context) -> bool:
        if msg.kind not in self.kinds:
            return False
        if self.events and msg.event not in self.events:
            return False
        if self.roles is not None and not (ctx.roles & self.roles):
            return False
        if self.words and msg.text.strip() not in self.words:
            return False
        if self.intents and intent_of(msg, ctx) not in self.intents:
            return False
        return self.when is None or self.when(msg, ctx)


def intent_of(msg: Incoming, ctx: Context) -> str:
    """Return the parsed intent of a text message (parsed once per message, cached on ctx)."""
    return understand(msg, ctx).intent


def match(routes: Sequence[Route], msg: Incoming, ctx: Context) -> Route | None:
    """Return the first route that matches the message."""
    for route in routes:
        if route.matches(msg, ctx):
            return route
    return None
