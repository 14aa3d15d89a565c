"""Telegram: python-telegram-bot against a local fake Bot API server (pytest-httpserver)."""
from __future__ import annotations

import json

import pytest
from werkzeug import Request, Response

from tests.channels.conftest import TG_SECRET, TG_TOKEN, build_app, configure
from tests.channels.fakes import make_engine


class FakeBotApi:
    """Records Bot API calls and answers like Telegram does."""

    def __init__(self, httpserver):
        self.calls: list[tuple[str, dict]] = []
        self.updates: list[dict] = []
        self.drained = None  # set when getUpdates has nothing more to give
        httpserver.expect_request(f"/bot{TG_TOKEN}/sendMessage").respond_with_handler(self.send_message)
        httpserver.expect_request(f"/bot{TG_TOKEN}/getUpdates").respond_with_handler(self.get_updates)
        httpserver.expect_request(f"/bot{TG_TOKEN}/deleteWebhook").respond_with_json({"ok": True, "result": True})

    @staticmethod
    def params(request: Request) -> dict:
        if request.is_json:
            return request.get_json()
        return {k: v for k, v in request.form.items()}

    def send_message(self, request: Request) -> Response:
        p = self.params(request)
        self.calls.append(("sendMessage", p))
        result = {"message_id": len(self.calls), "date": 1764320000,
                  "chat": {"id": int(p["chat_id"]), "type": "private"}, "text": p["text"]}
        return Response(json.dumps({"ok": True, "result": result}), content_type="application/json")

    def get_updates(self, request: Request) -> Response:
        out, self.updates = self.updates, []
        if not out and self.drained is not None:
            self.drained.set()
        return Response(json.dumps({"ok": True, "result": out}), content_type="application/json")

    def sent(self) -> list[dict]:
        return [p for name, p in self.calls if name == "sendMessage"]


def update(update_id: int, chat_id: int = 42, **message) -> dict:
    msg = {"message_id": update_id, "date": 1764320000,
           "chat": {"id": chat_id, "type": "private"},
           "from": {"id": chat_id, "is_bot": False, "first_name": "测试"}, **message}
    return {"update_id": update_id, "message": msg}


@pytest.fixture
def tg(settings, runtime, jurisdiction, httpserver, notifier):
    configure(settings, safe=False, api_base=httpserver.url_for("").rstrip("/"))
    api = FakeBotApi(httpserver)
    engine = make_engine(runtime, notifier=notifier)
    app = build_app(runtime, engine)
    client = app.test_client()

    def post(data, secret=TG_SECRET, header=TG_SECRET):
        headers = {"X-Telegram-Bot-Api-Secret-Token": header} if header is not None else {}
        return client.post(f"/telegram/{secret}", json=data, headers=headers)
    yield post, api, engine
    runtime.close()


def keyboard(params: dict) -> list[str]:
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [b["text"] for row in (markup or {}).get("keyboard", []) for b in row]


def test_webhook_replies_with_a_keyboard(tg):
    post, api, _ = tg
    assert post(update(1, text="你好")).status_code == 200
    (msg,) = api.sent()
    assert int(msg["chat_id"]) == 42 and "110" in msg["text"]
    assert keyboard(msg) == ["我要报告", "监护登记", "政策咨询", "我的进度"]


def test_keyboard_words_and_location_sharing(tg):
    post, api, _engine = tg
    post(update(1, text="我要报告"))
    ask = api.sent()[-1]
    assert "哪个村" in ask["text"] and "📍 发送我的位置" in keyboard(ask)
    post(update(2, location={"latitude": 26.08, "longitude": 119.3}))
    assert "什么人" in api.sent()[-1]["text"]
    post(update(3, text="亲属"))
    assert "relative" in api.sent()[-1]["text"]


def test_photo_becomes_media(tg):
    post, api, engine = tg
    photo = [{"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
             {"file_id": "big", "file_unique_id": "b", "width": 900, "height": 900}]
    post(update(1, photo=photo, caption=""))
    assert "图片" in api.sent()[-1]["text"]
    from sqlalchemy import select

    from core.models.channel import InboundMessage
    with engine.store.sessions() as s:
        row = s.scalar(select(InboundMessage))
        assert row.kind == "image" and "big" in row.text


def test_secret_is_checked(tg):
    post, api, _ = tg
    assert post(update(1, text="你好"), header="wrong").status_code == 403
    assert post(update(1, text="你好"), header=None).status_code == 403
    assert post(update(1, text="你好"), secret="wrong").status_code == 403
    assert api.sent() == []


def test_redelivered_update_is_answered_once(tg):
    post, api, engine = tg
    post(update(5, text="我要报告"))
    post(update(5, text="我要报告"))
    assert len(api.sent()) == 1 and len(engine.flows["report"].calls) == 1


@pytest.mark.parametrize("body", [{"update_id": "x"}, {"nothing": 1}, {"update_id": 1, "message": "x"},
                                  {"update_id": 1, "message": {"chat": 5}}, [1, 2]])
def test_bad_updates_are_400_or_ignored(tg, body):
    post, _api, _ = tg
    assert post(body).status_code in (200, 400)


def test_start_command_greets(tg):
    post, api, _ = tg
    post(update(1, text="/start"))
    assert "守护" in api.sent()[-1]["text"]


def test_polling(tg, runtime):
    _post, api, _engine = tg
    import threading
    stop = threading.Event()
    api.updates = [update(10, text="你好"), update(11, text="我要报告")]
    api.drained = stop
    runtime.telegram.poll(stop=stop, timeout=0)
    texts = [m["text"] for m in api.sent()]
    assert "110" in texts[0] and "哪个村" in texts[1]
