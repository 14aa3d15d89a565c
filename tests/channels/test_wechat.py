"""WeChat official account: real wechatpy crypto end to end through the Flask app."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from core.models.channel import ChannelUser, InboundMessage, OutboundJob
from core.services import jobs
from tests.channels.conftest import TOKEN, numbered, sign, text_xml


def count(runtime, model):
    with runtime.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_server_url_verification(make_wechat):
    wx, _, _ = make_wechat(safe=True)
    ts, nonce = str(int(time.time())), "abc"
    ok = wx.client.get("/wechat", query_string={"signature": sign(TOKEN, ts, nonce), "timestamp": ts,
                                                "nonce": nonce, "echostr": "hello123"})
    assert ok.status_code == 200 and ok.data == b"hello123"
    bad = wx.client.get("/wechat", query_string={"signature": "x", "timestamp": ts, "nonce": nonce,
                                                 "echostr": "hello123"})
    assert bad.status_code == 403


@pytest.mark.parametrize("safe", [True, False], ids=["safe", "plaintext"])
def test_text_round_trip(make_wechat, safe):
    wx, _, _ = make_wechat(safe=safe)
    resp, reply = wx.post(text_xml("oUser1", "你好", 1001))
    assert resp.status_code == 200
    assert reply["ToUserName"] == "oUser1" and reply["FromUserName"] == "gh_shouhu"
    assert "110" in reply["Content"]
    assert numbered(reply["Content"]) == ["我要报告", "监护登记", "政策咨询", "我的进度"]


def test_numbered_answers_work_on_wechat(make_wechat):
    wx, _engine, _ = make_wechat(safe=True)
    assert "1. 我要报告" in wx.say("oU", "你好")
    assert "哪个村" in wx.say("oU", "1")
    assert "什么人" in wx.say("oU", "东风村")
    assert "teacher" in wx.say("oU", "1")


def test_bad_signatures_are_403_and_nothing_is_processed(make_wechat, runtime):
    wx, _, _ = make_wechat(safe=True)
    assert wx.post(text_xml("oU", "你好", 5), good_signature=False)[0].status_code == 403
    assert wx.post(text_xml("oU", "你好", 6), bad_msg_signature=True)[0].status_code == 403
    assert count(runtime, InboundMessage) == 0 and count(runtime, ChannelUser) == 0


def test_plaintext_bad_signature(make_wechat, runtime):
    wx, _, _ = make_wechat(safe=False)
    assert wx.post(text_xml("oU", "你好", 5), good_signature=False)[0].status_code == 403
    assert count(runtime, InboundMessage) == 0


def test_safe_mode_refuses_plaintext(make_wechat, runtime):
    wx, _, _ = make_wechat(safe=True)
    resp = wx.post_raw(text_xml("oU", "你好", 5), params={"encrypt_type": "raw"})
    assert resp.status_code == 400 and count(runtime, InboundMessage) == 0


BOMB = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><xml><Content>&lol3;</Content></xml>"""


@pytest.mark.parametrize("body", [b"not xml", b"<xml><unclosed>", BOMB.encode(),
                                  b"<xml></xml>", b"<other/>", b"", "<xml>\xff</xml>".encode("latin-1"),
                                  b"<xml>" + b"<a>x</a>" * 20000 + b"</xml>"],
                         ids=["text", "unclosed", "bomb", "empty-xml", "other-root", "empty",
                              "bad-encoding", "oversized"])
@pytest.mark.parametrize("safe", [True, False], ids=["safe", "plaintext"])
def test_malformed_xml_is_400(make_wechat, runtime, body, safe):
    wx, _, _ = make_wechat(safe=safe)
    resp = wx.post_raw(body)
    assert resp.status_code == 400
    assert count(runtime, InboundMessage) == 0


def test_entity_bomb_inside_the_encrypted_payload(make_wechat):
    wx, _, _ = make_wechat(safe=True)
    assert wx.post(BOMB)[0].status_code == 400


