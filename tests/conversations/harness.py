"""Transcript helpers: push a message, read the reply - through the real engine.

`Chat` sends each message through bot/engine.py (the same routing, turn transaction and
state persistence as every channel), with a deterministic parser and a fake notifier at
the boundary, and exposes the stored conversation state for assertions.
"""
from __future__ import annotations

import json
import re
from datetime import datetime

from sqlalchemy import select

from bot.engine import Engine
from bot.flows import build_registry
from core.messages import Inbound, Location, Media, Reply
from core.models import ConversationState
from handlers.base import FlowContext, FlowState

START = datetime(2026, 11, 23, 9, 0, 0)


class FakeNotifier:
    """Stands in for core/services/notifications.py: records what would be sent."""

    def __init__(self):
        self.sent: list[dict] = []

    def notify(self, session, unit, subject, body, urgency):
        self.sent.append({"unit": unit, "subject": subject, "body": body, "urgency": urgency})
        return 1

    def units(self) -> list[str]:
        return [s["unit"] for s in self.sent]


def fake_parse(text: str) -> dict:
    """A deterministic parser with intents only and no entities: the flow must cope alone."""
    if re.search(r"我的报告|进度|BG-?\d", text, re.IGNORECASE):
        intent = "check_status"
    elif text.strip() in ("取消", "不报了"):
        intent = "cancel"
    elif text.strip() in ("对", "是的", "好的", "确认"):
        intent = "affirm"
    else:
        intent = "report_case"
    return {"text": text, "intent": {"name": intent, "confidence": 0.9},
            "intent_ranking": [{"name": intent, "confidence": 0.9}], "entities": []}


class Chat:
    def __init__(self, runtime, parse=fake_parse, notifier=None, user: str = "u1", now: datetime = START):
        ctx = FlowContext(settings=runtime.settings, services={"notifier": notifier}, parse=parse)
        self.runtime, self.parse, self.user, self.now = runtime, parse, user, now
        self.engine = Engine(ctx, build_registry(), parse, clock=lambda: self.now,
                             sessions=runtime.sessions)
        self.buttons: list = []
        self.turns = 0
        self.transcript: list[str] = []

    def send(self, text: str = "", location: Location | None = None, media: Media | None = None,
             msg_id: str | None = None) -> list[Reply]:
        text = text.strip()
        inbound = Inbound(channel="web", user_id=self.user, text=text, location=location, media=media,
                          msg_id=msg_id)
        replies = self.engine.handle(inbound)
        self.buttons = next((list(r.buttons) for r in reversed(replies) if r.buttons), [])
        self.turns += 1
        self.transcript.append(f"> {text or '(location/media)'}")
        self.transcript += [f"< {r.text}" for r in replies]
        return replies

    def say(self, text: str = "", **kw) -> str:
        """Send and return all reply texts joined, with button titles."""
        replies = self.send(text, **kw)
        return "\n".join(r.text + "".join(f" [{b.title}]" for b in r.buttons) for r in replies)

    @property
    def channel_user_id(self) -> int:
        return self.engine.store.user_id("web", self.user)

    @property
    def state(self) -> FlowState | None:
        """The conversation state as stored in the database after the last turn."""
        with self.runtime.sessions() as session:
            row = session.scalar(select(ConversationState).where(
                ConversationState.channel_user_id == self.channel_user_id))
            if row is None or not row.flow:
                return None
            data = json.loads(row.data or "{}").get("data") or {}
            return FlowState(row.flow, row.step or "", data)

    @property
    def step(self) -> str | None:
        state = self.state
        return state.step if state else None
