"""Danger check: runs on every message before anything else.

A message describing danger *now* (a child being beaten, fallen into water, missing,
suicidal, a fire, an injury) is answered at once with the emergency numbers; then the
conversation goes on (the report flow starts or continues), so the engine never waits
for a form to be filled before telling someone to call 110.

```mermaid
flowchart LR
    msg[message] --> check{danger words?}
    check -- no --> route[normal routing]
    check -- yes --> alert[110 / 120 / 119 guidance first] --> route
```

Matching is deliberately generous: a false alarm costs one extra line of text, a missed
one can cost a life. Pure functions only, no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.messages import Reply

# Verbs of beating, excluding the many everyday compounds of 打 (打工, 打电话, 打算 ...).
_HIT = r"(?:打(?!工|电话|算|扫|听|针|开|车|字|游戏|球|牌|麻将|折|印|包|卡|招呼|扮|理|水|击)|揍|殴打|砍|捅|踢|掐|勒)"

PATTERNS: dict[str, list[str]] = {
    "violence": [
        r"(?:正在|现在|一直|还在|天天|又在|往死里)[^。！？!?]{0,6}" + _HIT,
        r"被[^。！？!?]{0,4}" + _HIT,
        _HIT + r"[^。！？!?]{0,4}(?:流血|出血|昏|晕|不行了|受伤|骨折)",
        r"家暴|虐待|性侵|强奸|猥亵|拿刀|持刀",
    ],
    "water": [r"落水|溺水|淹(?:死|水|着)|掉(?:进|到|下)?[^。！？!?]{0,3}(?:河|水|塘|井|水库|池)"],
    "missing": [
        r"(?:孩子|小孩|娃|儿子|女儿|孙子|孙女|学生|他|她)[^。！？!?]{0,6}(?:不见了|找不到|丢了|失踪|走丢|没回家|联系不上)",
        r"被[^。！？!?]{0,3}(?:拐|抱走|带走|拐走)|拐卖",
    ],
    "suicide": [r"自杀|轻生|不想活|想死|寻死|跳楼|割腕|喝农药|吃安眠药|活不下去"],
    "fire": [r"着火|失火|起火|火灾|烧起来"],
    "injury": [r"流血|出血|昏迷|晕倒|晕过去|骨折|烧伤|烫伤|触电|中毒|车撞|被狗咬|受伤|抽搐|不省人事|没有?呼吸"],
}
_COMPILED = {kind: [re.compile(p) for p in pats] for kind, pats in PATTERNS.items()}


@dataclass(frozen=True)
class Danger:
    kinds: tuple[str, ...]

    @property
    def needs_ambulance(self) -> bool:
        return bool({"injury", "water", "suicide", "fire"} & set(self.kinds))


def check(text: str) -> Danger | None:
    if not text:
        return None
    sample = text[:2000]
    kinds = tuple(k for k, pats in _COMPILED.items() if any(p.search(sample) for p in pats))
    return Danger(kinds) if kinds else None


def replies(danger: Danger, hotlines: dict | None = None) -> list[Reply]:
    h = {"police": "110", "ambulance": "120", "fire": "119", "youth": "12355", **(hotlines or {})}
    lines = [f"【紧急】如果孩子现在有危险，请马上拨打 {h['police']} 报警！"]
    if danger.needs_ambulance:
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
