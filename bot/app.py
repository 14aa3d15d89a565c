"""Composition root: settings -> runtime (bot/runtime.py: database, NLU, policy, engine,
channels) -> the Flask app with its admin, channel and API blueprints."""
from __future__ import annotations

import logging

from flask import Flask, jsonify
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import text

from admin import account as admin_account
from admin import api as admin_api
from admin import auth as admin_auth
from admin import jobs as admin_jobs
from admin import security as admin_security
from admin import views as admin_views
from bot import confirm_page, nlu_api, policy_api
from bot.channels import CHANNELS
from bot.http_errors import install_error_handling
from bot.runtime import Runtime, build_runtime
from bot.throttle import EXTENSION, MessageThrottle
from core.settings import Settings, SettingsError

__all__ = ["Runtime", "build_runtime", "create_app"]

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024  # webhooks and JSON APIs never need more


def create_app(settings: Settings, runtime: Runtime | None = None) -> Flask:
    runtime = runtime or build_runtime(settings)
    if not settings.secret_key:
        raise SettingsError("SHOUHU_SECRET_KEY is not set (sessions cannot be signed)")
    app = Flask(__name__)
    _configure(app, settings)
    app.extensions["shouhu"] = runtime
    csrf = CSRFProtect(app)
    admin_security.install_headers(app)
    login_cfg = admin_security.login_settings(settings.section("admin"))
    limiter = admin_security.make_limiter(app, login_cfg)
    throttle = admin_security.LoginThrottle(limiter, login_cfg)
    app.extensions[admin_security.THROTTLE_EXTENSION] = throttle
    police = str((settings.section("region").get("hotlines") or {}).get("police") or "110")
    app.extensions[EXTENSION] = MessageThrottle(limiter, settings.section("rate_limits"),
                                                runtime.in_danger, police,
                                                record=lambda m, r: runtime.engine.log_refused(m, r))
    # Machine endpoints authenticate by token or signature, not by browser session.
    for bp in (*_channel_blueprints(runtime), admin_api.make_blueprint(runtime.sessions),
               nlu_api.make_blueprint(lambda: runtime.parser),
               policy_api.make_blueprint(lambda: runtime.answerer)):
        app.register_blueprint(bp)
        csrf.exempt(bp)
    app.register_blueprint(admin_auth.make_blueprint(runtime.sessions, limiter, throttle,
                                                     login_cfg["ip_attempts"]))
    app.register_blueprint(admin_views.make_blueprint(runtime.sessions))
    app.register_blueprint(admin_jobs.make_blueprint(runtime.sessions, settings))
    app.register_blueprint(confirm_page.make_blueprint(runtime.sessions, settings.secret_key))
    app.register_blueprint(admin_account.make_blueprint(runtime.sessions, throttle))
    admin_auth.init_login(app, runtime.sessions, settings.section("admin"))
    app.add_url_rule("/healthz", "healthz", lambda: healthz(runtime))
    install_error_handling(app)
    app.register_error_handler(429, admin_auth.too_many)
    return app


def _configure(app: Flask, settings: Settings) -> None:
    admin_cfg = settings.section("admin")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_BODY,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(admin_cfg.get("secure_cookies")),
        REMEMBER_COOKIE_SECURE=bool(admin_cfg.get("secure_cookies")),
        PERMANENT_SESSION_LIFETIME=60 * int(admin_cfg.get("session_minutes", 60)),
        REGION_NAME=settings.section("region").get("name", ""),
    )
    proxies = int(settings.section("server").get("trusted_proxies") or 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def _channel_blueprints(runtime: Runtime) -> list:
    """Each channel's webhook; the adapter itself is built at its first request."""
    made = (adapter.make_blueprint(lambda name=name: runtime.channel(name))
            for name, adapter in CHANNELS.items())
    return [bp for bp in made if bp is not None]


def healthz(runtime: Runtime):
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
