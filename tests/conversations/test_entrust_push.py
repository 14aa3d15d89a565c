"""The quarterly confirmation, one tap from the pushed message, with a moved clock and the
real engine behind the real webhooks; Telegram's Bot API and WeChat's server API are fakes
at the HTTP boundary (pytest-httpserver).

- Telegram: inline buttons under the pushed message; the tap answers it.
- WeChat within 48 h: a customer-service message; the reply "1" answers it.
- WeChat later: a template message whose link opens a signed, expiring page with a
  CSRF-protected form (信息没变 / 需要修改).
"""
from __future__ import annotations

import json
import re
from urllib.parse import urlparse

import pytest
from sqlalchemy import select
from werkzeug import Request, Response

from core.models import EntrustCheck, FollowUpTask
from core.services import entrust_checks, entrust_push
from tests.channels.conftest import TG_SECRET, TG_TOKEN, WeChatClient, build_app, configure
from tests.conversations.test_engine_real_nlu import Talk
from tests.conversations.test_entrustment import ONE_MESSAGE


class FakeServers:
    """Telegram's Bot API and WeChat's server API, recording what they were asked."""

    def __init__(self, httpserver):
        self.calls: list[tuple[str, dict]] = []
        for path in ("sendMessage", "answerCallbackQuery"):
            httpserver.expect_request(f"/bot{TG_TOKEN}/{path}").respond_with_handler(
                lambda r, path=path: self.telegram(path, r))
        httpserver.expect_request("/cgi-bin/token").respond_with_json({"access_token": "AT-1", "expires_in": 7200})
        for path in ("message/custom/send", "message/template/send"):
            httpserver.expect_request(f"/cgi-bin/{path}").respond_with_handler(lambda r, path=path: self.wechat(path, r))

    def telegram(self, path: str, request: Request) -> Response:
        params = request.get_json() if request.is_json else dict(request.form.items())
        self.calls.append((path, params))
        result = True if path == "answerCallbackQuery" else {
            "message_id": len(self.calls), "date": 1764320000, "chat": {"id": int(params["chat_id"]), "type": "private"},
            "text": params["text"]}
        return Response(json.dumps({"ok": True, "result": result}), content_type="application/json")

    def wechat(self, path: str, request: Request) -> Response:
        assert request.args.get("access_token") == "AT-1"
        self.calls.append((path, json.loads(request.get_data())))
        return Response(json.dumps({"errcode": 0, "errmsg": "ok", "msgid": 1}), content_type="application/json")

    def sent(self, path: str) -> list[dict]:
        return [p for name, p in self.calls if name == path]


@pytest.fixture
def push_app(settings, runtime, engine, clock, httpserver):
    configure(settings, safe=True, api_base=httpserver.url_for("").rstrip("/"), passive=15.0)
    settings.raw["entrustment"] = {"wechat_template_id": "TPL-ENTRUST", "public_url": "https://shouhu.example.cn"}
    servers = FakeServers(httpserver)
    app = build_app(runtime, engine)
    app.config["SHOUHU_CLOCK"] = clock
    yield app, servers
    runtime.close()


def run_quarter(runtime, clock) -> tuple[int, int]:
    """The scheduler's task, then the outbox worker, at the moved clock's time."""
    done = entrust_checks.run(runtime.sessions, clock(), entrust_push.options_from(runtime.settings))
    runtime.queue.drain(clock())
    return done


def the_check(runtime) -> EntrustCheck:
    with runtime.sessions() as s:
        return s.scalar(select(EntrustCheck).order_by(EntrustCheck.id.desc()))


def quarterly_tasks(runtime) -> int:
    with runtime.sessions() as s:
        return len(s.scalars(select(FollowUpTask).where(FollowUpTask.kind == "quarterly_check")).all())


def register(talk: Talk) -> None:
    assert "请核对登记信息" in talk.say(ONE_MESSAGE)
    assert "已登记" in talk.say("确认登记")


