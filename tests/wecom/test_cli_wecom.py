"""`contactbot outbox list`, `contactbot wecom menu` and `contactbot official code`."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from bot.chat.context import Deps
from bot.chat.messages import Reply
from bot.cli.main import main
from bot.config import load_settings
from bot.demo.emulator import emulator_bp
from bot.server.web import create_app
from tests.wecom.conftest import AES_KEY, CORP_ID, SECRET, TOKEN, with_wecom
from tests.wecom.test_outbox import queue


def test_outbox_list(cli_roster: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deps = Deps.build(load_settings())
    try:
        queue(deps, "zhaojianguo01", Reply.of("本周提醒：请记录联系情况"))
        queue(deps, "lisiqi01", Reply.of("您反映的问题已有答复"), channel="console")
    finally:
        deps.close()
    capsys.readouterr()
    assert main(["outbox", "list", "--json"]) == 0
    items = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(i["to"], i["text"], i["status"], i["attempts"]) for i in items] == [
        ("zhaojianguo01", "本周提醒：请记录联系情况", "pending", 0), ("lisiqi01", "您反映的问题已有答复", "pending", 0)]
    assert main(["outbox", "flush"]) == 0  # WeCom is not configured: the console row goes, the other waits
    assert "已发送 1 条" in capsys.readouterr().out
    assert main(["outbox", "list"]) == 0
    out = capsys.readouterr().out
    assert "已发送" in out and "待发送" in out and "尝试1次" in out


@pytest.fixture
def api_server(roster_deps: Deps) -> Iterator[str]:
    app = create_app(deps=with_wecom(roster_deps))
    app.register_blueprint(emulator_bp)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/emulator"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_wecom_menu_installs_the_menu(cli_roster: Path, api_server: str, roster_deps: Deps,
                                      monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wecom", "menu"]) == 2
    assert "未配置" in capsys.readouterr().err
    for key, value in {"CORP_ID": CORP_ID, "AGENT_ID": "1000002", "SECRET": SECRET, "TOKEN": TOKEN,
                       "ENCODING_AES_KEY": AES_KEY, "API_BASE_URL": api_server}.items():
        monkeypatch.setenv(f"CONTACTBOT_WECOM_{key}", value)
    assert main(["wecom", "menu"]) == 0
    menu = json.loads(roster_deps.redis.get(roster_deps.key("emulator", "menu")) or "{}")
    assert [b["name"] for b in menu["button"]] == ["记录", "进度", "帮助"]


def test_official_code(cli_roster: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["official", "code", "--for", "lisiqi01", "--by", "wangli01"]) == 0
    assert "李思琪的绑定码" in capsys.readouterr().out
    assert main(["official", "code", "--for", "lisiqi01", "--by", "zhaojianguo01"]) == 2
    assert "无权" in capsys.readouterr().err
