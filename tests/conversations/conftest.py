from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.flows import build_registry
from tests.channels.fakes import FakeClock
from tests.conversations.harness import Chat, FakeNotifier


@pytest.fixture
def notifier():
    return FakeNotifier()


@pytest.fixture
def chat(jurisdiction, notifier):
    """A conversation on the fake (entity-free) parser; chat(user=..., parse=...) for more."""
    def make(user="u1", parse=None, **kw):
        from tests.conversations.harness import fake_parse
        return Chat(jurisdiction, parse=parse or fake_parse, notifier=notifier, user=user, **kw)
    return make


@pytest.fixture(scope="session")
def real_parser(tmp_path_factory):
    nlu = pytest.importorskip("nlu")
    if not hasattr(nlu, "load_parser"):
        pytest.skip("nlu branch not merged")
    return nlu.load_parser({}, tmp_path_factory.mktemp("nlu-model"))


@pytest.fixture
def api_cases(client, make_staff, make_token):
    """GET /api/v1/cases as a region-wide admin."""
    state = {}

    def get(**params):
        if "token" not in state:
            make_staff("rep-admin", "admin")
            state["token"] = make_token("rep-admin")
        resp = client.get("/api/v1/cases", query_string=params,
                          headers={"Authorization": f"Bearer {state['token']}"})
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()["cases"] if isinstance(resp.get_json(), dict) else resp.get_json()
    return get


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def engine(jurisdiction, real_parser, clock, notifier):
    ctx = jurisdiction.flow_context()
    ctx.services["notifier"] = notifier
    return Engine(ctx, build_registry(), real_parser.parse, real_parser.is_uncertain, clock=clock,
                  sessions=jurisdiction.sessions)
