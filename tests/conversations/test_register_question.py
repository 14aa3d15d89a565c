"""A parent going away who asks whether to register ("孩子要报备吗？", "这样也要登记吧") is
answered by the registration itself: it says why (the rule) and asks its first question.
Not a report, not a policy answer that ends the conversation. Real engine and NLU; the
sentences are fictional."""
from __future__ import annotations

import pytest

from handlers.describe import asks_to_register
from tests.conversations.test_engine_real_nlu import Talk


@pytest.mark.parametrize("first", ["我下个月要出去打工了，孩子需要报备吗？",
                                   "您好 我人在外地 娃自己在家读书 要在这登记吗",
                                   "我去苏州了，孩子放在他外婆家，外婆腿脚不好，这个也得登记吧"])
def test_a_parent_asking_whether_to_register_is_registered(engine, first):
    reply = Talk(engine, f"wx-ask-register-{len(first)}").say(first)
    assert "我来帮您登记" in reply and "孩子叫什么名字" in reply, reply
    assert "请核对您的报告" not in reply and "哪个乡镇、哪个村" not in reply


@pytest.mark.parametrize("said", ["我是老师，留守儿童需要登记吗", "我之前登记过了吗", "孩子爷爷要登记吗"])
def test_nobody_going_away_or_an_earlier_registration_is_not_a_new_one(said):
    assert not asks_to_register(said)
