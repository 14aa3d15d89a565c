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

# Verbs of beating, excluding the many everyday compounds of 打 (打工, 打电话, 打算 ...).
_HIT = r"(?:打(?!工|电话|算|扫|听|针|开|车|字|游戏|球|牌|麻将|折|印|包|卡|招呼|扮|理|水|击)|揍|殴打|砍|捅|踢|掐|勒)"

PATTERNS: dict[str, list[str]] = {
    "violence": [
        r"(?:正在|现在|一直|还在|天天|又在|往死里)[^。！？!?]{0,6}" + _HIT,
        r"被[^。！？!?]{0,4}" + _HIT,
        _HIT + r"[^。！？!?]{0,4}(?:流血|出血|昏|晕|不行了|受伤|骨折)",
        r"家暴|虐待|性侵|强奸|猥亵|拿刀|持刀",
        # threats to kill
        r"(?:打|弄|砍|掐|捅|杀|整)死(?:你|我|他|她|这|那|娃|孩子|小孩)|要[^。！？!?]{0,3}(?:打死|弄死|砍死|杀了)",
    ],
    "water": [r"落水|溺水|淹(?:死|水|着)|掉(?:进|到|下)?[^。！？!?]{0,3}(?:河|水|塘|井|水库|池)"],
    "missing": [
        r"(?:孩子|小孩|娃|儿子|女儿|孙子|孙女|学生|他|她)[^。！？!?]{0,6}(?:不见了|找不到|丢了|失踪|走丢|没回家|联系不上)",
        r"被[^。！？!?]{0,3}(?:拐|抱走|带走|拐走)|拐卖",
    ],
    "suicide": [r"自杀|轻生|不想活|想死|寻死|跳楼|割腕|喝农药|吃安眠药|活不下去|不活了|上吊|烧炭",
                # self-harm with an instrument
                r"(?:刀片|刀子|小刀|剪刀|玻璃|圆规|美工刀|水果刀)[^。！？!?]{0,6}(?:划|割|扎|戳)"],
    "fire": [r"着火|失火|起火|火灾|烧起来"],
    "injury": [r"流血|出血|昏迷|晕倒|晕过去|骨折|烧伤|烫伤|触电|中毒|车撞|被狗咬|受伤|抽搐|不省人事|没有?呼吸",
               # cut-off fingers or limbs, breathing stopped
               r"(?:切|砍|剁|夹|轧|铡|绞)(?:断|掉)了?[^。！？!?]{0,3}(?:手指|指头|手|脚|胳膊|腿)|不喘气|没气了"],
}
# A call for help makes any message an emergency.
CALL_FOR_HELP = re.compile(r"救命|救救|快来|快点来|赶紧来|来人啊|快救|救名")
# Questions about rules, hypotheticals, a case already reported, a harm that is over: danger
# words there ("如果孩子溺水…", "家暴会判刑吗", "我报的那个走丢的娃找到没有") are not an emergency.
CALM = re.compile(
    r"如果|要是|万一|假如|假设|的话|会不会被|算不算|算[^。！？!?]{0,4}吗|犯法|判刑|坐牢|法律|法条|条文|规定|政策|流程|报销|保险|保护令|"
    r"责任|撤销监护|强制报告|必须报告|需要(?:上报|报告)|怎么预防|如何预防|怎么教|注意什么|先做什么|第一步|"
    r"多不多|有没有(?:什么)?(?:宣传|材料|资料|规定|办法)|管不管|新闻|电视|游戏里|"
    r"防止|预防|想问问|想了解|问一下|咨询|(?:报过|举报过|反映过)[^。！？!?]{0,16}(?:补充|更正)|"
    r"会被(?:判|抓|拘|罚|处理|关)|拘留|处罚|罚款|防(?:溺水|拐|火|电|性侵|骗)|安全教育|安全课|宣传|哪种好|哪个好|"
    r""
    r"(?:报的|报过的?|举报的|反映的|上报的)[^。！？!?]{0,16}(?:怎么样|咋样|如何|进展|结果|找着|找到|处理|有人去|后来|消息)|"
    r"(?:现在|已经|早就?|后来)[^。！？!?]{0,3}(?:好了|好好的|没事|痊愈|出院|康复|结痂|找回来|回来了|找到了)|伤口[^。！？!?]{0,3}好了|"
    r"(?:现在|目前|已经)[^。！？!?]{0,6}(?:安全|没危险|脱离危险)")
# A message about adults or animals only (隔壁大爷被蛇咬了, 我家鸭子被水冲走了) is not about a child.
NOT_CHILD = re.compile(r"大爷|大娘|老头|老太|大叔|大妈|老汉|老人家|鸭|鸡|鹅|猪|牛|羊|猫|兔|鱼|庄稼|玉米|稻子")
CHILD = re.compile(r"孩|娃|伢|崽|孙|儿|女|宝宝|学生|闺女|弟|妹|哥|姐|我(?!家|们家)|俺(?!家)|小朋友|婴|幼|丫头|姑娘|男生|小子|他|她|人")
# A past harm ("去年被狗咬过") is not an emergency unless something says it is going on now.
PAST = re.compile(r"去年|前年|上个?月|上个?(?:周|星期|礼拜)|以前|之前|小时候|上学期|(?:摔|掉|咬|烫|烧|电|撞|打|拐|淹|割|划|砸|扎|夹)(?:下来|下去|伤|到|着)?过(?![来去])")
NOW = re.compile(r"正在|现在(?:还|又|正)|刚刚|刚才|还在|又在")
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
    if not CALL_FOR_HELP.search(sample) and (
            CALM.search(sample) or (NOT_CHILD.search(sample) and not CHILD.search(sample))
            or (PAST.search(sample) and not NOW.search(sample))):
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