def test_message_types(make_wechat):
    wx, _, _ = make_wechat(safe=True)
    say = lambda xml: wx.post(xml)[1]["Content"]
    assert "110" in say(text_xml("oV", "", 11, kind="voice", MediaId="m1", Recognition="你好"))
    assert "打成文字" in say(text_xml("oV", "", 12, kind="voice", MediaId="m1", Recognition=""))
    assert "图片" in say(text_xml("oV", "", 13, kind="image", MediaId="m2", PicUrl="http://x/p.jpg"))
    assert "位置" in say(text_xml("oV", "", 14, kind="location", Location_X="26.08",
                                  Location_Y="119.30", Scale="15", Label="东风村"))
    assert "看不懂" in say(text_xml("oV", "", 15, kind="video", MediaId="m3"))


def test_location_becomes_the_report_place(make_wechat):
    wx, _engine, _ = make_wechat(safe=True)
    wx.say("oL", "我要报告")
    _resp, reply = wx.post(text_xml("oL", "", 21, kind="location", Location_X="26.08",
                                   Location_Y="119.30", Scale="15", Label="红星镇东风村"))
    assert "什么人" in reply["Content"]
    assert "红星镇东风村" in wx.say("oL", "2")


def test_events(make_wechat, runtime):
    wx, _engine, _ = make_wechat(safe=True)
    ev = lambda **kw: text_xml("oE", "", None, kind="event", **kw)
    assert "守护" in wx.post(ev(Event="subscribe"))[1]["Content"]
    assert "哪个村" in wx.post(ev(Event="CLICK", EventKey="REPORT"))[1]["Content"]
    resp, reply = wx.post(ev(Event="VIEW", EventKey="http://example.org"))
    assert resp.status_code == 200 and reply is None
    resp, reply = wx.post(text_xml("oE", "", None, kind="event", Event="unsubscribe", CreateTime="1764320099"))
    assert resp.status_code == 200 and resp.data == b"success"
    with runtime.sessions() as s:
        assert s.scalar(select(ChannelUser.subscribed)) is False


def test_danger_reply_comes_first(make_wechat):
    wx, _, _ = make_wechat(safe=True)
    content = wx.say("oD", "孩子被打得流血了，快救救他")
    assert content.index("110") < content.index("哪个村")


def test_same_message_three_times_concurrently(make_wechat, runtime):
    _wx, engine, app = make_wechat(safe=True)
    flow = engine.flows["report"]
    flow.delay = 0.5  # all three copies arrive while the first is still running
    xml = text_xml("oC", "我要报告", 777)
    results, barrier = [], threading.Barrier(3)

    def fire():
        client = app.test_client()
        from tests.channels.conftest import WeChatClient
        barrier.wait()
        results.append(WeChatClient(client, True).post(xml))

    threads = [threading.Thread(target=fire) for _ in range(3)]
    [t.start() for t in threads]
    [t.join(20) for t in threads]
    assert [r[0].status_code for r in results] == [200, 200, 200]
    contents = {r[1]["Content"] for r in results}
    assert len(contents) == 1 and "哪个村" in contents.pop()
    assert count(runtime, InboundMessage) == 1
    assert len(flow.calls) == 1


def test_slow_reply_goes_through_the_customer_service_api(make_wechat, runtime, httpserver):
    httpserver.expect_request("/cgi-bin/token").respond_with_json(
        {"access_token": "TOKEN1", "expires_in": 7200})
    httpserver.expect_request("/cgi-bin/message/custom/send", method="POST").respond_with_json(
        {"errcode": 0, "errmsg": "ok"})
    wx, _engine, _ = make_wechat(safe=True, passive=0.2)
    resp, reply = wx.post(text_xml("oSlow", "/slow", 888))
    assert resp.status_code == 200 and resp.data == b"success" and reply is None
    # A WeChat retry while (or after) the turn runs is answered "success" too.
    assert wx.post(text_xml("oSlow", "/slow", 888))[0].data == b"success"
    deadline = time.time() + 5
    while count(runtime, OutboundJob) == 0 and time.time() < deadline:
        time.sleep(0.05)
    assert runtime.queue.drain() == 1
    sent = [r for r, _ in httpserver.log if r.path.endswith("/custom/send")]
    assert len(sent) == 1
    body = sent[0].get_json()
    assert body["touser"] == "oSlow" and body["text"]["content"] == "慢慢处理好了。"
    assert sent[0].args["access_token"] == "TOKEN1"
    assert count(runtime, InboundMessage) == 1


