"""One Channel protocol, one registry: the composition root wires whatever is registered."""
from __future__ import annotations

import json
import logging
from typing import ClassVar

import pytest
from flask import Blueprint, request

from bot.channels import CHANNELS
from core.messages import Media
from tests.channels.conftest import build_app
from tests.channels.fakes import make_engine

MEMBERS = ("from_deps", "make_blueprint", "send_text", "fetch_media", "job_senders", "close")


class PagerChannel:
    """A channel added by one class and one registry entry."""

    name = "pager"
    pushes = True
    built: ClassVar[list[PagerChannel]] = []

    def __init__(self, deps):
        self.deps, self.sent, self.closed = deps, [], False
        PagerChannel.built.append(self)

    @classmethod
    def from_deps(cls, deps):
        return cls(deps)

    @staticmethod
    def make_blueprint(get_channel):
        bp = Blueprint("pager", __name__)

        @bp.post("/pager")
        def hook():
            get_channel().send_text("echo", request.get_data(as_text=True))
            return {"ok": True}
        return bp

    def send_text(self, address, text):
        self.sent.append((address, text))

    def fetch_media(self, media):
        return b"page", "text/plain"

    def job_senders(self):
        return {"pager_page": self.send_text}

    def close(self):
        self.closed = True


@pytest.mark.parametrize("name", list(CHANNELS))
def test_every_registered_adapter_follows_the_protocol(name):
    adapter = CHANNELS[name]
    assert adapter.name == name and isinstance(adapter.pushes, bool)
    assert all(callable(getattr(adapter, m, None)) for m in MEMBERS)


def test_a_new_channel_is_one_class_and_one_registry_entry(runtime, jurisdiction, monkeypatch):
    monkeypatch.setitem(CHANNELS, "pager", PagerChannel)
    PagerChannel.built.clear()
    app = build_app(runtime, make_engine(runtime))
    assert PagerChannel.built == [], "built at first use, not with the app"
    resp = app.test_client().post("/pager", data="hello")  # webhook registered, no CSRF token
    assert resp.status_code == 200
    (pager,) = PagerChannel.built
    assert pager.sent == [("echo", "hello")]
    senders = runtime.senders()
    senders["notify:pager"]("duty-1", json.dumps({"subject": "新的报告", "body": "请查看",
                                                   "urgency": "urgent"}))
    assert pager.sent[-1] == ("duty-1", "【紧急】新的报告\n请查看")
    senders["pager_page"]("duty-2", "raw")
    runtime.send_to_reporter("pager:reporter-9", "您的报告已受理")
    assert pager.sent[-2:] == [("duty-2", "raw"), ("reporter-9", "您的报告已受理")]
    assert runtime.fetch_media("pager", Media("image", "r1")) == (b"page", "text/plain")
    runtime.close()
    assert pager.closed


def test_channels_without_push_do_not_get_alerts(runtime):
    senders = runtime.senders()
    assert {"notify:wechat", "notify:telegram", "wechat_cs"} <= set(senders)
    assert "notify:web" not in senders and "notify:console" not in senders
    runtime.close()


@pytest.mark.parametrize("target", ["web:w1", "console:c1", "nowhere:x"])
def test_reporter_messages_without_push_are_logged_not_raised(runtime, target, caplog):
    caplog.set_level(logging.DEBUG)
    runtime.send_to_reporter(target, "您的报告已受理")
    assert "您的报告已受理" not in caplog.text  # no personal data in the log
    assert runtime.fetch_media(target.partition(":")[0], Media("image", "x")) is None
    runtime.close()
