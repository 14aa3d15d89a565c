"""The danger guidance: what the bot says first when a message describes a child in danger now.

Whether a message does is decided in `nlu/danger.py` (yes / unsure / no, with a
probability); this module only words the answers: the emergency numbers for the kinds of
danger found, then an invitation to go on telling us (the report flow starts or continues),
so nobody waits for a form to be filled before being told to call 110; and, when the
decision is unsure, the one-tap question 孩子现在有危险吗？ Pure functions only, no I/O.
"""
from __future__ import annotations

from typing import Protocol

from core.messages import Button, Reply
from handlers import danger_answer

# Kinds of danger where someone may be hurt: call an ambulance too.
AMBULANCE_KINDS = frozenset({"injury", "water", "suicide", "fire"})


class Danger(Protocol):
    """`nlu.danger.Signal`, or anything else that names the kinds of danger found."""

    @property
    def kinds(self) -> tuple[str, ...]: ...


def replies(danger: Danger, hotlines: dict | None = None) -> list[Reply]:
    h = {"police": "110", "ambulance": "120", "fire": "119", "youth": "12355", **(hotlines or {})}
    lines = [f"【紧急】如果孩子现在有危险，请马上拨打 {h['police']} 报警！"]
    if AMBULANCE_KINDS & set(danger.kinds):
        lines.append(f"有人受伤或昏迷，请同时拨打 {h['ambulance']} 叫救护车。")
    if "fire" in danger.kinds:
        lines.append(f"着火了请拨打 {h['fire']}，先带孩子离开危险的地方。")
    if "water" in danger.kinds:
        lines.append("有人落水，请大声呼救、找大人帮忙，不要让孩子自己下水去救。")
    if "suicide" in danger.kinds:
        lines.append(f"请不要让孩子一个人待着。心理援助也可以拨打 {h['youth']}。")
    if "missing" in danger.kinds:
        lines.append("孩子走失请立即报警，不必等24小时。")
    lines.append("打完电话后，可以继续在这里告诉我们情况，我们会通知当地派出所和工作人员。")
    return [Reply("\n".join(lines))]


def question() -> Reply:
    """Asked when the danger decision is not confident either way: one tap answers it."""
    return Reply("孩子现在有危险吗？", (Button("是", "danger:yes"), Button("没有", "danger:no"),
                                     Button("不确定", "danger:unsure")))


def answer(value: str) -> str | None:
    """The answer to `question`: "yes", "no", "unsure", or None when it was not an answer
    (then the engine reads it with the first message). Typed answers are read whole
    (handlers/danger_answer.py: "现在在学校 我陪着她" is a no, "不知道他在哪，很危险" a yes)."""
    if value.startswith("danger:") and value[7:] in ("yes", "no", "unsure"):
        return value[7:]
    return danger_answer.read(value)


def calm_reply(value: str, hotlines: dict | None = None) -> Reply:
    """After a "no": a threat made from afar ("就是在网上威胁") is no emergency, but the police
    take such reports too, and a threat carried out is one."""
    if not danger_answer.threat_from_afar(value):
        return Reply("好的。")
    police = (hotlines or {}).get("police") or "110"
    return Reply(f"好的。在网上或电话里威胁孩子、索要照片或钱财是违法的，可以报警；聊天记录和照片请先保存好，不要删。"
                 f"如果对方找上门或孩子想不开，请马上拨打 {police}。")