def test_customer_service_failures_are_retried(make_wechat, runtime, httpserver):
    from datetime import timedelta

    from core.db import transaction, utcnow
    httpserver.expect_request("/cgi-bin/token").respond_with_json({"access_token": "T", "expires_in": 7200})
    httpserver.expect_oneshot_request("/cgi-bin/message/custom/send").respond_with_data("oops", status=502)
    httpserver.expect_request("/cgi-bin/message/custom/send").respond_with_json({"errcode": 0})
    make_wechat(safe=True)
    with transaction(runtime.sessions) as s:
        jobs.enqueue(s, "wechat_cs", "oR", '[{"text": "你好", "buttons": []}]')
    assert runtime.queue.drain() == 0
    with runtime.sessions() as s:
        job = s.scalar(select(OutboundJob))
        assert job.status == "queued" and job.attempts == 1 and "WeChatApiError" in job.last_error  # HTTP 502
    assert runtime.queue.drain() == 0  # not due yet (backoff)
    assert runtime.queue.drain(utcnow() + timedelta(minutes=1)) == 1


def test_menu_command(make_wechat, httpserver, settings, monkeypatch):
    httpserver.expect_request("/cgi-bin/token").respond_with_json({"access_token": "T", "expires_in": 7200})
    httpserver.expect_request("/cgi-bin/menu/create").respond_with_json({"errcode": 0, "errmsg": "ok"})
    make_wechat(safe=True)
    from click.testing import CliRunner

    from bot import cli_channels
    monkeypatch.setattr(cli_channels, "_load_settings", lambda embedded=False: settings)
    result = CliRunner().invoke(cli_channels.wechat, ["menu"])
    assert result.exit_code == 0, result.output
    sent = next(r for r, _ in httpserver.log if r.path == "/cgi-bin/menu/create").get_json()
    assert [b["name"] for b in sent["button"]] == ["我要报告", "监护登记", "政策咨询", "我的进度"]
    assert [b["key"] for b in sent["button"]] == ["REPORT", "ENTRUST", "ASK", "STATUS"]


def test_image_is_downloaded_through_the_api_for_flows(make_wechat, runtime, httpserver):
    httpserver.expect_request("/cgi-bin/token").respond_with_json({"access_token": "T", "expires_in": 7200})
    httpserver.expect_request("/cgi-bin/media/get", query_string={"access_token": "T", "media_id": "MEDIA1"}
                              ).respond_with_data(b"\xff\xd8jpeg", content_type="image/jpeg")
    make_wechat(safe=True)
    from core.messages import Media
    media = runtime.flow_context().services["media"]
    assert media("wechat", Media("image", "MEDIA1")) == (b"\xff\xd8jpeg", "image/jpeg")
    assert media("web", Media("image", "x")) is None


def test_media_is_not_fetched_without_credentials(make_wechat, runtime, settings):
    make_wechat(safe=True)
    runtime.wechat.api.secret = ""
    from core.messages import Media
    assert runtime.flow_context().services["media"]("wechat", Media("image", "M")) is None


def test_orphaned_message_is_taken_over_after_a_crash(make_wechat, runtime):
    """A worker died mid-turn: after STALE_AFTER, WeChat's retry is processed afresh."""
    from datetime import timedelta

    from sqlalchemy import update

    from core.db import transaction, utcnow
    from core.services import conversations as cs
    wx, _engine, _ = make_wechat(safe=True, clock=utcnow)
    uid = cs.get_or_create_user(runtime.sessions, "wechat", "oCrash")
    claim = cs.claim_inbound(runtime.sessions, "wechat", "oCrash", uid, "999", "text", "你好")
    with transaction(runtime.sessions) as s:
        s.execute(update(InboundMessage).values(received_at=utcnow() - timedelta(minutes=5)))
    assert claim.fresh
    _resp, reply = wx.post(text_xml("oCrash", "你好", 999))
    assert "110" in reply["Content"]
    with runtime.sessions() as s:
        assert s.scalar(select(InboundMessage.status)) == "done"


def test_compatible_mode_accepts_both(make_wechat, settings):
    wx, _engine, app = make_wechat(safe=True)
    settings.raw["wechat"]["mode"] = "compatible"  # before the channel is first built
    assert "110" in wx.say("oCompat", "你好")
    from tests.channels.conftest import WeChatClient
    resp, reply = WeChatClient(app.test_client(), safe=False).post(text_xml("oCompat", "你好", 31337))
    assert resp.status_code == 200 and "110" in reply["Content"]
