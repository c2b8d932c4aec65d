"""gunicorn settings from the bot's own config: `gunicorn -c python:bot.gunicorn_conf`.

The worker count comes from `[app] workers` (so the check that refuses an in-process fakeredis
with several workers applies); `--bind` on the command line overrides the default address.
"""

from bot.config import load_settings

_settings = load_settings()

wsgi_app = "bot.web:create_app()"
workers = _settings.app.workers
bind = "127.0.0.1:8000"
worker_class = "gthread"
threads = 4  # the callback runs the dispatcher in a thread to keep within WeCom's 5 s
timeout = 30
graceful_timeout = 20
accesslog = "-"
