"""The console in a real browser: Playwright drives Debian's chromium (/usr/bin/chromium, no download)
against the app served by werkzeug on 127.0.0.1. Log in, read the overview, filter records, answer a
concern, download an export and open it, and check a leader cannot open another leader's page.
Screenshots go to test-artifacts/console/.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from bot.chat.context import Deps
from bot.store.models import Concern, OutboundMessage
from tests.conftest import ROOT
from tests.console.conftest import ACCOUNTS, PASSWORD, Seed

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts" / "console"
PHONE: ViewportSize = {"width": 390, "height": 844}
# Assertions wait as long as actions do (Playwright's own default is 5 s): on a loaded CI machine a crisis
# alert through the outbox, or a page served while the database is busy, can take longer than that.
BROWSER_WAIT_MS = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium); CI installs it and fails on any skip")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        expect.set_options(timeout=BROWSER_WAIT_MS)
        yield launched
        launched.close()


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    """Serve the app on a free port in a thread (one request at a time: the test's storage is shared)."""
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
    server.server_close()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """The folder for this test's screenshots, named after the test and backend."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale="zh-CN", accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(BROWSER_WAIT_MS)
    yield tab
    context.close()


def log_in(page: Page, role: str) -> None:
    """Open the console, get sent to the login page, and log in with the role's account."""
    page.goto("/console/")
    assert "/login" in page.url
    page.fill("input[name=username]", ACCOUNTS[role][0])
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/console/")


def text(page: Page, selector: str) -> str:
    return page.text_content(selector) or ""


def test_admin_reads_filters_answers_and_exports(page: Page, console_deps: Deps, seed: Seed, shots: Path) -> None:
    p = page
    log_in(p, "admin")
    # The overview: compliance this week/quarter/semester, who is behind, the chart, concerns.
    overview = text(p, "main")
    assert "本周" in overview and "本季度" in overview and "本学期" in overview
    assert "钱振华" in text(p, "main")
    assert p.locator("svg.chart rect").count() == 12
    p.screenshot(path=f"{shots}-overview-phone.png", full_page=True)
    p.set_viewport_size({"width": 1280, "height": 900})
    p.screenshot(path=f"{shots}-overview-desktop.png", full_page=True)

    # Records: filter to dorm visits.
    p.click("nav.tabs >> text=联系记录")
    p.select_option("select[name=kind]", "face_to_face")
    p.select_option("select[name=venue]", "dorm")
    p.click("#record-filters button[type=submit]")
    p.wait_for_url(re.compile(r".*venue=dorm.*"))
    rows = p.locator("#records tbody tr")
    assert rows.count() == 1 and "3号楼215" in (rows.first.text_content() or "")
    p.screenshot(path=f"{shots}-records.png", full_page=True)
    rows.first.locator("a").click()
    assert "今天去3号楼215宿舍看望学生" in text(p, "#source-text")

    # Concerns: answer #2; the answer goes to the student through the outbox.
    p.click("nav.tabs >> text=问题反映")
    p.click("#concerns >> text=#2")
    p.fill("#reply-form textarea[name=text]", "学院下周三晚举办考研经验分享会，欢迎参加")
    p.click("#reply-form button[type=submit]")
    assert "答复已保存" in text(p, "main")
    assert "学院下周三晚举办考研经验分享会" in text(p, "#messages")
    p.screenshot(path=f"{shots}-concern-answered.png", full_page=True)
    with console_deps.sessions() as db:
        concern = db.get(Concern, seed.concern_dept)
        assert concern is not None and concern.status == "answered"
        sent = db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "concern_reply")).all()
        assert [m.recipient for m in sent] == ["zhanghaoran01"]

    # Export: the progress report, downloaded and opened.
    p.click("nav.tabs >> text=导出")
    with p.expect_download() as info:
        p.click("#export-progress")
    download = info.value
    saved = Path(f"{shots}-progress.xlsx")
    download.save_as(saved)
    wb = load_workbook(saved, read_only=True)
    summary = [list(r) for r in wb["学校汇总"].iter_rows(values_only=True)]
    leaders = [list(r) for r in wb["领导干部明细"].iter_rows(values_only=True)]
    wb.close()
    assert summary[1][0] == "示例大学" and len(leaders) == 1 + 40
    assert "赵建国" in {row[2] for row in leaders[1:]}


def test_leader_cannot_open_another_leaders_page(page: Page, seed: Seed, shots: Path) -> None:
    p = page
    log_in(p, "leader")
    assert "我的任务" in text(p, "main")
    response = p.goto(f"/console/people/{seed.qian}")
    assert response is not None and response.status == 403 and "无权访问" in text(p, "main")
    p.screenshot(path=f"{shots}-forbidden.png")
    other = p.goto(f"/console/records/{seed.contact_qian}")
    assert other is not None and other.status == 403
    own = p.goto(f"/console/people/{seed.zhao}")
    assert own is not None and own.status == 200 and "赵建国" in text(p, "h1")
    printable = p.goto(f"/console/people/{seed.zhao}/record")
    assert printable is not None and printable.status == 200 and "深入基层联系工作记录" in text(p, "main")
    p.set_viewport_size({"width": 900, "height": 1200})  # about an A4 page
    p.emulate_media(media="print")
    p.screenshot(path=f"{shots}-record-print.png", full_page=True)


def test_province_compares_schools_and_prints_a_leaders_record(page: Page, seed: Seed, shots: Path) -> None:
    p = page
    log_in(p, "province")
    assert "全部学校（2所）" in text(p, "header")
    rows = p.locator("#school-rates tbody tr")
    assert rows.count() == 2 and "示例大学" in (rows.first.text_content() or "")
    assert "%" in (rows.first.text_content() or "")
    p.set_viewport_size({"width": 1280, "height": 900})
    p.screenshot(path=f"{shots}-province-overview.png", full_page=True)
    p.select_option("select[name=school]", "second")
    p.click("main form.filters button[type=submit]")
    p.wait_for_url(re.compile(r".*school=second.*"))
    assert "第二示范学院" in text(p, "header")
    record = p.goto(f"/console/people/{seed.zhao}/record?term=semester:2026-08-31")
    assert record is not None and record.status == 200
    assert p.locator("#record-obligations tbody tr").count() > 10 and "进行中" in text(p, "#record-obligations")
    p.set_viewport_size({"width": 900, "height": 1200})
    p.emulate_media(media="print")
    p.screenshot(path=f"{shots}-record-obligations-print.png", full_page=True)
