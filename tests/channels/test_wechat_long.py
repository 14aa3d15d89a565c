"""A reply longer than a passive reply allows: the first part now, the rest by the API."""
from __future__ import annotations

from bot.channels.wechat import MAX_REPLY_CHARS, split_text
from core.messages import Reply
from handlers.base import Outcome
from tests.channels.conftest import text_xml

LINES = [f"第{i}段：" + "留守儿童关爱保护的原文内容" * 6 for i in range(1, 21)]


class LongFlow:
    name = "report"

    def start(self, ctx, turn):
        return Outcome(None, [Reply("\n".join(LINES))])

    def step(self, ctx, state, turn):  # pragma: no cover - the flow ends at once
        return Outcome(None, [])


def test_split_text_keeps_everything_within_the_limit():
    text = "\n".join(LINES) + "\n" + "长" * 1500
    chunks = split_text(text, 600)
    assert all(len(c) <= 600 for c in chunks)
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")


def test_long_reply_is_split_and_the_rest_sent_once(make_wechat, runtime, httpserver):
    httpserver.expect_request("/cgi-bin/token").respond_with_json({"access_token": "T", "expires_in": 7200})
    httpserver.expect_request("/cgi-bin/message/custom/send", method="POST").respond_with_json({"errcode": 0})
    wx, _engine, _ = make_wechat(safe=True, flows={"report": LongFlow()})
    resp, reply = wx.post(text_xml("oLong", "/report", 4242))
    assert resp.status_code == 200
    first = reply["Content"]
    assert len(first) <= MAX_REPLY_CHARS and first.startswith("第1段") and "后面的部分马上发给您" in first
    _, again = wx.post(text_xml("oLong", "/report", 4242))  # WeChat's retry
    assert again["Content"] == first
    runtime.queue.drain()
    sent = [r.get_json()["text"]["content"] for r, _ in httpserver.log if r.path.endswith("/custom/send")]
    delivered = first.split("\n（内容较长")[0] + "\n" + "\n".join(sent)
    assert delivered.replace("\n", "") == "".join(LINES)  # every line arrives, once
