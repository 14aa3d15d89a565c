"""Hostile input at the JSON endpoints: a clear JSON 4xx (or an honest answer), never a 5xx.

Bodies are sent as bytes: lone surrogates cannot be encoded by the test client's JSON
(the app's JSON keeps non-ASCII as is), only by `json.dumps`' ASCII escapes.
"""
from __future__ import annotations

import json
import logging
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from core.models.channel import InboundMessage
from tests.channels.conftest import TG_SECRET, build_app, configure
from tests.channels.fakes import keyword_parse, make_engine
from tests.channels.test_telegram import FakeBotApi, update

TG_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
JSON_ENDPOINTS = ["/api/chat", "/model/parse", "/api/v1/ask", f"/telegram/{TG_SECRET}"]
APOLOGY = "已经记下"  # the engine's apology when a turn fails: must not be said here


class RecordingParser:
    def __init__(self):
        self.texts: list[str] = []

    def parse(self, text: str) -> dict:
        self.texts.append(text)
        return keyword_parse(text)


class RecordingAnswerer:
    def __init__(self):
        self.questions: list[str] = []

    def ask(self, question: str):
        self.questions.append(question)
        return SimpleNamespace(answer="可以打电话问当地民政部门。", found=False, sources=[])


@pytest.fixture
def hostile(settings, runtime, jurisdiction, httpserver):
    configure(settings, safe=False, api_base=httpserver.url_for("").rstrip("/"))
    bot_api = FakeBotApi(httpserver)
    parser, answerer = RecordingParser(), RecordingAnswerer()
    runtime._lazy.update(parser=parser, answerer=answerer)
    app = build_app(runtime, make_engine(runtime))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug answers 500 here instead of raising
    client = app.test_client()

    def post(path: str, body: bytes | str):
        return client.post(path, data=body, content_type="application/json", headers=TG_HEADERS)
    yield SimpleNamespace(post=post, bot_api=bot_api, parser=parser, answerer=answerer)
    runtime.close()


def ascii_json(value) -> bytes:
    return json.dumps(value).encode()  # ensure_ascii: "\ud800" travels as an escape


def stored_texts(runtime) -> list[str]:
    with runtime.sessions() as s:
        return [m.text for m in s.scalars(select(InboundMessage).order_by(InboundMessage.id))]


@pytest.mark.parametrize("body", ["[" * 100_000, '{"text": ' + "[" * 50_000,
                                  '{"user_id": "u", "text": "x", "location": ' + "{\"a\": " * 30_000 + "1"])
def test_deeply_nested_json_is_a_clear_400(hostile, body, caplog):
    caplog.set_level(logging.WARNING)
    for path in JSON_ENDPOINTS:
        resp = hostile.post(path, body)
        assert resp.status_code == 400, path
        assert resp.is_json and "nested too deeply" in resp.get_json()["error"], path
    assert caplog.text.count("rejected a JSON body nested too deeply") == len(JSON_ENDPOINTS)


def test_lone_surrogate_in_chat_is_kept_and_answered_honestly(hostile, runtime):
    resp = hostile.post("/api/chat", ascii_json({"user_id": "s1", "text": "我要报告\ud800，孩子没人管"}))
    assert resp.status_code == 200
    text = resp.get_json()["replies"][0]["text"]
    assert APOLOGY not in text, "the user must not be told their words were recorded when they were not"
    assert "登记报告" in text  # the report flow really started
    assert stored_texts(runtime) == ["我要报告\ufffd，孩子没人管"], "every other word is stored"


def test_lone_surrogates_in_chat_ids_and_place(hostile, runtime):
    body = {"user_id": "\udc80u", "text": "你好\udfff", "msg_id": "m\ud800",
            "location": {"lat": 26.1, "lng": 119.3, "label": "东风村\ud800"}}
    resp = hostile.post("/api/chat", ascii_json(body))
    assert resp.status_code == 200
    assert APOLOGY not in resp.get_json()["replies"][0]["text"]
    (stored,) = stored_texts(runtime)
    assert stored.startswith("你好\ufffd") and "东风村\ufffd" in stored


def test_valid_surrogate_pairs_stay_one_character(hostile, runtime):
    hostile.post("/api/chat", b'{"user_id": "s2", "text": "\\ud83d\\ude00 \\ud800"}')
    assert stored_texts(runtime) == ["😀 \ufffd"]


def test_lone_surrogate_in_model_parse(hostile):
    resp = hostile.post("/model/parse", ascii_json({"text": "我要报告\ud800"}))
    assert resp.status_code == 200, "not the misleading 503 'model not available'"
    assert resp.get_json()["intent"]["name"] == "report_case"
    assert hostile.parser.texts == ["我要报告\ufffd"]


def test_lone_surrogate_in_ask(hostile):
    resp = hostile.post("/api/v1/ask", ascii_json({"question": "留守儿童\udc00有什么补助"}))
    assert resp.status_code == 200 and resp.get_json()["found"] is False
    assert hostile.answerer.questions == ["留守儿童\ufffd有什么补助"]


def test_lone_surrogate_in_telegram_text(hostile, runtime):
    resp = hostile.post(f"/telegram/{TG_SECRET}", ascii_json(update(7, text="我要报告\ud800")))
    assert resp.status_code == 200
    (sent,) = hostile.bot_api.sent()
    assert APOLOGY not in sent["text"] and "登记报告" in sent["text"]
    assert stored_texts(runtime) == ["我要报告\ufffd"]


@pytest.mark.parametrize("message", [
    {"text": {"not": "a string"}},
    {"caption": 12, "photo": []},
    {"chat": {"id": "42", "type": "private"}, "text": "你好"},
])
def test_malformed_telegram_message_is_400(hostile, runtime, message):
    resp = hostile.post(f"/telegram/{TG_SECRET}", ascii_json(update(8, **message)))
    assert resp.status_code == 400 and resp.get_json() == {"error": "not a Telegram update"}
    assert stored_texts(runtime) == [] and hostile.bot_api.sent() == []


def test_impossible_telegram_coordinates_are_not_a_place(hostile, runtime):
    loc = {"latitude": 10**400, "longitude": 1e308 * 10}
    body = json.dumps(update(9, location=loc), allow_nan=True)
    assert hostile.post(f"/telegram/{TG_SECRET}", body).status_code == 200
    assert APOLOGY not in hostile.bot_api.sent()[0]["text"]


def test_impossible_chat_locations_are_400(hostile, runtime):
    for location in ({"lat": 10**400, "lng": 1}, {"lat": "1e999", "lng": 0},
                     {"lat": float("nan"), "lng": 0}, [1, 2], "here"):
        resp = hostile.post("/api/chat", json.dumps({"user_id": "s3", "text": "", "location": location}))
        assert resp.status_code == 400 and "location" in resp.get_json()["error"], location
    assert stored_texts(runtime) == []
