"""The emulator in a real browser (Debian's chromium, no download): a leader records a talk, the
counselor's confirmation arrives as a template card, and a tap on 确认 goes through the real encrypted
callback and redraws the card. Screenshots go to test-artifacts/emulator/.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from bot.chat.context import Deps
from bot.demo.emulator import emulator_bp
from bot.demo.emulator.demo_clock import ShiftedClock
from bot.server.web import create_app
from bot.store.models import Contact
from jobs.outbox import flush_outbox
from tests.conftest import ROOT
from tests.console import test_browser as console_browser
from tests.wecom.conftest import with_wecom

pytestmark = pytest.mark.browser

browser = console_browser.browser  # the same module-scoped Playwright fixture
ARTIFACTS = ROOT / "test-artifacts" / "emulator"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def demo(roster_deps: Deps) -> Iterator[tuple[str, Deps]]:
    yield from serve(roster_deps)


@pytest.fixture
def demo_clock(roster_deps: Deps) -> Iterator[tuple[str, Deps]]:
    """As `demo`, with the demo's clock that ⏩ moves on."""
    yield from serve(roster_deps, ShiftedClock())


def serve(roster_deps: Deps, clock: ShiftedClock | None = None) -> Iterator[tuple[str, Deps]]:
    """The bot and the emulator on one free port, the bot's WeCom API being the emulator's."""
    port = free_port()
    deps = with_wecom(roster_deps, api_base_url=f"http://127.0.0.1:{port}/emulator", reply_budget_seconds=30.0)
    if clock is not None:
        deps.clock = clock
    app = create_app(deps=deps)
    app.register_blueprint(emulator_bp)
    if clock is not None:
        app.extensions["demo_clock"] = clock
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}", deps
    server.shutdown()
    thread.join(10)
    server.server_close()


def open_chat(page: Page, userid: str) -> None:
    if page.locator("#back").is_visible():  # on a phone the chat covers the list of people
        page.locator("#back").click()
    page.locator(f'button.person[data-userid="{userid}"]').click()
    expect(page.locator("#chat-who")).to_contain_text(userid)


@contextmanager
def phone(browser: Browser, url: str) -> Iterator[Page]:
    """A phone-sized page on the emulator, closed afterwards."""
    context = browser.new_context(base_url=url, viewport=console_browser.PHONE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(console_browser.BROWSER_WAIT_MS)
    try:
        page.goto("/emulator/")
        yield page
    finally:
        context.close()


def test_a_card_button_is_tapped_in_the_emulator(browser: Browser, demo: tuple[str, Deps]) -> None:
    url, deps = demo
    with phone(browser, url) as page:
        open_chat(page, "zhaojianguo01")
        page.fill("#text", "今天约谈王丽 了解她的职称评聘情况")
        page.click("#send")
        expect(page.locator("li.bot .bubble").last).to_contain_text("已记录")
        open_chat(page, "wangli01")
        assert flush_outbox(deps) == 1  # the confirmation card goes out through WeCom's message/send
        card = page.locator(".tcard").last
        expect(card).to_contain_text("请确认：赵建国记录了与您的谈话")
        expect(card.locator(".tcard-button")).to_have_text(["确认", "不是这样", "没有见面"])
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "card.png"), full_page=True)
        card.locator(".tcard-button", has_text="确认").click()
        expect(page.locator(".tcard").last.locator(".tcard-done")).to_have_text("已确认 · 11月25日 12:00")
        expect(page.locator(".tcard").last.locator(".tcard-button")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "card-answered.png"), full_page=True)
        with deps.sessions() as db:
            assert db.scalar(select(Contact.confirmation)) == "confirmed"


def test_the_crisis_path_with_the_demo_clock(browser: Browser, demo_clock: tuple[str, Deps]) -> None:
    """A student's crisis message, ⏩ to the next step, the 学工负责人's card and his tap on 我来处理."""
    with phone(browser, demo_clock[0]) as page:
        open_chat(page, "zhanghaoran01")
        page.fill("#text", "真的不想活了 今晚就从楼顶跳下去")
        page.click("#send")
        expect(page.locator("li.bot .bubble").last).to_contain_text("12356")
        open_chat(page, "shizhigang01")
        page.click("#advance")
        expect(page.locator(".note").last).to_contain_text("危机升级 1 级")
        card = page.locator(".tcard").last
        expect(card).to_contain_text("【紧急·危机预警】#1 请立即认领")
        card.locator(".tcard-button", has_text="我来处理").click()
        expect(page.locator(".tcard").last.locator(".tcard-done")).to_contain_text("石志刚已接手")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "crisis.png"), full_page=True)
