"""Property tests for every parser at the edge: WeChat XML (signed correctly, plaintext and
safe mode), Telegram JSON (the right secret), chat JSON, and the JSON of /model/parse and
/api/v1/ask. Whatever arrives, the answer
is never a 5xx, never a hang, and a user is never told "您说的话我们已经记下了" because a
turn failed on their input. (tests/foundation covers the jurisdiction YAML loader.)"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.channels.conftest import TG_SECRET, WeChatClient, build_app, configure
from tests.channels.fakes import keyword_parse, make_engine
from tests.channels.test_telegram import FakeBotApi

PROPS = hsettings(max_examples=60, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
APOLOGY = "已经记下"

# --- strategies ------------------------------------------------------------------------
# Any code point, lone surrogates and control characters included.
any_char = st.one_of(st.characters(), st.characters(categories=["Cs"]),
                     st.characters(max_codepoint=0x1F), st.sampled_from("报告你好1２/ \n]]>&<"))
any_text = st.text(any_char, max_size=80)
# What XML 1.0 can carry at all (no surrogates, no C0 controls but tab and newlines).
xml_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters=[
    chr(c) for c in range(32) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]), max_size=80)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63),
                         st.floats(), any_text)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(any_text, inner, max_size=4), max_leaves=12)

FIELDS = ["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Event",
          "EventKey", "Location_X", "Location_Y", "Label", "MediaId", "Recognition", "Scale"]
MSG_TYPES = ["text", "voice", "image", "location", "event", "video", "link", "TEXT", ""]
EVENTS = ["subscribe", "unsubscribe", "CLICK", "VIEW", "LOCATION", "scan", ""]


@st.composite
def wechat_fields(draw) -> dict[str, str]:
    fields = {"ToUserName": "gh_shouhu", "FromUserName": draw(st.sampled_from(["oProp", ""]) | xml_text),
              "MsgType": draw(st.sampled_from(MSG_TYPES) | xml_text)}
    for name in draw(st.lists(st.sampled_from(FIELDS[2:]), max_size=8, unique=True)):
        special = {"Event": st.sampled_from(EVENTS), "EventKey": st.sampled_from(["REPORT", "ASK"]),
                   "Location_X": st.floats().map(str), "Location_Y": st.floats().map(str),
                   "MsgId": st.integers().map(str)}.get(name, st.nothing())
        fields[name] = draw(special | xml_text)
    return fields


def render_xml(fields: dict[str, str], cdata: bool) -> str:
    def value(v: str) -> str:
        return "<![CDATA[" + v.replace("]]>", "]]]]><![CDATA[>") + "]]>" if cdata else escape(v)
    return "<xml>" + "".join(f"<{k}>{value(v)}</{k}>" for k, v in fields.items()) + "</xml>"


@st.composite
def malformed_xml(draw) -> str:
    doc = render_xml(draw(wechat_fields()), draw(st.booleans()))
    mangle = draw(st.sampled_from(["cut", "root", "nest", "attr", "doctype", "pi", "dup", "junk"]))
    if mangle == "cut":
        return doc[:draw(st.integers(0, len(doc)))]
    if mangle == "root":
        return doc.replace("<xml>", "<msg>", 1).replace("</xml>", "</msg>")
    if mangle == "nest":
        return doc.replace("<Content>", "<Content><b>x</b>", 1)
    if mangle == "attr":
        return doc.replace("<xml>", '<xml a="1" b="&amp;">', 1)
    if mangle == "doctype":
        return '<!DOCTYPE xml [<!ENTITY e "boom">]>' + doc.replace("</xml>", "<Content>&e;</Content></xml>")
    if mangle == "pi":
        return '<?xml version="1.0" encoding="gbk"?><?php x?>' + doc
    if mangle == "dup":
        return doc.replace("</xml>", "<MsgType>image</MsgType><MsgType/></xml>")
    return doc + draw(st.text(max_size=20))


# --- fixtures --------------------------------------------------------------------------
@pytest.fixture
def prop_app(settings, runtime, jurisdiction, httpserver):
    configure(settings, safe=True, api_base=httpserver.url_for("").rstrip("/"))
    settings.raw["wechat"]["mode"] = "compatible"  # both plaintext and AES posts are parsed
    # hundreds of examples from one user in seconds: the rate limits are tested elsewhere
    settings.raw["rate_limits"] = {"per_user": "1000000 per minute", "per_ip": "1000000 per minute"}
    bot_api = FakeBotApi(httpserver)
    app = build_app(runtime, make_engine(runtime))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug answers 500 here instead of raising
    yield app, bot_api
    runtime.close()


def check_wechat_answer(resp, reply) -> None:
    event(f"wechat {resp.status_code}{' reply' if reply else ''}")  # --hypothesis-show-statistics
    assert resp.status_code < 500, resp.data
    if resp.status_code == 200 and resp.data != b"success":
        assert reply is not None and APOLOGY not in (reply.get("Content") or "")


# --- WeChat ----------------------------------------------------------------------------
@PROPS
@given(fields=wechat_fields(), cdata=st.booleans())
def test_wechat_signed_messages_with_any_field_values(prop_app, fields, cdata):
    app, _ = prop_app
    xml = render_xml(fields, cdata)
    for aes in (False, True):
        check_wechat_answer(*WeChatClient(app.test_client(), safe=aes).post(xml))


@PROPS
@given(body=malformed_xml() | xml_text)
def test_wechat_signed_malformed_xml(prop_app, body):
    app, _ = prop_app
    for aes in (False, True):
        resp, reply = WeChatClient(app.test_client(), safe=aes).post(body)
        check_wechat_answer(resp, reply)
        if resp.status_code == 200 and resp.data != b"success":
            ET.fromstring(resp.data)  # a real XML reply


# --- Telegram --------------------------------------------------------------------------
@st.composite
def telegram_updates(draw) -> dict:
    wild = draw(st.integers(0, 3)) == 0  # else mostly well-formed, so that most reach the engine
    chat = {"id": draw(st.integers(-10**12, 10**12)), "type": "private"}
    message = {"message_id": draw(st.integers(1, 10**6)), "date": 1764320000,
               "chat": draw(json_values) if wild else chat, "text": draw(any_text)}
    tame = {"text": any_text, "caption": any_text,
            "location": st.fixed_dictionaries({"latitude": json_scalars, "longitude": json_scalars})}
    for name in draw(st.lists(st.sampled_from(["text", "caption", "location", "photo", "voice",
                                               "document", "from", "reply_to_message"]),
                              max_size=3, unique=True)):
        message[name] = draw(json_values if wild else tame.get(name, json_values))
    key = draw(st.sampled_from(["message", "edited_message", "channel_post", "callback_query"])
               if wild else st.just("message"))
    return {"update_id": draw(st.integers(0, 2**31)), key: message}


@PROPS
@given(data=telegram_updates() | json_values)
def test_telegram_webhook_with_any_json(prop_app, data):
    app, bot_api = prop_app
    resp = app.test_client().post(f"/telegram/{TG_SECRET}", data=json.dumps(data),
                                  content_type="application/json",
                                  headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
    event(f"telegram {resp.status_code}")
    assert resp.status_code < 500 and resp.is_json
    assert not any(APOLOGY in str(p.get("text")) for p in bot_api.sent())


# --- web chat --------------------------------------------------------------------------
places = st.fixed_dictionaries({"lat": st.floats(-90, 90), "lng": st.floats(-180, 180)},
                               optional={"label": any_text})
locations = places | st.fixed_dictionaries({"lat": json_scalars, "lng": json_scalars}) | json_values
# Mostly well-formed bodies, so that most examples reach the engine; then anything.
well_formed_chat = st.fixed_dictionaries(
    {"user_id": st.sampled_from(["prop-1", "prop-2"]), "text": any_text},
    optional={"msg_id": any_text, "location": places})
chat_bodies = st.one_of(
    well_formed_chat, well_formed_chat,
    st.fixed_dictionaries({}, optional={"user_id": any_text | json_values,
                                        "text": any_text | json_values,
                                        "msg_id": any_text | json_values, "location": locations}),
    json_values)


@PROPS
@given(body=chat_bodies)
def test_chat_with_any_json(prop_app, body):
    app, _ = prop_app
    resp = app.test_client().post("/api/chat", data=json.dumps(body), content_type="application/json")
    event(f"chat {resp.status_code}")
    assert resp.status_code < 500 and resp.is_json
    if resp.status_code == 200:
        replies = resp.get_json()["replies"]
        assert all(isinstance(r["text"], str) and isinstance(r["buttons"], list) for r in replies)
        assert not any(APOLOGY in r["text"] for r in replies), body
    else:
        assert resp.status_code == 400 and resp.get_json()["error"]


@PROPS
@given(body=well_formed_chat)
def test_chat_with_any_text_is_answered(prop_app, body):
    """Any text at all, surrogates and control characters included, gets a real answer."""
    app, _ = prop_app
    resp = app.test_client().post("/api/chat", data=json.dumps(body), content_type="application/json")
    assert resp.status_code == 200
    assert not any(APOLOGY in r["text"] for r in resp.get_json()["replies"]), body


# --- the NLU and policy APIs -----------------------------------------------------------
api_bodies = st.one_of(st.fixed_dictionaries({"text": any_text, "question": any_text}),
                       st.dictionaries(st.sampled_from(["text", "question", "x"]), json_values),
                       json_values)


@PROPS
@given(body=api_bodies)
def test_parse_and_ask_with_any_json(prop_app, runtime, body):
    """/model/parse (a keyword parser stands in for the model) and /api/v1/ask (the real
    answerer on an empty knowledge base)."""
    app, _ = prop_app
    runtime._lazy["parser"] = SimpleNamespace(parse=keyword_parse)
    client = app.test_client()
    for path in ("/model/parse", "/api/v1/ask"):
        resp = client.post(path, data=json.dumps(body), content_type="application/json")
        event(f"{path} {resp.status_code}")
        assert resp.status_code in (200, 400) and resp.is_json, (path, resp.data)
