from __future__ import annotations

import pytest

from core.messages import Inbound
from tests.channels.fakes import FakeClock, RecordingNotifier, make_engine


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def notifier():
    return RecordingNotifier()


@pytest.fixture
def engine(runtime, clock, notifier):
    return make_engine(runtime, clock, notifier=notifier)


class Chat:
    """Transcript helper: say something, read the replies."""

    def __init__(self, engine, user="u1", channel="web"):
        self.engine, self.user, self.channel = engine, user, channel

    def say(self, text="", **kw):
        return self.engine.handle(Inbound(self.channel, self.user, text, **kw))

    def text(self, text="", **kw) -> str:
        return "\n---\n".join(r.text for r in self.say(text, **kw))


@pytest.fixture
def chat(engine):
    return Chat(engine)
