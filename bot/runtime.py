"""The runtime: everything built from the settings once (database, NLU, policy answers,
the engine), shared by the Flask app (bot/app.py) and the CLI. Channels, the job queue and
the delivery of messages are in bot/runtime_delivery.py."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.engine import Engine
from bot.flows import build_registry
from bot.runtime_delivery import Delivery
from core import crypto
from core.db import make_engine, make_session_factory, transaction
from core.services.jurisdiction import gazetteer
from core.services.notifications import Notifier
from core.settings import Settings, SettingsError
from handlers.base import FlowContext
from nlu import danger as danger_words
from nlu.normalize import normalize_text


@dataclass
class Runtime(Delivery):
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

    def in_danger(self, text: str) -> bool:
        """The one danger decision (nlu/danger.py: the word list, then the model's word)."""
        found = danger_words.check(normalize_text(text))
        return danger_words.decide(found, self.engine.parse(text)) is not None


def build_runtime(settings: Settings) -> Runtime:
    if not settings.field_key:
        raise SettingsError("SHOUHU_FIELD_KEY is not set: personal data cannot be encrypted. "
                            "Set it in the environment (`shouhu demo` generates one for the demo).")
    crypto.configure(settings.field_key)
    db = make_engine(settings.database_url, echo=bool(settings.section("database").get("echo")))
    return Runtime(settings=settings, db=db, sessions=make_session_factory(db))