def test_telegram_parent_taps_the_inline_button(push_app, runtime, engine, clock):
    app, servers = push_app
    register(Talk(engine, "4242", channel="telegram"))
    clock.advance(days=91)
    assert run_quarter(runtime, clock) == (1, 0)
    (pushed,) = servers.sent("sendMessage")
    markup = pushed["reply_markup"] if isinstance(pushed["reply_markup"], dict) else json.loads(pushed["reply_markup"])
    buttons = [b for row in markup["inline_keyboard"] for b in row]
    assert "每季度确认" in pushed["text"] and "王小雨" in pushed["text"]
    assert [b["text"] for b in buttons] == ["信息没变", "需要修改"]
    tap = {"update_id": 77, "callback_query": {
        "id": "tap-1", "chat_instance": "c1", "data": buttons[0]["callback_data"],
        "from": {"id": 4242, "is_bot": False, "first_name": "测试"},
        "message": {"message_id": 1, "date": 1764320000, "chat": {"id": 4242, "type": "private"}, "text": "…"}}}
    resp = app.test_client().post(f"/telegram/{TG_SECRET}", json=tap,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
    assert resp.status_code == 200
    assert "谢谢您确认" in servers.sent("sendMessage")[-1]["text"]
    assert servers.sent("answerCallbackQuery")[0]["callback_query_id"] == "tap-1"
    assert the_check(runtime).answered_at is not None and the_check(runtime).sent_by == "telegram"
    clock.advance(days=15)
    assert run_quarter(runtime, clock) == (0, 0) and quarterly_tasks(runtime) == 0


def test_telegram_need_a_change_shows_the_registration(push_app, runtime, engine, clock):
    app, servers = push_app
    register(Talk(engine, "4343", channel="telegram"))
    clock.advance(days=91)
    run_quarter(runtime, clock)
    tap = {"update_id": 78, "callback_query": {
        "id": "tap-2", "chat_instance": "c1", "data": entrust_push.EDIT,
        "from": {"id": 4343, "is_bot": False, "first_name": "测试"},
        "message": {"message_id": 1, "date": 1764320000, "chat": {"id": 4343, "type": "private"}, "text": "…"}}}
    app.test_client().post(f"/telegram/{TG_SECRET}", json=tap, headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
    assert "这是您现在的登记" in servers.sent("sendMessage")[-1]["text"]
    assert the_check(runtime).answered_at is None  # not confirmed: a change is coming


def test_wechat_within_48_hours_a_reply_of_1_confirms(push_app, runtime, clock):
    app, servers = push_app
    wx = WeChatClient(app.test_client(), safe=True)
    assert "请核对登记信息" in wx.say("o-parent-1", ONE_MESSAGE)
    assert "已登记" in wx.say("o-parent-1", "确认登记")
    clock.advance(days=91)
    assert "110" in wx.say("o-parent-1", "你好")  # the greeting's menu is the last list...
    clock.advance(hours=1)
    assert run_quarter(runtime, clock) == (1, 0)
    (pushed,) = servers.sent("message/custom/send")
    assert pushed["touser"] == "o-parent-1" and "1. 信息没变" in pushed["text"]["content"]
    reply = wx.say("o-parent-1", "1")  # ...until the pushed question: "1" is its first choice
    assert "谢谢您确认" in reply, reply
    check = the_check(runtime)
    assert check.answered_at is not None and check.sent_by == "wechat_cs"


def test_wechat_after_48_hours_a_template_links_to_the_confirmation_page(push_app, runtime, engine, clock):
    app, servers = push_app
    register(Talk(engine, "o-parent-2"))
    clock.advance(days=92)  # no message from the parent for three months
    assert run_quarter(runtime, clock) == (1, 0)
    assert quarterly_tasks(runtime) == 0 and the_check(runtime).sent_by == "wechat_template"
    (sent,) = servers.sent("message/template/send")
    assert (sent["touser"], sent["template_id"]) == ("o-parent-2", "TPL-ENTRUST")
    assert sent["data"]["keyword1"]["value"] == "王小雨"
    url = urlparse(sent["url"])
    assert (url.scheme, url.netloc) == ("https", "shouhu.example.cn") and url.path.startswith("/confirm/")
    client = app.test_client()
    page = client.get(url.path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "信息没变" in html and "需要修改" in html
    assert "王*雨" in html and "王小雨" not in html and "13900002222" not in html
    assert "<script" not in html and "style=" not in html and "default-src" in page.headers["Content-Security-Policy"]
    assert client.post(url.path, data={"answer": "same"}).status_code == 400  # no CSRF token: refused
    assert the_check(runtime).answered_at is None
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    done = client.post(url.path, data={"answer": "same", "csrf_token": csrf}).get_data(as_text=True)
    assert "谢谢您确认" in done and the_check(runtime).answered_at is not None
    assert "已经收到" in client.get(url.path).get_data(as_text=True)
    clock.advance(days=15)
    assert run_quarter(runtime, clock) == (0, 0) and quarterly_tasks(runtime) == 0


def test_the_confirmation_link_says_how_to_change_and_expires(push_app, runtime, engine, clock):
    app, servers = push_app
    register(Talk(engine, "o-parent-3"))
    clock.advance(days=92)
    run_quarter(runtime, clock)
    path = urlparse(servers.sent("message/template/send")[0]["url"]).path
    client = app.test_client()
    html = client.get(path).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    edit = client.post(path, data={"answer": "edit", "csrf_token": csrf}).get_data(as_text=True)
    assert "在“守护”公众号里发消息" in edit and the_check(runtime).answered_at is None
    assert client.get(path[:-3] + "xyz").status_code == 404  # a forged token
    clock.advance(days=15)
    expired = client.get(path)
    assert expired.status_code == 410 and "过期" in expired.get_data(as_text=True)
    assert run_quarter(runtime, clock) == (0, 1) and quarterly_tasks(runtime) == 1  # unanswered: the village


def test_without_a_template_the_channel_says_it_could_not_reach_the_parent(push_app, settings, runtime, engine,
                                                                           clock):
    settings.raw["entrustment"] = {"wechat_template_id": "", "public_url": ""}
    register(Talk(engine, "o-parent-4"))
    clock.advance(days=92)
    assert run_quarter(runtime, clock) == (1, 0)
    check = the_check(runtime)
    assert (check.delivered, check.sent_by) == (False, None) and check.escalated_at is not None
    assert quarterly_tasks(runtime) == 1
