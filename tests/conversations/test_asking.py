"""A hotline does not guess, it asks: the danger question, the category check and "what happened".

Through the real engine and the real NLU. Where a test needs the model to be unsure, the
parse's probability is pinned inside the model's own band (the sentences stay real), so the
test checks the conversation, not where one sentence happens to fall after retraining.
"""
from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.flows import build_registry
from tests.conversations.test_engine_real_nlu import Talk

QUESTION = "孩子现在有危险吗？"


def _answer(reply: str) -> str:
    """What a reporter would answer to the report flow's next question."""
    if "几岁" in reply:
        return "8岁"
    if "还需要" in reply or "姓名" in reply:
        return "王医生，红星镇卫生院，13800001234"
    return "1" if "[" in reply else "邻居"


def _to_summary(t, reply: str, answer=_answer) -> str:
    """Answer the report flow's questions until the summary (at most 8 turns)."""
    for _ in range(8):
        if "请核对" in reply:
            break
        reply = t.say(answer(reply))
    return reply


def _engine(jurisdiction, parse, clock, notifier, real_parser):
    ctx = jurisdiction.flow_context()
    ctx.services["notifier"] = notifier
    return Engine(ctx, build_registry(), parse, real_parser.is_uncertain, clock=clock,
                  sessions=jurisdiction.sessions)


@pytest.fixture
def unsure_engine(jurisdiction, real_parser, clock, notifier):
    """The real parse, with the danger probability pinned in the middle of the band."""
    def parse(text):
        result = real_parser.parse(text)
        band = result["urgency"]
        band["confidence"] = (band["low"] + band["high"]) / 2
        result["entities"] = [e for e in result["entities"] if e["entity"] != "urgency"]
        return result
    return _engine(jurisdiction, parse, clock, notifier, real_parser)


@pytest.fixture
def unsure_category_engine(jurisdiction, real_parser, clock, notifier):
    """The real parse, calm, with a category the model is not sure of."""
    def parse(text):
        result = real_parser.parse(text)
        result["urgency"]["confidence"] = 0.0
        result["entities"] = [e for e in result["entities"] if e["entity"] != "urgency"]
        for e in result["entities"]:
            if e["entity"] == "category":
                e["confidence"] = 0.4
        return result
    return _engine(jurisdiction, parse, clock, notifier, real_parser)


REPORT = "红星镇向阳村有个孩子 他爸爸喝了酒在家里骂人摔东西"


@pytest.mark.parametrize("answer", ["是", "不确定"])
def test_yes_or_unsure_gives_110_at_once_and_makes_the_case_urgent(unsure_engine, api_cases, answer):
    t = Talk(unsure_engine, f"wx-unsure-{answer}")
    first = t.say(REPORT)
    assert first.startswith(QUESTION) and "[是] [没有] [不确定]" in first and "110" not in first
    second = t.say(answer)
    assert "110" in second.split("---")[0]  # the guidance comes first
    for _ in range(8):  # then the report goes on where the first message left it
        if "请核对" in second:
            break
        second = t.say(_answer(second))
    assert "（紧急）" in second
    assert "BG-" in t.say("确认提交")
    assert api_cases()[0]["urgency"] == "urgent"


def test_no_goes_on_without_the_guidance(unsure_engine, api_cases):
    t = Talk(unsure_engine, "wx-unsure-no")
    assert t.say(REPORT).startswith(QUESTION)
    reply = t.say("没有")
    assert "110" not in reply and QUESTION not in reply
    assert "几岁" in reply or "哪种情况" in reply or "对吗" in reply  # the report flow goes on


def test_a_confident_emergency_is_never_asked_about(engine):
    reply = Talk(engine, "wx-confident").say("救命 我孙子掉进河里了 在红星镇东风村")
    assert QUESTION not in reply and "110" in reply.split("---")[0]


def test_a_greeting_is_never_asked_about(engine):
    assert QUESTION not in Talk(engine, "wx-hello").say("你好")


def test_low_category_probability_is_confirmed_with_buttons(unsure_category_engine, api_cases):
    t = Talk(unsure_category_engine, "wx-cat-check")
    reply = t.say("红星镇向阳村有个8岁的孩子 他爸爸喝了酒天天骂他 也不给他做饭")
    assert "对吗" in reply and "[都不是]" in reply
    guess = reply.split("[", 1)[1].split("]", 1)[0]  # the model's guess is the first button
    reply = t.say("都不是")
    assert "哪种情况" in reply  # every category is offered
    titles = [part.split("]", 1)[0] for part in reply.split("[")[1:]]
    reply = t.say(str(next(i for i, title in enumerate(titles, 1) if "监护" in title)))
    assert "对吗" not in reply and guess
    reply = _to_summary(t, reply)
    assert "BG-" in t.say("确认提交")
    assert api_cases()[0]["category"] == "guardian_unfit"


def test_first_button_keeps_the_guess(unsure_category_engine, api_cases):
    t = Talk(unsure_category_engine, "wx-cat-keep")
    reply = t.say("红星镇向阳村有个8岁的孩子 他爸爸喝了酒天天骂他 也不给他做饭")
    assert "对吗" in reply
    assert "对吗" not in t.say("1")  # one tap confirms and the flow moves on


