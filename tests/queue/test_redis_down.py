"""Fault: Redis is down. The web path keeps answering, the jobs it wrote wait in the
outbox, and once Redis is back they are delivered."""
from __future__ import annotations

from sqlalchemy import select

from core.models.channel import OutboundJob
from tests.channels.conftest import TG_TOKEN
from tests.queue.conftest import sent_messages, tg_ok, use_redis, wait_for


def statuses(runtime) -> list[str]:
    with runtime.sessions() as s:
        return list(s.scalars(select(OutboundJob.status).order_by(OutboundJob.id)))


def test_redis_down_jobs_wait_in_the_outbox_until_it_is_back(settings, runtime, telegram_staff, own_redis):
    from bot.app import create_app
    use_redis(settings, own_redis.url)
    telegram_staff.expect_request(f"/bot{TG_TOKEN}/sendMessage").respond_with_json(tg_ok())
    client = create_app(settings, runtime).test_client()
    runtime.start_relay()
    consumer = runtime.queue.start_in_process(workers=1)
    try:
        own_redis.stop()
        answer = client.post("/api/chat", json={"user_id": "w-down", "text": "我要找人工"})
        assert answer.status_code == 200
        assert any("工作人员" in r["text"] for r in answer.get_json()["replies"])
        answer = client.post("/api/chat", json={"user_id": "w-down2", "text": "转人工"})
        assert answer.status_code == 200
        runtime.wake_worker()
        assert wait_for(lambda: not runtime._lazy["relay"].reachable, 5)
        assert statuses(runtime) == ["pending", "pending"]  # waiting, not lost, not failed
        assert sent_messages(telegram_staff) == []

        own_redis.start()  # same port
        assert wait_for(lambda: statuses(runtime) == ["done", "done"], 30)
    finally:
        consumer.stop()
    assert len(sent_messages(telegram_staff)) == 2
