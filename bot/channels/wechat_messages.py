"""WeChat message XML in and reply text out: parsing a pushed message into an Inbound,
rendering replies, and cutting long replies to the passive-reply size."""
from __future__ import annotations

from defusedxml import ElementTree as SafeET

from core.messages import Inbound, Location, Media, Reply, numbered_text

MAX_REPLY_CHARS = 680  # passive replies are limited to 2048 bytes
MENU_KEYS = {"REPORT": "/report", "ENTRUST": "/entrust", "ASK": "/ask", "STATUS": "/status"}


class BadRequest(Exception):
    """Malformed input: answered with 400, never 500."""


def render(replies: list[Reply]) -> str:
    parts = []
    for r in replies:
        text = numbered_text(r)
        parts.append(f"{text}\n{r.link}" if r.link else text)
    return "\n\n".join(parts)


MORE = "\n（内容较长，后面的部分马上发给您）"


def split_text(text: str, limit: int) -> list[str]:
    """Cut a long reply at line breaks (or anywhere, for one very long line) into chunks of
    at most `limit` characters: passive replies are limited to 2048 bytes."""
    chunks, current = [], ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    chunks.append(current)
    return [c for c in chunks if c.strip()] or [""]


def xml_fields(body: bytes) -> dict[str, str]:
    try:
        root = SafeET.fromstring(body, forbid_dtd=True)
    except Exception as exc:
        raise BadRequest("malformed XML") from exc
    if root.tag != "xml":
        raise BadRequest("not a WeChat message")
    return {child.tag: (child.text or "").strip() for child in root}


def _float(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise BadRequest("bad number") from exc


def to_inbound(f: dict[str, str]) -> Inbound | None:
    """A WeChat message as an Inbound; None for events that need no answer."""
    user, kind = f.get("FromUserName", ""), f.get("MsgType", "").lower()
    if not user or not kind or len(user) > 128:
        raise BadRequest("missing FromUserName or MsgType")
    msg_id = f.get("MsgId") or None
    base = {"channel": "wechat", "user_id": user, "msg_id": msg_id}
    if kind == "text":
        return Inbound(text=f.get("Content", ""), **base)
    if kind == "voice":
        return Inbound(text=f.get("Recognition", ""), media=Media("voice", f.get("MediaId", "")), **base)
    if kind == "image":
        return Inbound(media=Media("image", f.get("MediaId", ""), "image/jpeg"), **base)
    if kind == "location":
        lat, lng = _float(f.get("Location_X")), _float(f.get("Location_Y"))
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise BadRequest("location out of range")
        return Inbound(location=Location(lat, lng, f.get("Label", "")), **base)
    if kind == "event":
        event = f.get("Event", "").lower()
        base["msg_id"] = f"event:{f.get('CreateTime', '')}:{event}"
        if event in ("subscribe", "unsubscribe"):
            return Inbound(event=event, **base)
        if event == "click":
            key = f.get("EventKey", "")
            command = MENU_KEYS.get(key)
            return Inbound(text=command or "/menu", event=f"menu:{key[:40]}", **base)
        return None  # VIEW, LOCATION reports, template results: nothing to say
    return Inbound(event=f"unsupported:{kind[:20]}", **base)
