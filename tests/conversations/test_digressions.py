"""Users wander off mid-report: a status question, a policy question, Traditional commands."""
from __future__ import annotations

from tests.conversations.test_engine_real_nlu import Talk


def _into_place_question(t: Talk) -> None:
    t.say("我要报告")
    assert "哪个乡镇" in t.say("隔壁孩子父母都出去打工了 一个人住")


def test_status_question_mid_report_is_answered_and_the_report_goes_on(engine, api_cases):
    t = Talk(engine, "wx-digress-1")
    _into_place_question(t)
    reply = t.say("我的报告")
    assert "还没有在这里提交过报告" in reply
    assert reply.rstrip().endswith("例如：红星镇向阳村")  # the open question is asked again
    assert "几岁" in t.say("红星镇向阳村")  # and its answer is still taken


def test_traditional_handoff_keeps_the_draft(engine, notifier):
    t = Talk(engine, "wx-digress-2")
    _into_place_question(t)
    reply = t.say("轉人工")
    assert "12345" in reply and notifier.sent
    assert "几岁" in t.say("红星镇向阳村")


def test_question_about_the_rules_is_not_an_emergency(engine):
    reply = Talk(engine, "wx-question").say("老師發現學生被打必須報告嗎")
    assert "【紧急】" not in reply
    assert "公安" in reply  # answered from the mandatory-reporting rule


def test_retaliation_question_is_not_violence(engine):
    reply = Talk(engine, "wx-question-2").say("报告了会不会被打击报复")
    assert "【紧急】" not in reply
