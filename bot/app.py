"""Composition root: settings -> database, NLU, policy, engine, channels, admin -> Flask app."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, jsonify
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import text

from admin import api as admin_api
from admin import auth as admin_auth
from admin import views as admin_views
from bot.channels import web
from bot.engine import Engine
from core import crypto
from core.db import make_engine, make_session_factory
from core.settings import Settings, SettingsError
from handlers.base import FlowContext

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024  # webhooks and JSON APIs never need more


@dataclass
class Runtime:
    """Everything built from the settings once, shared by the app and the CLI."""

    settings: Settings
    db: Any
    sessions: Any
    _lazy: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def lazy(self, name: str, build):
        with self._lock:
            if name not in self._lazy:
                self._lazy[name] = build()
            return self._lazy[name]

    def flow_context(self) -> FlowContext:
        return FlowContext(sessions=self.sessions, settings=self.settings)

    @property
    def engine(self) -> Engine:
        return self.lazy("engine", lambda: Engine(self.flow_context()))


def build_runtime(settings: Settings) -> Runtime:
    if not settings.field_key:
        raise SettingsError("SHOUHU_FIELD_KEY is not set: personal data cannot be encrypted. "
                            "Set it in the environment (`shouhu demo` generates one for the demo).")
    crypto.configure(settings.field_key)
    db = make_engine(settings.database_url, echo=bool(settings.section("database").get("echo")))
    return Runtime(settings=settings, db=db, sessions=make_session_factory(db))


def create_app(settings: Settings, runtime: Runtime | None = None) -> Flask:
    runtime = runtime or build_runtime(settings)
    if not settings.secret_key:
        raise SettingsError("SHOUHU_SECRET_KEY is not set (sessions cannot be signed)")
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_BODY,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=60 * int(settings.section("admin").get("session_minutes", 60)),
        REGION_NAME=settings.section("region").get("name", ""),
    )
    proxies = int(settings.section("server").get("trusted_proxies") or 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.json.ensure_ascii = False
    app.extensions["shouhu"] = runtime
    csrf = CSRFProtect(app)

    app.register_blueprint(web.make_blueprint(lambda: runtime.engine))
    api_bp = admin_api.make_blueprint(runtime.sessions)
    app.register_blueprint(api_bp)
    app.register_blueprint(admin_auth.make_blueprint(runtime.sessions))
    app.register_blueprint(admin_views.make_blueprint(runtime.sessions))
    admin_auth.init_login(app, runtime.sessions)
    # Machine endpoints authenticate by token or signature, not by browser session.
    csrf.exempt(api_bp)
    for bp_name in ("web",):
        csrf.exempt(app.blueprints[bp_name])

    @app.get("/healthz")
    def healthz():
        try:
            with runtime.db.connect() as conn:
                conn.execute(text("SELECT 1"))
            db_status = "ok"
        except Exception:
            log.exception("health check: database unreachable")
            db_status = "error"
        ok = db_status == "ok"
        return jsonify({"status": "ok" if ok else "degraded", "db": db_status,
                        "database": runtime.db.dialect.name}), (200 if ok else 503)

    @app.errorhandler(413)
    def too_large(_e):
        return jsonify({"error": "request body too large"}), 413

    @app.errorhandler(400)
    def bad_request(e):
        return jsonify({"error": getattr(e, "description", "bad request")}), 400

    return app
