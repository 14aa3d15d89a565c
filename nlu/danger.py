"""The one danger decision: does this message describe a child in danger *now*?

Runs on every message before anything else (bot/routing.py). `assess` gives a `Decision`:
`yes` (answered at once with the emergency numbers: handlers/danger.py holds the replies),
`unsure` (the conversation asks one question, 孩子现在有危险吗？) or `no`, with the
calibrated probability from the parse (the urgency stack: character n-grams, sentence
embeddings and the rules' signals below, combined by a meta-model; nlu/stacking.py).

```mermaid
flowchart LR
    msg[message] --> p[urgency probability p + word list]
    p --> help{calls for help?}
    help -- yes --> yes
    help -- no --> band{p against the band}
    band -- "p >= high" --> yes[110 / 120 / 119 guidance first]
    band -- "low <= p < high" --> unsure[ask: 孩子现在有危险吗？]
    band -- "p < low" --> words{danger words, not a confident question?}
    words -- yes --> unsure
    words -- no --> no[normal routing]
```

The band (`low`, `high`) is chosen at training time on out-of-fold probabilities
(nlu/training.py; docs/nlu.md gives the figures): below `low` almost no urgent example
falls, at or above `high` almost no calm one. The word list below is one of the stack's
signals, and it still keeps a message it matches from a confident "no": a false alarm
costs one question, a missed one can cost a life. Pure functions only, no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import fears
from .guards import (
    CALL_FOR_HELP,
    CALLING,
    CALM,
    CHILD,
    HEALED,
    NOT_CHILD,
    PAST,
    SEVERE_NOW,
    not_about_a_child,
    sentences,
)
from .hazards import (
    AMPUTATION,
    BEATING_NOW,
    EXPLOIT,
    FAREWELL,
    FIRE,
    PLACE_ALONE,
    SELF_CUT,
    THREAT_KILL,
)
from .normalize import to_simplified

# Verbs of beating, excluding the many everyday compounds of 打 (打工, 打电话, 打算 ...).
_HIT = (r"(?:打(?!工|电话|算|扫|听|针|开|车|字|游戏|球|牌|麻将|折|印|包|卡|招呼|扮|理|水|击|[^。！？!?,，\s]{1,4}电话)"
        r"|揍|殴打|砍|捅|踢|掐|勒)")

PATTERNS: dict[str, list[str]] = {
    "violence": [
        r"(?:正在|现在|一直|还在|天天|又在|往死里)[^。！？!?]{0,6}" + _HIT,
        r"被[^。！？!?]{0,4}" + _HIT,
        _HIT + r"[^。！？!?]{0,4}(?:流血|出血|昏|晕|不行了|受伤|骨折)",
        r"家暴|虐待|性侵|强奸|猥亵|拿刀|持刀",
        THREAT_KILL,  # threats to kill
        BEATING_NOW,  # tied up and beaten, before onlookers, "在打我"
        r"(?:在|正在|还在)\S{0,4}(?:砸|踹|撬|撞)门",  # breaking a door down now
    ],
    "water": [r"落水|溺水|淹(?:死|水|着)|掉(?:进|到|下)?[^。！？!?]{0,3}(?:河|水|塘|井|水库|池)"],
    "missing": [
        r"(?:孩子|小孩|娃|儿子|女儿|孙子|孙女|学生|他|她)[^。！？!?]{0,6}(?:不见了|找不到|丢了|失踪|走丢|没回家|联系不上)",
        r"被[^。！？!?]{0,3}(?:拐|抱走|带走|拐走)|拐卖",
        PLACE_ALONE,  # a young child alone at a station or a roadside, or travelling alone
        EXPLOIT,  # adult men taking a girl to a karaoke bar or a hotel
    ],
    "suicide": [r"自杀|轻生|不想活|想死|寻死|跳楼|割腕|喝农药|吃安眠药|活不下去|不活了|上吊|烧炭",
                # self-harm with an instrument, and any cut with a blade (it may be)
                SELF_CUT, FAREWELL, r"(?:刀片|刀子|小刀|剪刀|玻璃|圆规|美工刀|水果刀)[^。！？!?]{0,6}(?:划|割|扎|戳)"],
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
    sample = fears.mask(text[:2000])  # a fear of a hazard is no event (nlu/fears.py)
    kinds = _kinds(sample)
    if not kinds:  # each sentence on its own: danger told after a question or a past event
        found = [k for s in sentences(sample) for k in _kinds(s)]
        kinds = tuple(k for k in _COMPILED if k in found)
    return Signal(kinds) if kinds else None


def over(text: str) -> bool:
    """The message says the harm is over or the child was found safe ("后来找着了", "现在已经
    出院了") and calls for no help: a report to file, not an emergency, even for a category
    urgent by default (normalised text, as for `check`)."""
    return bool(text) and bool(HEALED.search(text)) and not CALLING.search(text)


def _kinds(sample: str) -> tuple[str, ...]:
    if not _CALL_FOR_HELP.search(sample) and (
            CALM.search(sample) or (NOT_CHILD.search(sample) and not CHILD.search(sample))
            or (PAST.search(sample) and not SEVERE_NOW.search(sample)) or not_about_a_child(sample)):
        return ()
    return tuple(k for k, pats in _COMPILED.items() if any(p.search(sample) for p in pats))


# How sure the model must be that a message is a question before danger words are ignored.
QUESTION_CONFIDENCE = 0.75
# A confident "no" needs a message the model can read: it learnt Chinese. A message written
# mostly in English or pinyin (at least LATIN_WORDS words, fewer Chinese characters than
# words) gets the danger question instead, unless it is confidently a question.
LATIN_WORDS = 8
_LATIN = re.compile(r"[A-Za-z]+")
YES, UNSURE, NO = "yes", "unsure", "no"


@dataclass(frozen=True)
class Decision:
    """The engine's word on danger now: `verdict` yes / unsure / no, the calibrated
    probability that a child is in danger now, and the kinds of danger (for the replies)."""
    verdict: str
    probability: float
    kinds: tuple[str, ...] = field(default=())

    @property
    def danger(self) -> bool:
        return self.verdict == YES

    @property
    def asks(self) -> bool:
        return self.verdict == UNSURE


def _entities(nlu: dict, name: str) -> list[dict]:
    return [e for e in nlu.get("entities") or [] if e.get("entity") == name]


def _confident_question(nlu: dict) -> bool:
    intent = nlu.get("intent") or {}
    return (intent.get("name") in ("ask_policy", "check_status")
            and float(intent.get("confidence") or 0) >= QUESTION_CONFIDENCE)


def _confident_registration(nlu: dict) -> bool:
    """"I need to register my kids, going to 深圳": a parent registering, not a report."""
    intent = nlu.get("intent") or {}
    return (intent.get("name") in ("register_entrustment", "update_entrustment")
            and float(intent.get("confidence") or 0) >= QUESTION_CONFIDENCE)


def assess(text: str, nlu: dict) -> Decision:
    """The decision on normalised `text` (`nlu.normalize.normalize_text`) and its parse."""
    found = check(text)
    kinds = found.kinds if found else ("reported_now",)
    urgency = nlu.get("urgency")
    if not isinstance(urgency, dict) or "confidence" not in urgency:
        # a parse without the stack (a remote Rasa server): the word list OR an urgent report
        legacy = decide(found, nlu)
        return Decision(YES if legacy else NO, 1.0 if legacy else 0.0, legacy.kinds if legacy else ())
    p = float(urgency["confidence"])
    low, high = float(urgency.get("low", 0.2)), float(urgency.get("high", 0.8))
    if text and _CALL_FOR_HELP.search(text[:2000]):
        return Decision(YES, p, kinds)
    if p >= high:
        return Decision(YES, p, kinds)
    if p >= low:
        return Decision(UNSURE, p, kinds)
    if (found is not None or (_unread(text) and not _confident_registration(nlu))) and not _confident_question(nlu):
        return Decision(UNSURE, p, kinds)
    return Decision(NO, p, ())


def _unread(text: str) -> bool:
    """Written mostly in Latin letters (English, pinyin): outside what the model learnt."""
    words = len(_LATIN.findall(text[:2000]))
    return words >= LATIN_WORDS and sum("\u4e00" <= ch <= "\u9fff" for ch in text[:2000]) < words


def decide(found: Signal | None, nlu: dict) -> Signal | None:
    """The rules-era decision, for parses without a probability: the word list OR the
    model's urgent report, minus danger words inside a confident question."""
    urgent = bool(_entities(nlu, "urgency"))
    intent = (nlu.get("intent") or {}).get("name")
    if found is None:
        return Signal(("reported_now",)) if intent == "report_case" and urgent else None
    if _confident_question(nlu) and not urgent:
        return None
    return found


# Answers to the danger question (孩子现在有危险吗？), typed rather than tapped.
ANSWER_YES = ("是", "是的", "有", "有危险", "危险", "对", "是啊", "有的", "对的", "嗯")
ANSWER_NO = ("没有", "没", "没有危险", "不危险", "否", "不是", "没事", "安全", "现在没有", "暂时没有")
ANSWER_UNSURE = ("不确定", "不知道", "不清楚", "说不准", "不好说", "可能有", "可能")
# "没有啥危险 就是娃苦", "现在已经回家了 没事", "目前沒有危險": a no said in more words.
SAYS_NO = re.compile(r"(?:没|不|无)(?:有)?(?:啥|什么|太|紧急)?(?:的)?危险|没(?:啥)?事|(?<!不)安全|脱离危险")
_CLAUSE = re.compile(r"[\s。.！!？?，,、；;]+")


def answer(value: str) -> str | None:
    """"yes", "no", "unsure" from a typed answer (its first clause decides: "是的 还在打"), or
    None when it is not an answer."""
    text = to_simplified((value or "").strip(" 。.！!？?，,"))
    first = next((c for c in _CLAUSE.split(text) if c), "")
    for words, verdict in ((ANSWER_YES, "yes"), (ANSWER_NO, "no"), (ANSWER_UNSURE, "unsure")):
        if text in words or first in words:
            return verdict
    return "no" if SAYS_NO.search(text) else None
