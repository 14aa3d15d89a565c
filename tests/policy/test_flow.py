"""The ask flow, driven with Turn and FlowContext built by hand."""
from __future__ import annotations

from datetime import datetime

from core.messages import Inbound
from handlers.ask import AskFlow, AskStep
from handlers.base import FlowContext, Turn
from tests.policy.conftest import REGION


class _Settings:
    def section(self, name):
        return {"region": REGION}.get(name, {})


def turn(text: str, intent: str = "ask_policy", confidence: float = 0.9) -> Turn:
    return Turn(inbound=Inbound(channel="web", user_id="u1", text=text), text=text,
                nlu={"intent": {"name": intent, "confidence": confidence}, "entities": []},
                now=datetime(2026, 11, 28, 12, 0), channel_user_id=1)


def ctx(answerer) -> FlowContext:
    return FlowContext(settings=_Settings(), services={"policy": answerer})


def titles(reply):
    return [b.title for b in reply.buttons]


def test_answer_source_and_passage(answerer):
    flow, c = AskFlow(), ctx(answerer)
    out = flow.start(c, turn("孩子14岁，我们出去打工能让他一个人在家吗?"))
    assert out.state.flow == "ask" and out.state.step == AskStep.ANSWERED
    reply = out.replies[0]
    assert "来源：乌海政办发〔2016〕71号 二、（一）" in reply.text
    assert titles(reply)[:3] == ["原文", "继续提问", "返回菜单"]
    assert reply.buttons[2].payload == "/menu"

    shown = flow.step(c, out.state, turn("原文"))
    assert shown.state.step == AskStep.ANSWERED and "十六周岁" in shown.replies[0].text

    follow = flow.step(c, out.state, turn("那如果孩子15岁呢?"))
    assert "15岁还不满16周岁" in follow.replies[0].text

    more = flow.step(c, out.state, turn("继续提问"))
    assert more.state.step == AskStep.WAITING
    again = flow.step(c, more.state, turn("什么是困境儿童"))
    assert again.state.step == AskStep.ANSWERED and "残疾" in again.replies[0].text


def test_report_button_and_leaving_the_flow(answerer):
    flow, c = AskFlow(), ctx(answerer)
    out = flow.start(c, turn("邻居天天打孩子怎么办"))
    report = [b for b in out.replies[0].buttons if b.title == "我要报告"]
    assert report and report[0].payload == "/report"
    # a message that is not a follow-up question goes back to the engine
    gone = flow.step(c, out.state, turn("我要登记外出务工信息", intent="register_entrustment"))
    assert gone.state is None and gone.replies == []
    assert flow.step(c, out.state, turn("好的", intent="affirm", confidence=0.5)).state is None


def test_prompt_not_found_and_no_kb(curated_only):
    flow = AskFlow()
    c = ctx(curated_only)
    prompt = flow.start(c, turn("/ask"))
    assert prompt.state.step == AskStep.WAITING and "政策" in prompt.replies[0].text
    nf = flow.step(c, prompt.state, turn("给孩子办护照需要什么材料"))
    assert "找人工" in titles(nf.replies[0]) and "原文" not in titles(nf.replies[0])
    # without a policy service the flow builds a curated-only answerer itself
    bare = FlowContext(settings=_Settings(), services={})
    out = flow.start(bare, turn("儿童主任多久来家访一次"))
    assert "来源：阜民儿童函〔2024〕1号" in out.replies[0].text
    shown = flow.step(bare, out.state, turn("原文"))
    assert "没有可显示的原文" in shown.replies[0].text
