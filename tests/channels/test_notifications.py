"""On-duty alerts: queued as jobs, delivered by email (aiosmtpd) and Telegram (fake Bot API)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.db import transaction, utcnow
from core.models.channel import OutboundJob
from core.models.staff import StaffUser
from core.services import jobs
from core.services.notifications import Notifier
from tests.channels.conftest import TG_TOKEN, configure


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Inbox(Message):
        def __init__(self):
            super().__init__()
            self.messages = []

        def handle_message(self, message):
            self.messages.append(message)

    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def on_duty(runtime, username, notify_to):
    with transaction(runtime.sessions) as s:
        s.execute(update(StaffUser).where(StaffUser.username == username)
                  .values(on_duty=True, notify_to=notify_to))


def test_alerts_reach_the_police_station_by_email_and_telegram(
        settings, runtime, jurisdiction, make_staff, smtp_server, httpserver):
    inbox, port = smtp_server
    configure(settings, safe=False, api_base=httpserver.url_for("").rstrip("/"))
    settings.raw["notifications"] = {"channels": ["log", "email", "telegram"],
                                     "email": {"host": "127.0.0.1", "port": port, "sender": "bot@shouhu.test"}}
    httpserver.expect_request(f"/bot{TG_TOKEN}/sendMessage").respond_with_json(
        {"ok": True, "result": {"message_id": 1, "date": 1, "chat": {"id": 777, "type": "private"}, "text": "x"}})
    make_staff("hx_police", "police", township="红星镇")
    make_staff("other_police", "police", township="青山镇")
    on_duty(runtime, "hx_police", "email:duty@police.test, telegram:777")
    on_duty(runtime, "other_police", "email:other@police.test")

    notifier = Notifier(settings)
    with transaction(runtime.sessions) as s:
        assert notifier.notify(s, "红星派出所", "紧急报告 BG-1", "东风村有儿童落水", urgency="urgent") == 2
    assert runtime.queue.drain() == 2
    (mail,) = inbox.messages
    from email.header import decode_header, make_header
    assert mail["To"] == "duty@police.test"
    assert "紧急" in str(make_header(decode_header(mail["Subject"])))
    assert "东风村有儿童落水" in mail.get_payload(decode=True).decode("utf-8")
    (call,) = [r for r, _ in httpserver.log if r.path.endswith("/sendMessage")]
    params = call.get_json() if call.is_json else call.form
    assert str(params["chat_id"]) == "777" and "【紧急】" in params["text"]
    runtime.close()


def test_no_matching_unit_falls_back_to_region_staff(settings, runtime, jurisdiction, make_staff):
    settings.raw["notifications"] = {"channels": ["log", "email"]}
    make_staff("county", "civil_affairs")
    on_duty(runtime, "county", "email:county@mz.test")
    with transaction(runtime.sessions) as s:
        assert Notifier(settings).notify(s, None, "有群众请求人工服务", "x") == 1
    with runtime.sessions() as s:
        job = s.scalar(select(OutboundJob))
        assert job.kind == "notify:email" and job.target == "county@mz.test"
        assert json.loads(job.body)["subject"] == "有群众请求人工服务"


def test_disabled_channels_and_off_duty_staff_get_nothing(settings, runtime, jurisdiction, make_staff):
    settings.raw["notifications"] = {"channels": ["log"]}
    make_staff("county", "civil_affairs")
    on_duty(runtime, "county", "email:county@mz.test")
    with transaction(runtime.sessions) as s:
        assert Notifier(settings).notify(s, None, "s", "b") == 0


def test_email_retries_with_backoff_then_gives_up(settings, runtime, jurisdiction):
    settings.raw["notifications"] = {"channels": ["email"], "email": {"host": "127.0.0.1", "port": 9}}
    with transaction(runtime.sessions) as s:
        jobs.enqueue(s, "notify:email", "a@b.test", {"subject": "s", "body": "b", "urgency": "high"})
    now = utcnow()
    gaps = []
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        assert runtime.queue.drain(now) == 0
        with runtime.sessions() as s:
            job = s.scalar(select(OutboundJob))
        assert job.attempts == attempt and "ConnectionRefusedError" in job.last_error
        if attempt < jobs.MAX_ATTEMPTS:
            assert job.status == "queued"
            assert runtime.queue.drain(now + timedelta(seconds=1)) == 0  # not before its time
            (retry,) = runtime.queue.huey.scheduled()
            gaps.append((retry.eta - now).total_seconds())
            now = retry.eta + timedelta(seconds=1)
    assert job.status == "failed" and job.attempts == jobs.MAX_ATTEMPTS
    assert runtime.queue.huey.scheduled() == [] and runtime.queue.huey.pending_count() == 0
    assert gaps[0] >= 9 and gaps[1] > 4 * gaps[0]  # backoff grows (10 s, then 60 s)


def test_report_flow_can_notify_through_ctx(runtime, jurisdiction, settings, make_staff):
    """The notifier is exposed to flows as ctx.services["notifier"]."""
    settings.raw["notifications"] = {"channels": ["log", "wechat"]}
    make_staff("hx_police", "police", township="红星镇")
    on_duty(runtime, "hx_police", "wechat:oPolice")
    assert "notifier" in runtime.flow_context().services
    from core.messages import Inbound
    from tests.channels.fakes import make_engine
    engine = make_engine(runtime, notifier=runtime.notifier)
    for text in ("/report", "东风村", "1"):
        engine.handle(Inbound("web", "w", text))
    with runtime.sessions() as s:
        job = s.scalar(select(OutboundJob))
        assert job.kind == "notify:wechat" and job.target == "oPolice"


def test_the_in_process_consumer_delivers(runtime, jurisdiction):
    """Embedded profile: `shouhu serve` runs the relay and Huey's consumer as threads."""
    import threading
    delivered = threading.Event()
    runtime.senders = lambda: {"x": lambda t, b: delivered.set()}
    runtime.start_worker(workers=1)
    try:
        with transaction(runtime.sessions) as s:
            jobs.enqueue(s, "x", "t", "b")
        runtime.wake_worker()
        assert delivered.wait(10)
    finally:
        runtime.close()
    with runtime.sessions() as s:
        assert s.scalar(select(OutboundJob)).status == "done"
