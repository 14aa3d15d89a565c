"""One WeChat access token for the whole deployment, refreshed by one holder at a time.

The real wechatpy client (bot/channels/wechat_api.py) against a fake of Tencent's API
server that behaves like the real one: a new token invalidates the old one, and a call
with an old token is answered 40001. Every process holds its own client; with Redis they
share the token, so 8 callers who find it expired cause exactly one refresh.
"""
from __future__ import annotations

import json
import multiprocessing
import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from bot.channels.wechat_api import WeChatApi
from tests.channels.conftest import configure


class FakeTencent:
    """/cgi-bin/token issues T1, T2, ... (slowly, so callers overlap); only the newest works."""

    def __init__(self, server: HTTPServer):
        self.lock = threading.Lock()
        self.issued: list[str] = []
        self.sent: list[tuple[str, dict]] = []  # (token used, body) of accepted messages
        self.rejected = 0
        self.fetches = 0
        server.expect_request("/cgi-bin/token").respond_with_handler(lambda r: self.token(r))
        server.expect_request("/cgi-bin/message/custom/send").respond_with_handler(self.send)
        server.expect_request("/cgi-bin/message/template/send").respond_with_handler(self.send)

    def token(self, request):
        time.sleep(0.3)
        with self.lock:
            self.fetches += 1
            self.issued.append(f"T{self.fetches}")
            token = self.issued[-1]
        return Response(json.dumps({"access_token": token, "expires_in": 7200}),
                        content_type="application/json")

    def invalidate(self):
        """Someone else (another deployment, the console) fetched a token: ours is dead."""
        with self.lock:
            self.issued.append("T-elsewhere")

    def send(self, request):
        token = request.args.get("access_token")
        with self.lock:
            if not self.issued or token != self.issued[-1]:
                self.rejected += 1
                body = {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
            else:
                self.sent.append((token, json.loads(request.data)))
                body = {"errcode": 0, "errmsg": "ok"}
        return Response(json.dumps(body), content_type="application/json")


@pytest.fixture
def tencent():
    server = HTTPServer(threaded=True)  # Tencent answers callers in parallel
    server.start()
    yield FakeTencent(server), server.url_for("").rstrip("/")
    server.clear()
    server.stop()


def _api(base, redis_url=None):
    import redis
    return WeChatApi(base, "wx0123456789abcdef", "wx-secret",
                     redis=redis.Redis.from_url(redis_url) if redis_url else None)


def _send_in_child(base, redis_url, barrier, n):
    barrier.wait(timeout=30)
    _api(base, redis_url).send_text(f"oUser{n}", "您好")


def test_eight_processes_with_an_expired_token_cause_one_refresh(tencent, redis_url):
    fake, base = tencent
    _api(base, redis_url).send_text("oFirst", "第一条")  # T1 stored in Redis...
    import redis
    r = redis.Redis.from_url(redis_url)
    (key,) = r.keys("*access_token")
    r.pexpire(key, 1)  # ...and expired
    time.sleep(0.05)
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(8)
    procs = [ctx.Process(target=_send_in_child, args=(base, redis_url, barrier, n)) for n in range(8)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * 8
    assert fake.issued == ["T1", "T2"]  # one refresh for eight processes
    assert sorted(body["touser"] for token, body in fake.sent[1:]) == [f"oUser{n}" for n in range(8)]
    assert {token for token, _ in fake.sent[1:]} == {"T2"} and fake.rejected == 0


def _concurrently(fn, n=8):
    barrier, errors = threading.Barrier(n), []

    def run(i):
        barrier.wait(timeout=30)
        try:
            fn(i)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors


def test_invalid_token_answer_refreshes_once_and_retries(tencent):
    fake, base = tencent
    api = _api(base)
    api.send_text("oA", "一")
    fake.invalidate()
    api.send_text("oA", "二")
    assert fake.issued == ["T1", "T-elsewhere", "T2"]  # one refresh...
    assert fake.rejected == 1 and [b["text"]["content"] for _, b in fake.sent] == ["一", "二"]  # ...one retry


def test_eight_callers_rejected_with_40001_cause_one_refresh_across_processes(tencent, redis_url):
    fake, base = tencent
    clients = [_api(base, redis_url) for _ in range(8)]  # one per process: nothing shared but Redis
    clients[0].send_text("oA", "先发一条")
    fake.invalidate()
    _concurrently(lambda i: clients[i].send_text(f"oUser{i}", "您好"))
    assert fake.issued == ["T1", "T-elsewhere", "T2"]
    assert len(fake.sent) == 9 and fake.rejected == 8


def test_embedded_profile_threads_share_one_refresh(tencent):
    fake, base = tencent
    api = _api(base)  # memory storage, a thread lock
    _concurrently(lambda i: api.send_text(f"oUser{i}", "您好"))
    assert fake.issued == ["T1"] and len(fake.sent) == 8


def test_a_refresh_that_does_not_help_is_not_repeated(tencent):
    """A token refused again after the refresh is an error for the job to retry later,
    not a loop of refreshes (which would invalidate every other holder's token)."""
    fake, base = tencent
    api = _api(base)
    fake.issued.append("T-unreachable")  # the fake will never accept what it hands out next
    fake.token = lambda request: Response(json.dumps({"access_token": "T-bad", "expires_in": 7200}))
    from bot.channels.wechat_api import WeChatApiError
    with pytest.raises(WeChatApiError) as err:
        api.send_text("oA", "一")
    assert err.value.errcode == 40001 and fake.rejected == 2


def test_notice_beyond_the_48_hour_window_goes_as_a_template_message(runtime, settings, httpserver):
    configure(settings, safe=True, api_base=httpserver.url_for("").rstrip("/"),
              notice_template={"id": "TPL-NOTICE", "field": "content"})
    httpserver.expect_request("/cgi-bin/token").respond_with_json({"access_token": "T", "expires_in": 7200})
    httpserver.expect_request("/cgi-bin/message/custom/send").respond_with_json(
        {"errcode": 45015, "errmsg": "response out of time limit or subscription is canceled"})
    httpserver.expect_request("/cgi-bin/message/template/send").respond_with_json(
        {"errcode": 0, "errmsg": "ok", "msgid": 200228332})
    runtime.wechat.send_text("oParent", "【每季度确认】您登记的孩子的委托照顾信息还对吗？")
    sent = [r for r, _ in httpserver.log if r.path.endswith("/template/send")]
    assert len(sent) == 1
    body = json.loads(sent[0].data)
    assert body["touser"] == "oParent" and body["template_id"] == "TPL-NOTICE"
    assert body["data"]["content"]["value"].startswith("【每季度确认】")
    runtime.close()
