"""Test doubles for the engine: a deterministic keyword NLU, small flows, a clock,
a recording notifier. The real NLU and flows come from other modules; the engine only
sees the interfaces."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta
from enum import StrEnum

from core.messages import Button, Reply
from handlers.base import FlowState, Outcome

KEYWORDS = [  # first match wins
    ("human_handoff", ("人工",)),
    ("report_case", ("报告", "举报", "被打", "没人管", "打孩子", "欺负")),
    ("register_entrustment", ("登记", "委托")),
    ("ask_policy", ("政策", "补助", "补贴")),
    ("check_status", ("进度", "查一下")),
    ("greet", ("你好", "您好", "在吗")),
    ("thanks", ("谢谢",)),
    ("goodbye", ("再见", "拜拜")),
    ("help", ("帮助",)),
]


def keyword_parse(text: str) -> dict:
    """Rasa-format result. "说不清" is deliberately ambiguous (report vs. policy)."""
    if "说不清" in text:
        ranking = [{"name": "report_case", "confidence": 0.41},
                   {"name": "ask_policy", "confidence": 0.38}]
    else:
        name = next((i for i, words in KEYWORDS if any(w in text for w in words)), "out_of_scope")
        ranking = [{"name": name, "confidence": 0.95}, {"name": "out_of_scope", "confidence": 0.05}]
    return {"text": text, "intent": dict(ranking[0]), "intent_ranking": ranking, "entities": []}


class ReportStep(StrEnum):
    PLACE = "place"
    ROLE = "role"


ROLE_BUTTONS = (Button("老师", "teacher"), Button("亲属", "relative"), Button("其他人", "other"))


class FakeReportFlow:
    """place -> role -> done; records every call (flows are shared, state is not)."""

    name = "report"

    def __init__(self):
        self.calls: list[tuple[str, str]] = []
        self.delay = 0.0
        self.gate: threading.Event | None = None

    def start(self, ctx, turn):
        self.calls.append(("start", turn.text))
        if self.gate is not None:
            self.gate.wait(10)
        if self.delay:
            import time
            time.sleep(self.delay)
        return Outcome(FlowState(self.name, ReportStep.PLACE, {"first": turn.text[:50]}),
                       [Reply("好的，我们来登记报告。请问孩子现在在哪个乡镇、哪个村？", request_location=True)])

    def step(self, ctx, state, turn):
        self.calls.append((state.step, turn.text))
        if state.step == ReportStep.PLACE:
            place = turn.inbound.location.label if turn.inbound.location else turn.text
            return Outcome(FlowState(self.name, ReportStep.ROLE, {**state.data, "place": place}),
                           [Reply("请问您是孩子的什么人？", ROLE_BUTTONS)])
        notifier = ctx.services.get("notifier")
        if notifier is not None:
            notifier.notify(ctx.db, "红星派出所", "新的报告", "测试报告", urgency="urgent")
        return Outcome(None, [Reply(f"报告已提交（{state.data['place']}，{turn.text}）。谢谢您！")])


class SlowFlow:
    name = "slow"

    def __init__(self, seconds: float = 0.6):
        self.seconds = seconds

    def start(self, ctx, turn):
        import time
        time.sleep(self.seconds)
        return Outcome(None, [Reply("慢慢处理好了。")])

    step = None


class BrokenFlow:
    name = "broken"

    def start(self, ctx, turn):
        return Outcome(FlowState(self.name, "ask", {}), [Reply("请说说情况。")])

    def step(self, ctx, state, turn):
        raise RuntimeError("boom with personal data 张三 13800000000")


class FakeClock:
    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 11, 28, 8, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


class RecordingNotifier:
    def __init__(self):
        self.sent: list[tuple] = []

    def notify(self, session, unit, subject, body, urgency="normal"):
        self.sent.append((unit, subject, body, urgency))
        return 1


INTENT_FLOWS = {"report_case": "report"}
COMMAND_FLOWS = {"/report": "report", "/slow": "slow", "/broken": "broken"}


def make_engine(runtime, clock=None, flows=None, notifier=None, **kwargs):
    from bot.engine import Engine
    ctx = runtime.flow_context()
    if notifier is not None:
        ctx.services["notifier"] = notifier
    flows = flows or {"report": FakeReportFlow(), "slow": SlowFlow(), "broken": BrokenFlow()}
    return Engine(ctx, flows, keyword_parse, clock=clock or FakeClock(), sessions=runtime.sessions,
                  intent_flows=INTENT_FLOWS, command_flows=COMMAND_FLOWS, **kwargs)
