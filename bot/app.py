"""Composition root: settings -> database, NLU, policy, engine, channels, admin -> Flask app."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
from bot.channels import CHANNELS, Channel, ChannelDeps
from bot.channels.telegram import TelegramChannel
from bot.channels.wechat import WeChatChannel
from bot.engine import Engine
from bot.flows import build_registry
from bot.http_errors import install_error_handling
from bot.throttle import EXTENSION, MessageThrottle
from core import crypto
from core.db import make_engine, make_session_factory, transaction
from core.messages import Media
from core.services import attachments, jobs
from core.services.jurisdiction import gazetteer
from core.services.notifications import Notifier, email_sender, render_text
from core.services.scheduler import periodic_tasks
from core.settings import Settings, SettingsError
from handlers.base import FlowContext
from nlu import danger as danger_words
from nlu.normalize import normalize_text

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024  # webhooks and JSON APIs never need more


@dataclass
class Runtime:
    """Everything built from the settings once, shared by the app and the CLI."""

    settings: Settings
    db: Any
    sessions: Any
    # Overrides the NLU (text -> Rasa-format dict), e.g. a deterministic parser in tests;
    # None = the real model (`parser`).
    parse: Callable[[str], dict] | None = None
    _lazy: dict = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def lazy(self, name: str, build):
        with self._lock:
            if name not in self._lazy:
                self._lazy[name] = build()
            return self._lazy[name]

    @property
    def notifier(self) -> Notifier:
        return self.lazy("notifier", lambda: Notifier(self.settings, on_enqueue=self.wake_worker))

    def flow_context(self) -> FlowContext:
        return FlowContext(settings=self.settings,
                           services={"notifier": self.notifier, "policy": self.answerer,
                                     "media": self.fetch_media},
                           parse=self.parse_text)

    def parse_text(self, text: str) -> dict:
        """The NLU as the engine calls it: an injected `parse` (tests) or the real model."""
        return (self.parse or self.parser.parse)(text)

    @property
    def parser(self):
        """The NLU (embedded model, or a Rasa server with the embedded one as fallback)."""
        def build():
            import nlu
            with transaction(self.sessions) as session:
                places = gazetteer(session)
            cfg = self.settings.section("nlu")
            model_dir = self.settings.resolve(cfg.get("model_dir") or self.settings.instance_dir / "nlu-models")
            return nlu.load_parser(cfg, model_dir, places)
        return self.lazy("parser", build)

    @property
    def kb(self):
        """The policy knowledge base (ingested documents) under kb.dir."""
        def build():
            import policy
            kb_dir = self.settings.resolve(self.settings.section("kb").get("dir") or
                                           self.settings.instance_dir / "kb")
            return policy.open_kb(kb_dir)
        return self.lazy("kb", build)

    @property
    def answerer(self):
        """Policy answers: curated answers plus the ingested documents."""
        def build():
            import policy
            return policy.Answerer(self.kb, self.settings.section("region"))
        return self.lazy("answerer", build)

    @property
    def engine(self) -> Engine:
        def build():
            uncertain = None if self.parse else self.parser.is_uncertain
            return Engine(self.flow_context(), build_registry(), self.parse_text, is_uncertain=uncertain,
                          sessions=self.sessions)
        return self.lazy("engine", build)

    # --- channels: every loop below runs over the one registry, bot.channels.CHANNELS ---
    def channel(self, name: str) -> Channel:
        """The adapter registered under `name`, built at first use."""
        deps = ChannelDeps(self.settings, lambda: self.engine, self.sessions, self.wake_worker,
                           redis=self.redis)
        return self.lazy(f"channel:{name}", lambda: CHANNELS[name].from_deps(deps))

    def redis(self):
        """The production profile's Redis client (redis.url, SHOUHU_REDIS_URL), shared by the
        threads of this process; None in the embedded profile."""
        url = str(self.settings.section("redis").get("url") or "")
        if not url:
            return None
        import redis
        return self.lazy("redis", lambda: redis.Redis.from_url(url, socket_timeout=5,
                                                               health_check_interval=30))

    def in_danger(self, text: str) -> bool:
        """The one danger decision (nlu/danger.py: the word list, then the model's word)."""
        found = danger_words.check(normalize_text(text))
        return danger_words.decide(found, self.engine.parse(text)) is not None

    @property
    def wechat(self) -> WeChatChannel:
        return self.channel("wechat")

    @property
    def telegram(self) -> TelegramChannel:
        return self.channel("telegram")

    def fetch_media(self, channel: str, media: Media) -> tuple[bytes, str] | None:
        """Download a user's photo or voice (Inbound.media) for a flow to attach to a case.
        None when that channel has no API credentials configured."""
        if channel not in CHANNELS:
            return None
        return self.channel(channel).fetch_media(media)

    def senders(self) -> dict[str, jobs.Sender]:
        """Job kind -> delivery function, for the queue's delivery task."""
        senders = {
            "notify:email": email_sender(self.settings),
            "reporter_message": self.send_to_reporter,
            attachments.FETCH_JOB: attachments.fetcher(self.sessions, self.settings.instance_dir / "attachments",
                                                       self.fetch_media),
        }
        for name, adapter in CHANNELS.items():
            if adapter.pushes:
                senders[f"notify:{name}"] = lambda to, body, name=name: self.channel(name).send_text(
                    to, render_text(body))
            senders.update(self.channel(name).job_senders())
        return senders

    def send_to_reporter(self, target: str, body: str) -> None:
        """A case update for its reporter, on the channel they reported from ("wechat:<openid>").
        Web and console users have no push channel: they see it under "我的报告"."""
        channel, _, address = target.partition(":")
        if channel not in CHANNELS:
            log.warning("a reporter message for an unknown channel was dropped")
            return
        self.channel(channel).send_text(address, body)

    @property
    def queue(self):
        """The Huey job queue (bot/queue.py) with the delivery and periodic tasks."""
        def build():
            from bot.queue import JobQueue
            return JobQueue(self.settings, self.sessions, self.senders,
                            periodic_tasks(self.sessions, self.settings, self.notifier))
        return self.lazy("queue", build)

    def start_relay(self):
        """The outbox relay thread: committed jobs onto the queue."""
        def build():
            from bot.relay import Relay
            relay = Relay(self.queue, float(self.queue.cfg["relay_interval_seconds"]))
            relay.start()
            return relay
        return self.lazy("relay", build)

    def start_worker(self, workers: int | None = None):
        """Embedded profile: the relay plus Huey's consumer (workers and periodic tasks)
        in this process. With `queue.in_process: false` (production) only the relay
        runs here; `shouhu worker` and `shouhu scheduler` do the rest."""
        self.start_relay()
        if not self.queue.cfg["in_process"]:
            return None
        return self.lazy("consumer", lambda: self.queue.start_in_process(workers))

    def wake_worker(self) -> None:
        relay = self._lazy.get("relay")
        if relay is not None:
            relay.wake()

    def close(self) -> None:
        for name in ("relay", "consumer"):
            running = self._lazy.pop(name, None)
            if running is not None:
                running.stop()
        queue = self._lazy.pop("queue", None)
        if queue is not None:
            queue.close()
        for name in CHANNELS:
            channel = self._lazy.pop(f"channel:{name}", None)
            if channel is not None:
                channel.close()


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