@pytest.mark.parametrize("first", ["我要报告", "我要举报", "我是医生，要做强制报告",
                                   "我是红星镇卫生院的护士，按规定要做强制报告",
                                   "我是红星镇中心小学的老师，有个情况要报告",
                                   "您好，我是社工，想反映一個孩子的情況",
                                   "您好，我是红星镇中心小学三年级的班主任，想报告一个学生的情况。"])
def test_a_report_that_says_nothing_is_asked_what_happened_first(engine, api_cases, first):
    t = Talk(engine, f"wx-what-{len(first)}")
    reply = t.say(first)
    assert "发生了什么" in reply and "哪种情况" not in reply and "哪个乡镇" not in reply
    reply = t.say("有个孩子身上好多伤 说是继父用皮带抽的 在红星镇向阳村")
    reply = _to_summary(t, reply)
    assert "皮带" in reply  # the description is the one they gave, not the opening words
    assert "BG-" in t.say("确认提交")
    case = api_cases()[0]
    assert "皮带" in case["description"] and case["category"] == "domestic_violence"


@pytest.mark.parametrize("first", ["我是红星镇中心小学的老师，有个情况要报告", "我是村医 我要报告"])
def test_the_category_comes_from_what_happened_not_from_the_opening(engine, api_cases, first):
    t = Talk(engine, f"wx-cat-from-{len(first)}")
    assert "发生了什么" in t.say(first)
    reply = t.say("班上一个男生爸妈都在浙江打工 奶奶走亲戚一个月没回来 他一个人住 自己做饭")
    reply = _to_summary(t, reply)
    assert "BG-" in t.say("确认提交")
    assert api_cases()[0]["category"] == "child_alone"


@pytest.mark.parametrize("answer", ["没有啥危险 就是娃苦", "目前沒有危險", "现在已经回家了 没事"])
def test_a_no_in_more_words_is_a_no(unsure_engine, api_cases, answer):
    t = Talk(unsure_engine, f"wx-no-words-{len(answer)}")
    assert t.say(REPORT).startswith(QUESTION)
    reply = t.say(answer)
    assert "110" not in reply and QUESTION not in reply
    reply = _to_summary(t, reply)
    assert "（紧急）" not in reply
    assert "BG-" in t.say("确认提交")
    assert api_cases()[0]["urgency"] != "urgent"


def test_words_said_with_the_danger_answer_stay_in_the_description(unsure_engine, api_cases):
    t = Talk(unsure_engine, "wx-unsure-aside")
    assert t.say(REPORT).startswith(QUESTION)
    reply = t.say("没有，孩子这几天住在他姑姑家")
    reply = _to_summary(t, reply)
    assert "姑姑家" in reply
    assert "BG-" in t.say("确认提交")
    assert "姑姑家" in api_cases()[0]["description"]


def test_no_danger_now_is_not_filed_as_an_emergency(unsure_engine, api_cases):
    """A child found again (a category urgent by default) and "没有" to the danger question:
    the case follows what the reporter said."""
    t = Talk(unsure_engine, "wx-unsure-calm")
    assert t.say("红星镇向阳村有个孩子昨天走丢了 今天早上已经找到了 现在脱离危险了").startswith(QUESTION)
    reply = t.say("没有")
    reply = _to_summary(t, reply)
    assert "（紧急）" not in reply
    assert "BG-" in t.say("确认提交")
    assert api_cases()[0]["urgency"] != "urgent"


def test_facts_said_with_the_danger_answer_are_not_asked_again(unsure_engine, api_cases):
    t = Talk(unsure_engine, "wx-unsure-facts")
    assert t.say("有个孩子 他爸爸喝了酒在家里骂人摔东西").startswith(QUESTION)
    reply = t.say("没有，孩子在红星镇东风村，8岁")
    assert "哪个乡镇" not in reply and "几岁" not in reply


def test_a_child_already_found_is_not_filed_as_an_emergency(engine, api_cases):
    """Missing children are urgent by default; a reporter telling us the child was found
    again ("后来找着了") files a normal case, and is not sent to 110."""
    t = Talk(engine, "wx-found-again")
    reply = t.say("红星镇东风村前天走丢的那个孩子后来找着了，十岁，但我觉得还是要跟你们说一声")
    assert "110" not in reply.split("\n")[0]
    reply = _to_summary(t, reply)
    assert "BG-" in t.say("确认提交")
    case = api_cases()[0]
    assert case["category"] == "child_missing" and case["urgency"] != "urgent"


def test_a_child_still_missing_stays_urgent(engine, api_cases):
    t = Talk(engine, "wx-still-missing")
    reply = t.say("红星镇东风村有个孩子前天走丢了，到现在还没找着，十岁")
    _to_summary(t, reply, lambda r: "是" if "危险" in r else _answer(r))
    assert "BG-" in t.say("确认提交")
    assert api_cases()[0]["urgency"] == "urgent"


def test_a_report_stated_with_the_duty_words_is_taken_not_answered(engine, api_cases):
    """"按强制报告要求上报一例…" files a report; a question about the duty is still answered."""
    t = Talk(engine, "wx-stated-report")
    reply = t.say("县中医院骨科，按强制报告要求上报一例儿童意外伤害")
    assert "来源：" not in reply and "？" in reply, reply
    asked = Talk(engine, "wx-duty-question").say("我是医生，发现孩子身上有伤要不要报告？")
    assert "来源：" in asked, asked
