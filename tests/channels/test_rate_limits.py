"""Rate limits per user and per client address (bot/throttle.py, Flask-Limiter's storage).

One user's flood is refused cheaply and never stands in the way of anyone else; a user
over the limit who describes danger still gets the 110 guidance; WeChat always gets a
valid reply (a 429 would make it retry).
"""
from __future__ import annotations

import threading

from sqlalchemy import select

from core.models import InboundMessage
from tests.channels.conftest import build_app, text_xml
from tests.channels.fakes import make_engine

TOO_FAST = "消息太频繁"
GUIDANCE = "请马上拨打 110 报警"


def _limits(settings, per_user="5 per minute", per_ip="1000 per minute", storage=None):
    settings.raw["rate_limits"] = {"per_user": per_user, "per_ip": per_ip}
    if storage:
        settings.raw.setdefault("admin", {}).setdefault("login", {})["storage_uri"] = storage


def test_wechat_flood_from_one_user_leaves_the_others_answered(make_wechat, settings, runtime):
    _limits(settings)
    wx, _engine, _ = make_wechat(safe=True)
    answers = {"oFlood": [], "oCalm": []}
    for n in range(12):
        answers["oFlood"].append(wx.say("oFlood", "你好", msg_id=1000 + n))
        if n % 3 == 0:
            answers["oCalm"].append(wx.say("oCalm", "你好", msg_id=2000 + n))
    flood = answers["oFlood"]
    assert all(TOO_FAST not in a for a in flood[:5]) and all(TOO_FAST in a for a in flood[5:])
    assert answers["oCalm"] and all(a and TOO_FAST not in a for a in answers["oCalm"])
    with runtime.sessions() as s:
        rows = s.scalars(select(InboundMessage)).all()
    run = [r for r in rows if r.status != "throttled"]
    refused = [r for r in rows if r.status == "throttled"]
    assert len(run) == 5 + 4  # refused messages were not run...
    assert len(refused) == 7 and all(r.text == "你好" for r in refused)  # ...but nothing is lost
    assert all(TOO_FAST in r.replies for r in refused)


def test_a_refused_message_is_stored_once_even_when_wechat_retries_it(make_wechat, settings, runtime):
    _limits(settings, per_user="1 per minute")
    wx, _engine, _ = make_wechat(safe=True)
    wx.say("oRetry", "你好", msg_id=5000)
    for _ in range(3):  # WeChat resends the same MsgId when it does not like the answer
        assert TOO_FAST in wx.say("oRetry", "我家孩子的事想问问", msg_id=5001)
    with runtime.sessions() as s:
        refused = s.scalars(select(InboundMessage).where(InboundMessage.status == "throttled")).all()
    assert [r.text for r in refused] == ["我家孩子的事想问问"]


def test_over_the_limit_a_danger_report_still_gets_the_110_guidance(make_wechat, settings):
    _limits(settings, per_user="2 per minute")
    wx, _engine, _ = make_wechat(safe=True)
    for n in range(4):
        wx.say("oHurry", "你好", msg_id=3000 + n)
    assert TOO_FAST in wx.say("oHurry", "在吗", msg_id=3010)
    reply = wx.say("oHurry", "救命，孩子掉进河里了", msg_id=3011)
    assert GUIDANCE in reply and TOO_FAST not in reply


def test_wechat_over_the_limit_gets_a_valid_encrypted_reply_not_a_429(make_wechat, settings):
    _limits(settings, per_user="1 per minute")
    wx, _engine, _ = make_wechat(safe=True)
    wx.say("oX", "你好", msg_id=4000)
    resp, reply = wx.post(text_xml("oX", "你好", 4001))
    assert resp.status_code == 200 and TOO_FAST in reply["Content"]


def test_web_chat_flood_is_refused_while_others_are_answered(settings, runtime, jurisdiction):
    _limits(settings, per_user="3 per minute")
    client = build_app(runtime, make_engine(runtime)).test_client()
    results = {"flood": [], "calm": []}

    def flood():
        for _ in range(15):
            results["flood"].append(client.post("/api/chat", json={"user_id": "wFlood", "text": "你好"}))
    thread = threading.Thread(target=flood)
    thread.start()
    for _ in range(3):
        results["calm"].append(client.post("/api/chat", json={"user_id": "wCalm", "text": "你好"}))
    thread.join(60)
    codes = [r.status_code for r in results["flood"]]
    assert codes[:3] == [200] * 3 and codes[3:] == [429] * 12
    assert TOO_FAST in results["flood"][-1].get_json()["replies"][0]["text"]
    assert [r.status_code for r in results["calm"]] == [200] * 3
    assert all(TOO_FAST not in r.get_json()["replies"][0]["text"] for r in results["calm"])
    runtime.close()


def test_web_chat_limit_per_client_address(settings, runtime, jurisdiction):
    _limits(settings, per_user="100 per minute", per_ip="4 per minute")
    client = build_app(runtime, make_engine(runtime)).test_client()

    def say(user, ip):
        return client.post("/api/chat", json={"user_id": user, "text": "你好"},
                           environ_base={"REMOTE_ADDR": ip}).status_code
    assert [say(f"w{n}", "192.0.2.7") for n in range(6)] == [200] * 4 + [429] * 2
    assert say("w9", "198.51.100.3") == 200  # another address is not affected
    runtime.close()


def test_limits_are_shared_by_every_process_through_redis(settings, runtime, jurisdiction, redis_url):
    _limits(settings, per_user="4 per minute", storage=redis_url)
    first = build_app(runtime, make_engine(runtime)).test_client()
    second = build_app(runtime, make_engine(runtime)).test_client()  # another worker's app
    say = lambda c: c.post("/api/chat", json={"user_id": "wShared", "text": "你好"}).status_code
    assert [say(first), say(second), say(first), say(second)] == [200] * 4
    assert say(second) == 429 and say(first) == 429
    runtime.close()


def test_limiter_storage_down_lets_messages_through(settings, runtime, jurisdiction):
    _limits(settings, per_user="1 per minute", storage="redis://127.0.0.1:9/0")  # nothing listens
    client = build_app(runtime, make_engine(runtime)).test_client()
    for _ in range(3):
        resp = client.post("/api/chat", json={"user_id": "wDown", "text": "你好"})
        assert resp.status_code == 200 and TOO_FAST not in resp.get_json()["replies"][0]["text"]
    runtime.close()
