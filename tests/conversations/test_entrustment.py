"""Migrant parents register and update who looks after their child (委托监护), by chat."""
from __future__ import annotations

from sqlalchemy import select

from core.db import transaction
from core.models import Child, Entrustment, FollowUpTask
from tests.conversations.test_engine_real_nlu import Talk

ANSWERS = (("孩子叫什么名字", "child"), ("哪个乡镇", "place"), ("哪个城市", "city"),
           ("您的手机号", "phone"), ("由谁照顾", "guardian"), ("照顾孩子的人电话", "guardian_phone"))


def _answer_until_summary(t: Talk, reply: str, **facts) -> str:
    """Answer whatever the bot asks, from the facts, until it shows the summary."""
    facts = {"child": "王小明", "place": "红星镇东风村", "city": "广东东莞", "phone": "13800001234",
             "guardian": "爷爷 王大山", "guardian_phone": "13900001234", **facts}
    for _ in range(8):
        if "请核对登记信息" in reply:
            return reply
        key = next(k for q, k in ANSWERS if q in reply)
        reply = t.say(facts[key])
    raise AssertionError(reply)


def test_parent_registers_from_the_city_where_they_work(engine, runtime):
    t = Talk(engine, "wx-parent-1")
    first = t.say("我在东莞打工，想登记一下孩子由谁带")
    assert "孩子叫什么名字" in first
    summary = _answer_until_summary(t, first, city="this answer must not be needed")
    assert "东莞" in summary and "爷爷 王大山" in summary
    done = t.say("1")
    assert "已登记" in done and "村委会" in done
    with transaction(runtime.sessions) as s:
        child = s.scalar(select(Child))
        assert child.name == "王小明" and child.village.name == "东风村"
        e = s.scalar(select(Entrustment))
        assert (e.version, e.guardian_name, e.guardian_relation, e.guardian_phone, e.work_city) == (
            1, "王大山", "爷爷", "13900001234", "东莞")
        task = s.scalar(select(FollowUpTask))
        assert task.kind == "verify_entrustment" and task.assigned_unit == "东风村村（居）委会"


def test_update_keeps_the_old_entrustment(engine, runtime):
    t = Talk(engine, "wx-parent-2")
    _answer_until_summary(t, t.say("监护登记"))
    assert "已登记" in t.say("1")
    reply = t.say("孩子换给外婆带了，要更新一下监护信息")
    summary = _answer_until_summary(t, reply, guardian="外婆李秀英", guardian_phone="13900002222")
    assert "外婆 李秀英" in summary
    done = t.say("确认登记")
    assert "已更新" in done and "第2版" in done
    with transaction(runtime.sessions) as s:
        assert s.scalar(select(Child.id).order_by(Child.id.desc())) == 1  # the same child file
        rows = s.scalars(select(Entrustment).order_by(Entrustment.version)).all()
        assert [(r.guardian_name, r.superseded_at is None) for r in rows] == [("王大山", False), ("李秀英", True)]


def test_bad_answers_are_asked_again(engine, runtime):
    t = Talk(engine, "wx-parent-3")
    t.say("我要登记委托监护")
    t.say("王小明")
    assert "请从下面选一个" in t.say("火星村")
    t.say("红星镇东风村")
    t.say("东莞")
    assert "号码好像不对" in t.say("12345")
    assert "孩子现在由谁照顾" in t.say("13800001234")
    with transaction(runtime.sessions) as s:
        assert s.scalar(select(Entrustment)) is None


def test_cancel_registers_nothing(engine, runtime):
    t = Talk(engine, "wx-parent-4")
    t.say("监护登记")
    t.say("王小明")
    assert "已经取消" in t.say("取消")
    with transaction(runtime.sessions) as s:
        assert s.scalar(select(Child)) is None
