"""gunicorn settings from the bot's own config: `gunicorn -c python:bot.server.gunicorn_conf`.

The worker count comes from `[app] workers` (so the check that refuses an in-process fakeredis
with several workers applies); `--bind` on the command line overrides the default address.

The bot's modules are imported here, once, in the master: a worker then forks ready and only builds its
own app (its database pool and Redis client, after the fork), so a worker that dies is replaced in a
moment and a restarted server answers sooner. Deploy new code by restarting the service (HUP would
fork workers from the code already imported).
"""

import bot.server.web  # noqa: F401  (imported in the master; see above)
from bot.config import load_settings

_settings = load_settings()

wsgi_app = "bot.server.web:create_app()"
workers = _settings.app.workers
bind = "127.0.0.1:8000"
worker_class = "gthread"
threads = 4  # the callback runs the dispatcher in a thread to keep within WeCom's 5 s
timeout = 30
graceful_timeout = 20
accesslog = "-"
