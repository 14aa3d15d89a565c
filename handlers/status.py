"""The status flow (我的报告): a reporter sees the status of THEIR OWN cases, in plain words.

```mermaid
stateDiagram-v2
    [*] --> [*]: "我的报告" -> own cases (newest 5)
    [*] --> [*]: a case number -> that case if this user reported it, else "not found"
```
Nothing confidential is shown: the category, the day it was filed and the reporter-facing
status word (core.labels.STATUS_FOR_REPORTER) only. A number reported by someone else
answers exactly like a number that does not exist, so guessing numbers reveals nothing.
"""
from __future__ import annotations

import re

from core import labels
from core.messages import Button, Reply
from core.services.cases import reporter_cases
from handlers.base import FlowContext, FlowState, Outcome, Turn

NUMBER = re.compile(r"BG-?\d{8}-?\d{4,6}", re.IGNORECASE)  # 5+ digits past 9999 a day


def _canonical(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    return f"BG-{digits[:8]}-{digits[8:]}"


def _line(case) -> str:
    category = labels.CATEGORY.get(case.category, "其他情况")
    return (f"{case.number}（{case.created_at:%m月%d日}提交，{category}）："
            f"{labels.STATUS_FOR_REPORTER.get(case.status, '处置中')}")


class StatusFlow:
    name = "status"

    def start(self, ctx: FlowContext, turn: Turn) -> Outcome:
        m = NUMBER.search(turn.text or "")
        number = _canonical(m.group(0)) if m else None
        if not turn.channel_user_id:
            return Outcome(None, [Reply("暂时查不到您的报告，请稍后再试。")])
        cases = reporter_cases(ctx.db, turn.channel_user_id, number=number)
        lines = [_line(c) for c in cases]
        if number and not lines:
            return Outcome(None, [Reply(
                f"没有找到您提交的编号为 {number} 的报告。这里只能查询您自己在本服务提交的报告；"
                "请核对编号，或回复“我的报告”查看全部。")])
        if not lines:
            return Outcome(None, [Reply("您还没有在这里提交过报告。发现孩子需要帮助，可以随时告诉我。",
                                        (Button("我要报告", "/report"),))])
        head = "您的报告进度：" if not number else "报告进度："
        tail = "\n受理和结案时我也会主动通知您。为保护孩子隐私，处置细节不在这里显示。"
        return Outcome(None, [Reply(head + "\n" + "\n".join(lines) + tail)])

    def step(self, ctx: FlowContext, state: FlowState, turn: Turn) -> Outcome:
        return self.start(ctx, turn)
