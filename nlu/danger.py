"""The one danger decision: does this message describe a child in danger *now*?

Runs on every message before anything else (bot/engine.py); a yes is answered at once
with the emergency numbers (handlers/danger.py holds those replies), then the
conversation goes on.

```mermaid
flowchart LR
    msg[message] --> check{danger words?}
    check --> decide{words OR the model's urgent report, minus confident questions}
    decide -- yes --> alert[110 / 120 / 119 guidance first] --> route[normal routing]
    decide -- no --> route
```

Matching is deliberately generous: a false alarm costs one extra line of text, a missed
one can cost a life. Only questions about rules, hypotheticals ("如果孩子溺水…"), questions
about a case already reported and harms that are over (past, healed) are let through
without the guidance, unless they also call for help (救命, 快来 …). Pure functions only,
no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .guards import CALL_FOR_HELP, CALM, CHILD, NOT_CHILD, PAST, SEVERE_NOW
from .hazards import AMPUTATION, FIRE, SELF_CUT, THREAT_KILL

# Verbs of beating, excluding the many everyday compounds of 打 (打工, 打电话, 打算 ...).
_HIT = r"(?:打(?!工|电话|算|扫|听|针|开|车|字|游戏|球|牌|麻将|折|印|包|卡|招呼|扮|理|水|击)|揍|殴打|砍|捅|踢|掐|勒)"

PATTERNS: dict[str, list[str]] = {
    "violence": [
        r"(?:正在|现在|一直|还在|天天|又在|往死里)[^。！？!?]{0,6}" + _HIT,
        r"被[^。！？!?]{0,4}" + _HIT,
        _HIT + r"[^。！？!?]{0,4}(?:流血|出血|昏|晕|不行了|受伤|骨折)",
        r"家暴|虐待|性侵|强奸|猥亵|拿刀|持刀",
        THREAT_KILL,  # threats to kill
    ],
    "water": [r"落水|溺水|淹(?:死|水|着)|掉(?:进|到|下)?[^。！？!?]{0,3}(?:河|水|塘|井|水库|池)"],
    "missing": [
        r"(?:孩子|小孩|娃|儿子|女儿|孙子|孙女|学生|他|她)[^。！？!?]{0,6}(?:不见了|找不到|丢了|失踪|走丢|没回家|联系不上)",
        r"被[^。！？!?]{0,3}(?:拐|抱走|带走|拐走)|拐卖",
    ],
    "suicide": [r"自杀|轻生|不想活|想死|寻死|跳楼|割腕|喝农药|吃安眠药|活不下去|不活了|上吊|烧炭",
                # self-harm with an instrument, and any cut with a blade (it may be)
                SELF_CUT, r"(?:刀片|刀子|小刀|剪刀|玻璃|圆规|美工刀|水果刀)[^。！？!?]{0,6}(?:划|割|扎|戳)"],
    "fire": [FIRE],
    "injury": [r"流血|出血|昏迷|晕倒|晕过去|骨折|烧伤|烫伤|触电|中毒|车撞|被狗咬|受伤|抽搐|不省人事|没有?呼吸",
               # cut-off fingers or limbs, breathing stopped
               AMPUTATION, r"不喘气|没气了"],
}
_CALL_FOR_HELP = re.compile(CALL_FOR_HELP)
_COMPILED = {kind: [re.compile(p) for p in pats] for kind, pats in PATTERNS.items()}


@dataclass(frozen=True)
class Signal:
    """What kinds of danger a message describes: violence, water, missing, suicide, fire,
    injury (from the word list) or reported_now (from the model alone)."""
    kinds: tuple[str, ...]


def check(text: str) -> Signal | None:
    """Danger words in text already normalised to Simplified, half-width characters
    (the engine passes `nlu.normalize.normalize_text`)."""
    if not text:
        return None
    sample = text[:2000]
    if not _CALL_FOR_HELP.search(sample) and (
            CALM.search(sample) or (NOT_CHILD.search(sample) and not CHILD.search(sample))
            or (PAST.search(sample) and not SEVERE_NOW.search(sample))):
        return None
    kinds = tuple(k for k, pats in _COMPILED.items() if any(p.search(sample) for p in pats))
    return Signal(kinds) if kinds else None


# How sure the model must be that a message is a question before danger words are ignored.
QUESTION_CONFIDENCE = 0.75


def _entities(nlu: dict, name: str) -> list[dict]:
    return [e for e in nlu.get("entities") or [] if e.get("entity") == name]


def decide(found: Signal | None, nlu: dict) -> Signal | None:
    """The engine's final word on danger now, from the word list (`found`) and the model.

    Either signal raises the alarm: the model's urgent report catches what the word list
    misses. Words of danger inside a confident question about the rules or an earlier
    report ("老师发现学生被打必须报告吗") are not an alarm unless the model says urgent.
    """
    intent = nlu.get("intent") or {}
    name, confidence = intent.get("name"), float(intent.get("confidence") or 0)
    urgent = bool(_entities(nlu, "urgency"))
    if found is None:
        return Signal(("reported_now",)) if name == "report_case" and urgent else None
    if name in ("ask_policy", "check_status") and confidence >= QUESTION_CONFIDENCE and not urgent:
        return None
    return found
