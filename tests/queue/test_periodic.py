"""Periodic tasks as Huey runs them, with a moved clock: on the embedded profile's SQLite
queue and on the production profile's Redis queue."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core.db import transaction
from core.models import Case, ChannelUser, OutboundJob
from core.services.cases import CaseDraft, submit_case
from tests.channels.conftest import TG_TOKEN
from tests.queue.conftest import sent_texts, tg_ok, use_redis

T0 = datetime(2026, 12, 1, 8, 0)


@pytest.fixture(params=["sqlite", "redis"])
def backend(request, settings):
    if request.param == "redis":
        use_redis(settings, request.getfixturevalue("redis_url"))
    return request.param


def file_case(runtime) -> str:
    with transaction(runtime.sessions) as s:
        reporter = ChannelUser(channel="web", external_id="hash-r", external_ref="web-r-1")
        s.add(reporter)
        s.flush()
        return submit_case(s, CaseDraft(category="domestic_violence", urgency="high", reporter_role="citizen",
                                        description="虚构：邻居家天天打孩子", township="红星镇", village="向阳村",
                                        reporter_channel_user_id=reporter.id), now=T0).number


def test_escalation_runs_as_a_periodic_task_when_the_clock_passes_the_deadline(
        backend, settings, runtime, telegram_staff):
    telegram_staff.expect_request(f"/bot{TG_TOKEN}/sendMessage").respond_with_json(tg_ok())
    number = file_case(runtime)  # high: two hours to be accepted
    queue = runtime.queue
    assert "escalate_overdue" in queue.run_periodic(T0 + timedelta(minutes=61))
    with runtime.sessions() as s:
        assert s.scalar(select(Case).where(Case.number == number)).escalated_at is None

    names = queue.run_periodic(T0 + timedelta(hours=3))  # 11:00: the hourly tasks too
    assert set(names) == {"escalate_overdue", "purge_drafts", "entrust_quarterly", "visit_reminders",
                          "dashboard_summary"}
    with runtime.sessions() as s:
        case = s.scalar(select(Case).where(Case.number == number))
        assert case.escalated_at == T0 + timedelta(hours=3)
        assert any(e.action == "escalated" for e in case.events)
        assert s.scalar(select(OutboundJob).where(OutboundJob.kind == "notify:telegram")) is not None
    queue.drain()  # the escalation's alert, through the same queue
    assert any("超时未受理" in text for text in sent_texts(telegram_staff))

    queue.run_periodic(T0 + timedelta(hours=4))
    with runtime.sessions() as s:  # once only
        events = s.scalar(select(Case).where(Case.number == number)).events
        assert [e.action for e in events].count("escalated") == 1


def test_hourly_tasks_wait_for_the_hour(settings, runtime, jurisdiction):
    assert set(runtime.queue.run_periodic(datetime(2026, 12, 1, 9, 17))) == {"escalate_overdue"}


def test_the_hourly_visit_reminder_turns_an_overdue_visit_into_a_village_task(backend, runtime, jurisdiction):
    from core.models import FollowUpTask
    from tests.children.helpers import register

    kid = register(runtime, now=T0)
    runtime.queue.run_periodic(T0 + timedelta(days=20, hours=2))  # not due yet
    runtime.queue.run_periodic(T0 + timedelta(days=31, hours=2))
    with runtime.sessions() as s:
        tasks = s.scalars(select(FollowUpTask).where(FollowUpTask.child_id == kid,
                                                     FollowUpTask.kind == "visit_due")).all()
        assert len(tasks) == 1 and tasks[0].assigned_unit.startswith("东风村")
