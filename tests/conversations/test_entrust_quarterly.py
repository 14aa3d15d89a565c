"""The quarterly confirmation, with a moved clock: sent through the outbox, answered with one
tap, escalated to the village after 14 days, and honest about WeChat's 48-hour window."""
from __future__ import annotations

from sqlalchemy import select

from core.models import EntrustCheck, FollowUpTask, OutboundJob
from core.services import entrust_checks
from tests.conversations.test_engine_real_nlu import Talk
from tests.conversations.test_entrustment import register_in_one_message


def _quarterly_tasks(jurisdiction) -> list[str]:
    with jurisdiction.sessions() as s:
        return [t.assigned_unit for t in s.scalars(select(FollowUpTask).where(FollowUpTask.kind == "quarterly_check"))]


def _questions(jurisdiction) -> list[str]:
    with jurisdiction.sessions() as s:
        return [j.body for j in s.scalars(select(OutboundJob).where(
            OutboundJob.kind.in_(("wechat_cs", "telegram_push", "wechat_template"))))]


def test_quarterly_confirmation_answered_with_one_tap(engine, jurisdiction, clock):
    t = Talk(engine, "wx-quarter")
    register_in_one_message(t)
    clock.advance(days=30)
    assert entrust_checks.run(jurisdiction.sessions, clock()) == (0, 0)  # not yet a quarter
    clock.advance(days=61)
    t.say("你好")  # the parent wrote lately: inside WeChat's 48-hour window
    clock.advance(hours=1)
    assert entrust_checks.run(jurisdiction.sessions, clock()) == (1, 0)
    assert any("每季度确认" in body and "王小雨" in body for body in _questions(jurisdiction))
    reply = t.say("监护登记")
    assert "这是您现在的登记" in reply and "信息没变" in reply
    assert "谢谢您确认" in t.say("信息没变")
    clock.advance(days=15)
    assert entrust_checks.run(jurisdiction.sessions, clock()) == (0, 0)  # answered: nothing to escalate
    assert _quarterly_tasks(jurisdiction) == []


def test_no_answer_in_14_days_becomes_a_village_task(engine, jurisdiction, clock):
    t = Talk(engine, "wx-silent")
    register_in_one_message(t)
    clock.advance(days=91)
    t.say("你好")
    clock.advance(hours=1)
    assert entrust_checks.run(jurisdiction.sessions, clock())[0] == 1
    clock.advance(days=13)
    assert entrust_checks.run(jurisdiction.sessions, clock()) == (0, 0)
    clock.advance(days=2)
    assert entrust_checks.run(jurisdiction.sessions, clock()) == (0, 1)
    assert _quarterly_tasks(jurisdiction) == ["东风村村委会"]


def test_outside_the_wechat_window_the_village_is_asked_at_once(engine, jurisdiction, clock):
    register_in_one_message(Talk(engine, "wx-away"))
    clock.advance(days=92)  # the parent has not written for three months
    assert entrust_checks.run(jurisdiction.sessions, clock())[0] == 1
    assert not any("每季度确认" in body for body in _questions(jurisdiction))
    with jurisdiction.sessions() as s:
        check = s.scalar(select(EntrustCheck))
        assert check.delivered is False and check.escalated_at is not None
    assert _quarterly_tasks(jurisdiction) == ["东风村村委会"]
