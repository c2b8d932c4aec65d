"""A Simulator: one person talking to the real dispatcher through the console channel."""

from __future__ import annotations

from bot.chat.context import Deps
from bot.server.console_channel import ConsoleChannel
from tests.conftest import Clock


class Simulator:
    def __init__(self, deps: Deps, userid: str) -> None:
        self.deps, self.userid = deps, userid
        self.console = ConsoleChannel(deps)

    def at(self, iso: str) -> Simulator:
        """Move the shared test clock to a school-local time."""
        assert isinstance(self.deps.clock, Clock)
        self.deps.clock.set(iso, self.deps.settings)
        return self

    def say(self, text: str) -> str:
        return self.console.say(self.userid, text).plain()

    def as_(self, userid: str) -> Simulator:
        other = Simulator(self.deps, userid)
        other.console = self.console
        return other
