"""Channel adapters: one `Channel` protocol and one explicit name -> adapter registry.

The composition root (bot/app.py) loops over `CHANNELS` to build adapters, register
their webhooks, fetch media, push texts and close them. Adding a channel is one module
here plus one entry in `CHANNELS`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from flask import Blueprint

from bot.channels.console import ConsoleChannel
from bot.channels.inbound import clean_inbound, clean_incoming_text
from bot.channels.telegram import TelegramChannel
from bot.channels.web import WebChannel
from bot.channels.wechat import WeChatChannel
from core.messages import Media

Sender = Callable[[str, str], None]  # (address, job body) -> None; raises to retry


@dataclass(frozen=True)
class ChannelDeps:
    """What an adapter may use, handed over by the composition root."""

    settings: Any
    get_engine: Callable[[], Any]  # lazy: the NLU model loads on the first message
    sessions: Any
    on_enqueue: Callable[[], None] | None = None  # wake the job worker
    redis: Callable[[], Any] = lambda: None  # the production profile's shared Redis, or None


class Channel(Protocol):
    name: ClassVar[str]  # the registry key, and Inbound.channel
    pushes: ClassVar[bool]  # can `send_text` reach a user who has not just written?

    @classmethod
    def from_deps(cls, deps: ChannelDeps) -> Channel:
        """Build the adapter (the runtime does so lazily, at first use)."""

    @staticmethod
    def make_blueprint(get_channel: Callable[[], Channel]) -> Blueprint | None:
        """Its HTTP endpoints (None: it has none). Takes a getter so that the app can be
        created before the adapter is built."""

    def send_text(self, address: str, text: str) -> None:
        """Push a text to a user; channels without push log at debug and return."""

    def fetch_media(self, media: Media) -> tuple[bytes, str] | None:
        """A user's photo or voice as (bytes, content type); None if it cannot be fetched."""

    def job_senders(self) -> dict[str, Sender]:
        """Outbound job kinds this adapter delivers itself (beyond "notify:<name>")."""

    def close(self) -> None:
        """Release threads and connections."""


CHANNELS: dict[str, type[Channel]] = {
    "web": WebChannel,
    "wechat": WeChatChannel,
    "telegram": TelegramChannel,
    "console": ConsoleChannel,
}

__all__ = ["CHANNELS", "Channel", "ChannelDeps", "Sender", "clean_inbound", "clean_incoming_text"]
