"""WeChat: a request signed too far from the server clock is refused (replay protection)."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from bot.channels.wechat import WeChatChannel
from core.models.channel import InboundMessage
from tests.channels.conftest import TOKEN, WeChatClient, sign, text_xml

# (safe, mode, post encrypted): plaintext mode, safe mode, and compatible mode both ways
MODES = [(False, "", False), (True, "", True), (True, "compatible", False), (True, "compatible", True)]
MODE_IDS = ["plaintext", "safe", "compatible-plain", "compatible-aes"]


def now() -> int:
    return int(time.time())


def inbound_count(runtime) -> int:
    with runtime.sessions() as s:
        return s.scalar(select(func.count()).select_from(InboundMessage))


def verify_url(client, ts: str):
    return client.get("/wechat", query_string={"signature": sign(TOKEN, ts, "n1"), "timestamp": ts,
                                               "nonce": "n1", "echostr": "echo42"})


@pytest.mark.parametrize("safe, mode, _aes", MODES[:3], ids=MODE_IDS[:3])
def test_url_verification_outside_the_window_is_403(make_wechat, safe, mode, _aes, caplog):
    wx, _, _ = make_wechat(safe=safe, wechat={"mode": mode})
    for offset in (-330, 330, -86400 * 365):
        resp = verify_url(wx.client, str(now() + offset))
        assert resp.status_code == 403 and b"echo42" not in resp.data, offset
    assert "wechat GET refused: timestamp outside the allowed clock skew" in caplog.text


def test_url_signed_in_2001_or_with_a_bogus_timestamp_is_403(make_wechat):
    wx, _, _ = make_wechat(safe=True)
    for ts in ["978307200", "abc", "", "-5", "1e9", "1764320000" + "0" * 20, "١٧٦٤٣٢٠٠٠٠"]:
        assert verify_url(wx.client, ts).status_code == 403, ts


@pytest.mark.parametrize("safe, mode, aes", MODES, ids=MODE_IDS)
def test_message_outside_the_window_is_403_and_not_processed(make_wechat, runtime, safe, mode, aes,
                                                             caplog):
    _, _, app = make_wechat(safe=safe, wechat={"mode": mode})
    client = WeChatClient(app.test_client(), safe=aes)
    for n, offset in enumerate((-330, 330, -10**9 + 1)):
        resp, reply = client.post(text_xml("oClock", "你好", 500 + n), ts=str(now() + offset))
        assert resp.status_code == 403 and reply is None
    assert inbound_count(runtime) == 0, "nothing is processed"
    assert "wechat POST refused: timestamp outside the allowed clock skew" in caplog.text


@pytest.mark.parametrize("safe, mode, aes", MODES, ids=MODE_IDS)
def test_message_inside_the_window_is_answered(make_wechat, safe, mode, aes):
    _, _, app = make_wechat(safe=safe, wechat={"mode": mode})
    client = WeChatClient(app.test_client(), safe=aes)
    resp, reply = client.post(text_xml("oClock", "你好", 600), ts=str(now() - 240))
    assert resp.status_code == 200 and "110" in reply["Content"]
    assert verify_url(app.test_client(), str(now() + 240)).data == b"echo42"


def test_the_window_is_configurable(make_wechat):
    wx, _, _ = make_wechat(safe=True, wechat={"max_clock_skew_seconds": 3600})
    assert verify_url(wx.client, str(now() - 3000)).status_code == 200
    assert verify_url(wx.client, str(now() - 3700)).status_code == 403


def test_the_channel_clock_is_injectable(settings):
    settings.raw["wechat"] = {"token": TOKEN}
    channel = WeChatChannel(settings, lambda: None, None, clock=lambda: 1_000_000_000.0)
    try:
        assert channel.timestamp_ok("1000000300") and channel.timestamp_ok("999999700")
        assert not channel.timestamp_ok("1000000301") and not channel.timestamp_ok(str(now()))
    finally:
        channel.close()


def test_config_documents_the_window():
    from core.settings import REPO_ROOT
    text = (REPO_ROOT / "config.yaml").read_text(encoding="utf-8")
    assert "max_clock_skew_seconds: 300" in text
