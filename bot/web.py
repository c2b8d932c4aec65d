"""The web app: health check now; the WeCom callback, the emulator and the console register here."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template

from bot.config import Settings, load_settings
from bot.console.blueprint import bp as console_bp
from bot.context import Deps
from bot.webhook import bp as webhook_bp


def create_app(settings: Settings | None = None, deps: Deps | None = None) -> Flask:
    """Build the Flask app around one set of dependencies (kept in app.extensions["bot"])."""
    settings = settings or (deps.settings if deps else load_settings())
    deps = deps or Deps.build(settings)
    app = Flask(__name__)
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
        return jsonify(status="ok")

    return app
