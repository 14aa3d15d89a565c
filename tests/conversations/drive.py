"""Answer whatever the report flow asks, from a table of answers per step."""
from __future__ import annotations

DEFAULTS = {"describe": "孩子一个人在家好几天了", "category": "7", "place": "红星镇向阳村",
            "child": "9岁", "role": "邻居", "contact": "李老师，红星镇中心小学，13800001234",
            "confirm": "确认提交"}


def drive(chat, first: str, max_turns: int = 10, **answers) -> list[str]:
    """Send `first`, then the answer for each step asked, until the flow ends. Returns the steps."""
    table = {**DEFAULTS, **answers}
    steps = []
    chat.say(first)
    while chat.state is not None:
        steps.append(chat.step)
        assert len(steps) < max_turns, "\n".join(chat.transcript)
        chat.say(table[chat.step])
    return steps
