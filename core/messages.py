"""Channel-neutral messages: what every channel adapter turns its payloads into and out of."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Location:
    lat: float
    lng: float
    label: str = ""


@dataclass(frozen=True)
class Media:
    kind: str  # "image", "voice", "video", "file"
    ref: str  # the channel's media id / file id
    content_type: str = ""


@dataclass(frozen=True)
class Inbound:
    channel: str  # "wechat", "telegram", "web", "console"
    user_id: str  # the channel's external user id
    text: str = ""
    location: Location | None = None
    media: Media | None = None
    msg_id: str | None = None  # the channel's message id, for deduplication
    event: str | None = None  # "subscribe", "unsubscribe", "menu:<KEY>", ...
    at: datetime | None = None


@dataclass(frozen=True)
class Button:
    title: str
    payload: str = ""  # what choosing it sends back; the title when empty

    @property
    def value(self) -> str:
        return self.payload or self.title


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    link: str | None = None
    request_location: bool = False

    def to_dict(self) -> dict:
        return {"text": self.text, "buttons": [b.title for b in self.buttons]}


def numbered_text(reply: Reply) -> str:
    """Buttons degrade to a numbered list for channels without keyboards (WeChat, console)."""
    if not reply.buttons:
        return reply.text
    lines = [reply.text, ""] + [f"{i}. {b.title}" for i, b in enumerate(reply.buttons, 1)]
    lines.append("（回复数字或文字即可）")
    return "\n".join(lines)
