"""A correction at the report's summary, in one turn: "年龄说错了，是13岁", "地点改成向阳村",
"名字是王恬恬", "我叫刘芳", "电话13800001234". The field is read from the words, the new value
is stored and the summary is shown again; a value that does not fit re-asks that step.
`flow` is the ReportFlow (its `_advance`, `_reask` and `_gazetteer`).
"""
from __future__ import annotations

import dataclasses
import re

from handlers import validators as v
from handlers.base import FlowContext, Outcome, Turn
from handlers.report_slots import absorb
from handlers.reporter_role import guess_role


def correct(flow, ctx: FlowContext, turn: Turn, data: dict) -> Outcome:
    text = turn.text.strip(" 。.！!")
    field = v.correction_field(text) or ("reporter_phone" if v.phone_mentioned(text) else None)
    slots, gaz = data["slots"], flow._gazetteer(ctx)
    value_turn = dataclasses.replace(turn, text=v.correction_value(text), nlu={})
    if field == "place":
        problem = absorb(data, value_turn, gaz, "place")
        if problem:
            return flow._reask(ctx, turn, data, "place", problem)
    elif field == "child_age":
        problem = absorb(data, turn, gaz, "child_age")
        if problem:
            return flow._reask(ctx, turn, data, "child", problem)
    elif field == "category":
        category = v.guess_category(value_turn.text) or (turn.entity("category") if "不是" not in text else None)
        if not category:
            slots.pop("category", None)
            return flow._advance(ctx, turn, data)
        slots["category"] = category
    elif field == "reporter_role":
        slots["reporter_role"] = guess_role(text, loose=True) or slots.get("reporter_role")
    elif field == "child_gender":
        slots["child_gender"] = v.parse_gender(text) or slots.get("child_gender")
    elif field == "child_name":
        slots["child_name"] = v.parse_child_name(text) or re.split(r"[，,。\s]", value_turn.text)[0][:10]
    elif field in ("reporter_phone", "reporter_name", "reporter_unit"):
        problem = absorb(data, turn if field == "reporter_phone" else value_turn, gaz, field)
        if field == "reporter_name" and not v.parse_reporter_name(text):
            slots["reporter_name"] = value_turn.text[:20]
        if problem:
            return flow._reask(ctx, turn, data, "confirm", problem)
    else:
        return flow._reask(ctx, turn, data, "confirm", "no_choice")
    data["changed"] = True
    return flow._advance(ctx, turn, data)
