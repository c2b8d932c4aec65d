"""`contactbot demo`: a working bot on this machine with no accounts or config.

SQLite under ./instance/demo.db, an in-process fakeredis, a fictional school (燕赵理工大学) with its
roster, links and a few weeks of history, generated WeCom test keys, and the local WeCom emulator
serving both the chat page and the API the bot calls. An in-process scheduler sends the outbox as
rows are queued, so pushed messages show up in the emulator within a second. Prints the URL to open.
"""

from __future__ import annotations

import base64
import logging
import secrets
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from bot.chat.context import Deps
from bot.config import DatabaseSettings, RedisSettings, SemesterEntry, Settings, WecomSettings
from bot.console.accounts import DEMO_PASSWORD, ensure_demo_accounts
from bot.demo.emulator import emulator_bp
from bot.demo.emulator.demo_clock import ShiftedClock
from bot.demo.emulator.demo_page import demo_index
from bot.demo.history import seed_history
from bot.people.roster import apply_roster, read_roster
from bot.schedule.semesters import assumed_semesters
from bot.server.web import create_app
from bot.store.db import school_by_code, upgrade
from bot.store.models import Person
from jobs.scheduler import start_background_scheduler
from jobs.urgent import UrgentFlusher

DEMO_ROSTER = Path(__file__).resolve().parents[1] / "data" / "demo_roster.csv"
DEMO_SCHOOL = "燕赵理工大学（演示）"
DEMO_STUDENT_AFFAIRS_LEADER = "sunlixin01"  # 孙立新, 党委副书记: the crisis chain's last step in the demo


def demo_semesters(today: date) -> tuple[SemesterEntry, ...]:
    """The usual autumn and spring semesters around today, so the demo is in a current semester."""
    return tuple(SemesterEntry(name=s.name.replace("（默认）", ""), start=s.start, end=s.end)
                 for year in (today.year - 1, today.year, today.year + 1) for s in assumed_semesters(year))


def demo_settings(base: Settings, port: int) -> Settings:
    """Return settings for the demo: embedded storage, one process, the demo school."""
    return replace(
        base,
        app=replace(base.app, school_name=DEMO_SCHOOL, public_url=f"http://127.0.0.1:{port}", workers=1,
                    secret_key=base.app.secret_key or "demo-only-not-secret"),
        database=DatabaseSettings(url=f"sqlite:///{Path('instance').resolve() / 'demo.db'}"),
        redis=RedisSettings(url="", prefix="bot"),
        wecom=demo_wecom(port),
        semesters=demo_semesters(date.today()),
        scheduler=replace(base.scheduler, evidence_minutes=1),  # a photo sent in the chat shows up soon
        crisis=replace(base.crisis, leaders=base.crisis.leaders or (DEMO_STUDENT_AFFAIRS_LEADER,)),
        understanding=replace(base.understanding, keep_feedback=True),  # shows 漏报#N and the labelled set
    )


def demo_wecom(port: int) -> WecomSettings:
    """Generate WeCom test credentials for this run; the API is the emulator's."""
    return WecomSettings(
        corp_id="wwdemo" + secrets.token_hex(6), agent_id=1000002, secret=secrets.token_urlsafe(24),
        token=secrets.token_urlsafe(12), encoding_aes_key=base64.b64encode(secrets.token_bytes(32)).decode()[:43],
        api_base_url=f"http://127.0.0.1:{port}/emulator", reply_budget_seconds=3.0)


def prepare_demo(deps: Deps) -> int:
    """Migrate the demo database and load the demo roster once; return the number of people."""
    upgrade(deps.engine, deps.settings)
    with deps.sessions.begin() as db:
        school = school_by_code(db, "", deps.settings)
        assert school is not None
        count = db.scalar(select(func.count(Person.id)).where(Person.school_id == school.id)) or 0
        if count == 0:
            rows, problems = read_roster(DEMO_ROSTER)
            assert not problems, problems
            now = deps.clock()
            apply_roster(db, school, rows, deps.today(now), now, actor="demo")
            count = len(rows)
    with deps.sessions.begin() as db:
        school = school_by_code(db, "", deps.settings)
        assert school is not None
        seed_history(db, school, deps.today(), deps.settings.tz)
        ensure_demo_accounts(db, school, deps.clock(), deps.settings)
    return count


def run_demo(base: Settings, port: int) -> int:
    """Prepare and serve the demo until interrupted."""
    settings = demo_settings(base, port)
    clock = ShiftedClock()  # the emulator's ⏩ moves it on: a crisis escalates without waiting the minutes out
    deps = Deps.build(settings, clock=clock)
    people = prepare_demo(deps)
    deps.on_urgent = UrgentFlusher(deps)  # crisis alerts reach the emulator at once
    app = create_app(settings, deps=deps)
    app.register_blueprint(emulator_bp)
    app.extensions["demo_clock"] = clock
    app.view_functions["index"] = demo_index  # the demo's first page explains what to try
    for noisy in ("apscheduler", "werkzeug"):  # a line per outbox run and per inbox poll drowns the useful ones
        logging.getLogger(noisy).setLevel(logging.WARNING)
    scheduler = start_background_scheduler(deps)
    url = settings.app.public_url
    print(f"基层联系助手演示已启动：{url}/  （{DEMO_SCHOOL}，{people} 人；Ctrl+C 退出）\n"
          f"企业微信模拟器：{url}/emulator/\n"
          f"管理后台：{url}/login  账号 admin 或 leader，密码 {DEMO_PASSWORD}", flush=True)
    try:
        app.run(host="127.0.0.1", port=port, threaded=True)
    finally:
        scheduler.stop()
        deps.close()
    return 0
