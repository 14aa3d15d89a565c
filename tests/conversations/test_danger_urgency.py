"""Danger first: the 110 guidance, then a report that is urgent and alerts the station at once."""
from __future__ import annotations

import pytest

from tests.conversations.test_engine_real_nlu import Talk


def test_danger_words_make_the_report_urgent(engine, api_cases, notifier):
    t = Talk(engine, "wx-neighbour-urgent")
    first = t.say("隔壁的娃又被他爸打了 哭得很厉害 在红星镇向阳村")
    if first.startswith("孩子现在有危险吗"):  # the decision was not sure: one tap on 是
        first = t.say("是")
    assert first.index("110") < first.index("---")  # the 110 guidance comes before anything else
    assert "几岁" in first  # place, category and role were all in the first message
    summary = t.say("大概10岁")
    assert "请核对" in summary and "（紧急）" in summary and "热心群众" in summary
    assert "BG-" in t.say("确认提交")
    case = api_cases()[0]
    assert (case["category"], case["urgency"], case["assigned_unit"]) == ("domestic_violence", "urgent", "红星派出所")
    assert notifier.units() == ["红星派出所"] and notifier.sent[0]["urgency"] == "urgent"


@pytest.mark.parametrize("text", [
    "俺家娃吞了一枚硬币 卡在嗓子眼 脸都紫了",
    "孩子从二楼窗户摔下来了 叫不醒",
    "小孩被陌生男人抱走了 刚刚在校门口",
    "孩子喝了农药",
])
def test_model_flagged_emergency_gets_110_even_without_danger_words(engine, text):
    from nlu import danger
    assert danger.check(text) is None  # the word list misses these; the model must not
    reply = Talk(engine, "wx-emergency").say(text)
    assert "110" in reply.split("---")[0]
