"""Joining a registration with the one-time code the first parent received ("加入登记
123456"): the second parent or the guardian is asked who they are (unless they said it),
their own phone, and, for a parent, where they work (skippable).

```mermaid
stateDiagram-v2
    [*] --> join: right code (joined at once)
    join --> join: relation? / phone? / where do you work?
    join --> [*]: all asked
```
"""
from __future__ import annotations

import re

from core.messages import Button, Reply
from core.services import entrust_codes as codes
from core.services import entrust_joiners
from core.services import entrustments as svc
from handlers import entrust_parse as p
from handlers import validators as v
from handlers.base import FlowContext, FlowState, Outcome, Turn

STEP = "join"
JOIN = re.compile(r"加入.{0,6}?(\d{6})")
JOINER = {"妈妈": "mother", "妈": "mother", "母亲": "mother", "爸爸": "father", "爸": "father", "父亲": "father"}
ROLE_BUTTONS = (Button("爸爸", "join:father"), Button("妈妈", "join:mother"),
                Button("照顾孩子的人", "join:guardian"))
SKIP = re.compile(r"跳过|不说|不想说|不方便|算了|^不$|不用")
AT_HOME = re.compile(r"在家|没出去|没打工|不打工|在老家")


def _relation(text: str) -> str | None:
    said = next((code for word, code in JOINER.items() if re.search(f"我是(?:孩子(?:的)?)?{word}|孩子{word}", text)),
                None)
    return said or next((p.RELATIONS[r] for r in sorted(p.RELATIONS, key=len, reverse=True) if r in text), None)


def join(flow, ctx: FlowContext, turn: Turn) -> Outcome | None:
    """None when the text holds no join code."""
    m = JOIN.search(turn.text)
    if not m:
        return None
    parent = codes.redeem(ctx.db, m.group(1), "join", None, turn.now)
    if parent is None:
        return Outcome(None, [Reply("加入码不对、已用过或已过期。请让登记的家长再发一个新的加入码。")])
    family = svc.siblings(ctx.db, parent)
    rel = _relation(turn.text)
    svc.join(ctx.db, family, turn.channel_user_id, rel or "family")
    data = {"child_ids": [c.id for c in family], "relation": rel}
    names = "、".join(c.name for c in family)
    return _next(flow, data, [Reply(f"已加入{names}的登记。还要问您两三句，方便村委会和学校联系您。")])


def _next(flow, data: dict, before: list[Reply]) -> Outcome:
    if not data.get("relation"):
        data["ask"] = "relation"
        return Outcome(FlowState(flow.name, STEP, data), [*before, Reply("您是孩子的什么人？", ROLE_BUTTONS)])
    if not data.get("phone"):
        data["ask"] = "phone"
        return Outcome(FlowState(flow.name, STEP, data), [*before, Reply(
            "您的手机号是多少？村委会和学校有事能找到您。例如：13800001234")])
    if data["relation"] in ("father", "mother") and "work" not in data:
        data["ask"] = "work"
        return Outcome(FlowState(flow.name, STEP, data), [*before, Reply(
            "您现在在哪里打工？说城市就行，愿意的话也说单位，例如：广东东莞，华美电子厂。在家就回复“在家”。",
            (Button("在家", "在家"), Button("跳过", "跳过")))])
    return Outcome(None, [*before, Reply("好了，谢谢您！以后发“监护登记”就能查看这份登记，有变化直接告诉我。")],
                   receipt=True)


def step(flow, ctx: FlowContext, data: dict, turn: Turn) -> Outcome:
    ask, text, ids, who = data.get("ask"), turn.text.strip(), data["child_ids"], turn.channel_user_id
    if ask == "relation":
        rel = text[5:] if text.startswith("join:") else _relation(text) or _relation("我是" + text)
        if not rel:
            return Outcome(FlowState(flow.name, STEP, data), [Reply("请从下面选一个", ROLE_BUTTONS)])
        data["relation"] = rel
        entrust_joiners.set_details(ctx.db, ids, who, relation=rel)
    elif ask == "phone":
        phone = v.parse_phone(text)
        if not phone:
            return Outcome(FlowState(flow.name, STEP, data), [Reply(
                "这个号码好像不对：手机是11位数字，座机请带区号，例如：13800001234")])
        data["phone"] = True  # the number itself is stored encrypted, not in the conversation
        entrust_joiners.set_details(ctx.db, ids, who, phone=phone)
    elif ask == "work":
        quiet = SKIP.search(text) or AT_HOME.search(text)
        work = {} if quiet else p.work_place(text, set())
        for clause in [] if quiet else p.clauses(text):
            work.update(p.employer(clause if clause.startswith(("在", "单位")) else "在" + clause))
        data["work"] = bool(work)
        if work:
            entrust_joiners.set_details(ctx.db, ids, who, work=work)
    return _next(flow, data, [])
