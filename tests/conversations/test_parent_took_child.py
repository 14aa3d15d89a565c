"""A parent who took their own child (after a divorce, a quarrel) is not by itself a missing
child: the first reply asks 孩子现在有危险吗？ instead of sending the caller to 110, unless
the message says danger elsewhere. Through the real engine and NLU; sentences fictional."""
from __future__ import annotations

import pytest

from handlers.custody import without_parent_taking
from tests.conversations.test_asking import QUESTION, _to_summary
from tests.conversations.test_engine_real_nlu import Talk


@pytest.mark.parametrize("first", ["孩子他爸把孩子带走了", "我前夫趁我上班把女儿接走了，电话也不接",
                                   "孩子被她爸爸接走了，不知道去哪了"])
def test_a_parent_taking_their_child_is_asked_about_not_sent_to_110(engine, api_cases, first):
    t = Talk(engine, f"wx-custody-{len(first)}")
    reply = t.say(first)
    assert reply.startswith(QUESTION) and "110" not in reply
    reply = t.say("应该没什么危险，他不会打孩子，就是联系不上")
    assert "【紧急】" not in reply and QUESTION not in reply
    reply = _to_summary(t, reply)
    assert "（紧急）" not in reply
    assert "BG-" in t.say("确认提交")
    assert api_cases()[0]["urgency"] != "urgent"


def test_danger_said_besides_the_taking_still_gets_110_first(engine):
    reply = Talk(engine, "wx-custody-danger").say("孩子他爸喝醉了把孩子带走了，现在正在家里打孩子")
    assert QUESTION not in reply and "110" in reply.split("---")[0]


def test_a_stranger_taking_a_child_is_still_an_emergency(engine):
    reply = Talk(engine, "wx-stranger").say("有个不认识的人把孩子抱走了")
    assert QUESTION not in reply and "110" in reply.split("---")[0]


def test_only_the_clause_of_the_taking_is_set_aside():
    assert without_parent_taking("孩子他爸把孩子带走了") == ""
    assert without_parent_taking("离婚后孩子他妈把孩子抱走了，电话也不接") == "电话也不接"
    assert without_parent_taking("奶奶把孩子带去赶集了") is None  # not a parent
    assert without_parent_taking("孩子被人抱走了") is None
