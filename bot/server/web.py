"""The web app: the WeCom/WeChat callbacks, the admin console, and a health check with the outbox's lag."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.chat.context import Deps
from bot.config import Settings, load_settings
from bot.console.blueprint import bp as console_bp
from bot.server.health import health
from bot.server.webhook import bp as webhook_bp
from jobs.urgent import UrgentFlusher


def create_app(settings: Settings | None = None, deps: Deps | None = None) -> Flask:
    """Build the Flask app around one set of dependencies (kept in app.extensions["bot"]).

    An app that builds its own dependencies (gunicorn, `contactbot serve`) also sends urgent outbox rows
    (crisis alerts) from a background thread right after they commit; callers passing `deps` decide that.
    """
    settings = settings or (deps.settings if deps else load_settings())
    if deps is None:
        deps = Deps.build(settings)
        deps.on_urgent = UrgentFlusher(deps)
    app = Flask(__name__)
    hops = settings.app.proxy_hops
    if hops > 0:  # behind nginx: the client's address and scheme come from the proxy's headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # WeCom messages are small; refuse anything larger
    app.secret_key = settings.app.secret_key or None
    app.extensions["bot"] = deps
    app.register_blueprint(webhook_bp)
    app.register_blueprint(console_bp)

    @app.get("/")
    def index() -> str:
        return render_template("index.html", school=settings.app.school_name)

    @app.get("/healthz")
    def healthz() -> Response:
        report, code = health(deps)
        response = jsonify(report)
        response.status_code = code
        response.headers["Cache-Control"] = "no-store"
        return response

    return app
