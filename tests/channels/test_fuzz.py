"""Property test: random bytes and unicode at every webhook never cause a 5xx."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.channels.conftest import TG_SECRET, WeChatClient, build_app, configure, text_xml
from tests.channels.fakes import make_engine

FUZZ = hsettings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def fuzz_app(settings, runtime, jurisdiction):
    configure(settings, safe=True)
    app = build_app(runtime, make_engine(runtime))
    yield app
    runtime.close()


@FUZZ
@given(body=st.binary(max_size=3000))
def test_wechat_random_bytes(fuzz_app, body):
    for safe in (True, False):
        assert WeChatClient(fuzz_app.test_client(), safe).post_raw(body).status_code < 500


@FUZZ
@given(text=st.text(max_size=500))
def test_wechat_random_unicode_messages(fuzz_app, text):
    client = WeChatClient(fuzz_app.test_client(), True)
    safe_text = text.replace("]]>", "")
    resp, _ = client.post(text_xml("oFuzz", safe_text, abs(hash(text)) % 10**12))
    assert resp.status_code < 500
    assert client.post_raw(text.encode("utf-8", "surrogatepass")).status_code < 500


@FUZZ
@given(body=st.one_of(st.binary(max_size=2000), st.text(max_size=500).map(str.encode)),
       json_body=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                              lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=10), c, max_size=4),
                              max_leaves=12))
def test_telegram_and_web_random_input(fuzz_app, body, json_body):
    client = fuzz_app.test_client()
    headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
    assert client.post(f"/telegram/{TG_SECRET}", data=body, headers=headers,
                       content_type="application/json").status_code < 500
    assert client.post(f"/telegram/{TG_SECRET}", json=json_body, headers=headers).status_code < 500
    assert client.post(f"/telegram/{TG_SECRET}", json={"update_id": 1, "message": json_body},
                       headers=headers).status_code < 500
    assert client.post("/api/chat", data=body, content_type="application/json").status_code < 500
    assert client.post("/api/chat", json=json_body).status_code < 500
    assert client.post("/api/chat", json={"user_id": "f", "text": str(json_body)}).status_code < 500
