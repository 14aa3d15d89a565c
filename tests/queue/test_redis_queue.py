"""Jobs through the real Huey queue on Redis: the relay after a commit, a consumer thread,
retries on 500s, the dead-letter list after three failures."""
from __future__ import annotations

import redis
from sqlalchemy import select

from core.db import transaction
from core.models.channel import OutboundJob
from core.services import jobs
from core.services.notifications import Notifier
from tests.channels.conftest import TG_TOKEN
from tests.queue.conftest import sent_messages, tg_ok, use_redis, wait_for

SEND = f"/bot{TG_TOKEN}/sendMessage"


def job_row(runtime) -> OutboundJob:
    with runtime.sessions() as s:
        return s.scalar(select(OutboundJob))


def alert(runtime, settings) -> None:
    with transaction(runtime.sessions) as s:
        assert Notifier(settings).notify(s, None, "紧急报告 BG-1", "东风村有儿童落水", urgency="urgent") == 1


def test_a_committed_alert_goes_through_redis_to_telegram(settings, runtime, telegram_staff, redis_url):
    use_redis(settings, redis_url)
    telegram_staff.expect_request(SEND).respond_with_json(tg_ok())
    alert(runtime, settings)
    assert job_row(runtime).status == "pending"  # committed, in the outbox
    assert runtime.queue.relay() == 1
    assert job_row(runtime).status == "queued"
    # The task is in Redis, under Huey's queue key, before any worker runs.
    assert redis.Redis.from_url(redis_url).llen(f"huey.redis.{runtime.queue.huey.name}") == 1
    consumer = runtime.queue.start_in_process(workers=1)
    try:
        assert wait_for(lambda: job_row(runtime).status == "done")
    finally:
        consumer.stop()
    (call,) = sent_messages(telegram_staff)
    params = call.get_json() if call.is_json else call.form
    assert str(params["chat_id"]) == "777" and "【紧急】" in params["text"]
    assert runtime.queue.relay() == 0  # delivered: nothing to relay again


def test_a_job_relayed_twice_is_delivered_once(settings, runtime, telegram_staff, redis_url):
    use_redis(settings, redis_url)
    telegram_staff.expect_request(SEND).respond_with_json(tg_ok())
    alert(runtime, settings)
    (job_id,) = jobs.due_for_relay(runtime.sessions, jobs.utcnow())
    runtime.queue.deliver(job_id)  # a relay died after enqueueing, before marking the row
    runtime.queue.deliver(job_id)  # ... and another relay enqueued it again
    assert runtime.queue.drain() == 1
    assert len(sent_messages(telegram_staff)) == 1 and job_row(runtime).status == "done"


def test_500s_are_retried_then_delivered(settings, runtime, telegram_staff, redis_url):
    use_redis(settings, redis_url)
    for _ in range(2):
        telegram_staff.expect_oneshot_request(SEND).respond_with_data("busy", status=500)
    telegram_staff.expect_request(SEND).respond_with_json(tg_ok())
    alert(runtime, settings)
    runtime.start_relay()
    consumer = runtime.queue.start_in_process(workers=1)
    try:
        assert wait_for(lambda: job_row(runtime).status == "done")
    finally:
        consumer.stop()
    job = job_row(runtime)
    assert job.attempts == 3 and job.last_error is None
    assert len(sent_messages(telegram_staff)) == 3


def test_three_failures_put_the_job_on_the_dead_letter_list(settings, runtime, telegram_staff, redis_url):
    use_redis(settings, redis_url)
    telegram_staff.expect_request(SEND).respond_with_data("down", status=500)
    alert(runtime, settings)
    runtime.start_relay()
    consumer = runtime.queue.start_in_process(workers=1)
    try:
        assert wait_for(lambda: job_row(runtime).status == "failed")
        (call_count) = len(sent_messages(telegram_staff))
    finally:
        consumer.stop()
    job = job_row(runtime)
    assert job.attempts == 3 and call_count == 3 and job.last_error
    with runtime.sessions() as s:
        assert [j.id for j in jobs.failed_jobs(s)] == [job.id]
    # Nothing is left to run: no fourth try behind the list's back.
    assert runtime.queue.huey.pending_count() == 0 and runtime.queue.huey.scheduled_count() == 0
