"""`contactbot demo`: a working bot on this machine with no accounts or config.

SQLite under ./instance/demo.db, an in-process fakeredis, and a fictional school (燕赵理工大学)
with its roster and links. Prints the URL to open.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select

from bot.config import DatabaseSettings, RedisSettings, Settings
from bot.context import Deps
from bot.db import school_by_code, upgrade
from bot.models import Person
from bot.roster import apply_roster, read_roster

DEMO_ROSTER = Path(__file__).resolve().parent / "data" / "demo_roster.csv"
DEMO_SCHOOL = "燕赵理工大学（演示）"


def demo_settings(base: Settings, port: int) -> Settings:
    """Return settings for the demo: embedded storage, one process, the demo school."""
    return replace(
        base,
        app=replace(base.app, school_name=DEMO_SCHOOL, public_url=f"http://127.0.0.1:{port}", workers=1,
                    secret_key=base.app.secret_key or "demo-only-not-secret"),
        database=DatabaseSettings(url=f"sqlite:///{Path('instance').resolve() / 'demo.db'}"),
        redis=RedisSettings(url="", prefix="bot"),
    )


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
    return count


def run_demo(base: Settings, port: int) -> int:
    """Prepare and serve the demo until interrupted."""
    from bot.web import create_app

    settings = demo_settings(base, port)
    deps = Deps.build(settings)
    people = prepare_demo(deps)
    app = create_app(settings, deps=deps)
    print(f"基层联系助手演示已启动：{settings.app.public_url}/  （{DEMO_SCHOOL}，{people} 人；Ctrl+C 退出）", flush=True)
    app.run(host="127.0.0.1", port=port, threaded=True)
    return 0
