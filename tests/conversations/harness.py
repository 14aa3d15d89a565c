"""Transcript helpers: push a message, read the reply — without the channel engine.

`Chat` does what bot/engine.py does for a flow (route by command or intent, keep the
FlowState through a JSON round trip like the database would, map "1"/"2" to button
payloads, 取消 ends the flow) so the flows can be tested before and apart from the engine.
"""
from __future__ import annotations

import json
import re
from datetime import datetime

from bot.flows import COMMAND_FLOWS, INTENT_FLOWS, build_registry
from core.db import transaction
from core.messages import Inbound, Location, Media, Reply
from core.models import ChannelUser
from handlers.base import FlowContext, FlowState, Turn

START = datetime(2026, 11, 23, 9, 0, 0)


class FakeNotifier:
    """Stands in for core/services/notifications.py: records what would be sent."""

    def __init__(self):
        self.sent: list[dict] = []

    def notify(self, unit, subject, body, urgency):
        self.sent.append({"unit": unit, "subject": subject, "body": body, "urgency": urgency})

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


def make_user(runtime, external_id: str, channel: str = "web") -> int:
    with transaction(runtime.sessions) as session:
        user = ChannelUser(channel=channel, external_id=external_id, external_ref=external_id)
        session.add(user)
        session.flush()
        return user.id


class Chat:
    def __init__(self, runtime, parse=fake_parse, notifier=None, user: str = "u1", now: datetime = START):
        self.ctx = FlowContext(sessions=runtime.sessions, settings=runtime.settings,
                               services={"notifier": notifier}, parse=parse)
        self.parse, self.flows = parse, build_registry()
        self.user, self.now = user, now
        self.channel_user_id = make_user(runtime, user)
        self.state: FlowState | None = None
        self.buttons: list = []
        self.turns = 0
        self.transcript: list[str] = []

    def send(self, text: str = "", location: Location | None = None, media: Media | None = None) -> list[Reply]:
        text = text.strip()
        if text.isdigit() and 0 < int(text) <= len(self.buttons):
            text = self.buttons[int(text) - 1].value
        inbound = Inbound(channel="web", user_id=self.user, text=text, location=location, media=media)
        nlu = self.parse(text) if text else {"text": "", "intent": {"name": "out_of_scope", "confidence": 0},
                                             "intent_ranking": [], "entities": []}
        turn = Turn(inbound=inbound, text=text, nlu=nlu, now=self.now, channel_user_id=self.channel_user_id)
        if self.state is None:
            name = COMMAND_FLOWS.get(text) or INTENT_FLOWS.get(turn.intent)
            if name is None:
                return [Reply("(no flow)")]
            outcome = self.flows[name].start(self.ctx, turn)
        elif text == "取消":
            outcome = self.flows[self.state.flow].cancel(self.ctx, self.state, turn)
        else:
            outcome = self.flows[self.state.flow].step(self.ctx, self.state, turn)
        # Persisted states survive only as JSON: prove the flow's data is serialisable.
        self.state = (FlowState(outcome.state.flow, str(outcome.state.step), json.loads(json.dumps(outcome.state.data)))
                      if outcome.state else None)
        self.buttons = list(outcome.replies[-1].buttons) if outcome.replies else []
        self.turns += 1
        self.transcript.append(f"> {text or '(location/media)'}")
        self.transcript += [f"< {r.text}" for r in outcome.replies]
        return outcome.replies

    def say(self, text: str = "", **kw) -> str:
        """Send and return all reply texts joined, with button titles."""
        replies = self.send(text, **kw)
        return "\n".join(r.text + "".join(f" [{b.title}]" for b in r.buttons) for r in replies)

    @property
    def step(self) -> str | None:
        return self.state.step if self.state else None
