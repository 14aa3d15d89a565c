"""Answers to 孩子现在有危险吗？ are read whole, as people type them: "safe now" said as
where the child is and who is with them, danger said in a second clause, a threat made from
afar. Through the real engine and NLU (the danger probability pinned inside the band, as in
test_asking.py) and the reader on its own; all sentences fictional."""
from __future__ import annotations

import pytest

from handlers import danger
from tests.conversations.test_asking import QUESTION, REPORT, _to_summary, unsure_engine  # noqa: F401
from tests.conversations.test_engine_real_nlu import Talk


@pytest.mark.parametrize("said", ["孩子这会儿在学校，班主任陪着呢", "娃在屋里 我们几个大人守着",
                                  "目前在卫生院，情况稳定", "今天没什么事", "那人没有过来，就是在手机上威胁她",
                                  "依家冇乜危险，佢喺外婆屋企"])
def test_safe_now_in_other_words_is_a_no(said):
    assert danger.answer(said) == "no"


@pytest.mark.parametrize("said", ["不知道跑哪去了，挺危险的", "真的很危险", "我也说不好 好危险"])
def test_danger_in_any_clause_is_a_yes(said):
    assert danger.answer(said) == "yes"


@pytest.mark.parametrize("said", ["没人看着", "到现在还没找到", "在学校被人打了"])
def test_an_answer_that_says_harm_or_nobody_is_not_read_as_safe(said):
    """Negated care, a child still missing, harm told in the answer: read with the first message."""
    assert danger.answer(said) is None


def test_a_child_at_school_with_a_teacher_is_not_an_emergency(unsure_engine, api_cases):  # noqa: F811
    t = Talk(unsure_engine, "wx-safe-at-school")
    assert t.say(REPORT).startswith(QUESTION)
    reply = t.say("孩子这会儿在学校，班主任陪着呢")
    assert "110" not in reply and QUESTION not in reply
    reply = _to_summary(t, reply)
    assert "（紧急）" not in reply
    assert "BG-" in t.say("确认提交")
    assert api_cases()[0]["urgency"] != "urgent"


def test_a_threat_from_afar_is_no_emergency_but_the_police_are_named(unsure_engine, api_cases):  # noqa: F811
    t = Talk(unsure_engine, "wx-threat-online")
    assert t.say("我外甥女被网上认识的一个男的骗了照片，红星镇向阳村的").startswith(QUESTION)
    reply = t.say("那人没有过来，就是在手机上威胁她")
    assert "【紧急】" not in reply and "可以报警" in reply and "保存" in reply
    reply = _to_summary(t, reply)
    assert "（紧急）" not in reply
    assert "BG-" in t.say("确认提交")
    assert api_cases()[0]["urgency"] != "urgent"
