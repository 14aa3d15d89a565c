"""How well a text covers a question: the share of the question's weighted words it contains.

BM25 ranks; coverage decides whether the best candidate really answers the question,
which is what lets us refuse honestly. Colloquial phrases are first replaced by the
formal terms of the documents (our synonym list), so "打工" counts as "外出务工".
Generic words (孩子, 父母, 可以 ...) weigh little; words unknown to the collection weigh
the most, because a question about something the documents never mention must not pass.
"""
from __future__ import annotations

import re
from functools import lru_cache

from policy.index import STOPWORDS, _jieba, synonyms
from policy.text import normalize

GENERIC = set(
    "孩子 小孩 小孩子 娃 娃娃 儿童 留守儿童 留守 农村 农区 家长 父母 家里 我家 现在 情况 问题 事情 工作 "
    "可以 能不能 会不会 是不是 有没有 要不要 必须 一定 应该 管 办 做 让 给 算 帮 找 谁 去 来 说 看 "
    "我们 他们 咱们 人 时候 一直 已经 然后 所以 因为 就是 还是 或者 具体 相关 有关 方面 这样 那样 "
    "能 会 得 该 用 得到 里 吗 呢 儿 家 们 些 一些 平时 主要 负责 有人 老公 老婆 丈夫 妻子 媳妇 两口子 "
    "女儿 儿子 闺女 外地 外面 城里 之前 以后 时候 那么 这么 特别 非常 真的 一下 东西 地方 别人".split())
UNKNOWN_WEIGHT = 1.5
_SINGLE_STOP = set("的了吗呢吧啊呀么是在和与及或等要会能就都也还又而但被把给对我你他她它这那有没不怎什哪谁让去来说看想做个"
                   "岁多少几里上下中到从向跟之其以为于用可该得很太更最再才已")
GENERIC_WEIGHT = 0.15


@lru_cache(maxsize=1)
def _pairs() -> list[tuple[str, str]]:
    mapping = synonyms().get("map", {})
    return sorted(((normalize(k), normalize(v)) for k, v in mapping.items()),
                  key=lambda kv: -len(kv[0]))


def formalize(text: str) -> str:
    """Normalised text with colloquial phrases replaced by the documents' own terms."""
    text = normalize(text)
    for colloquial, formal in _pairs():
        if colloquial in text:
            text = text.replace(colloquial, f" {formal} ")
    return text


def word_tokens(text: str) -> list[str]:
    """Content words of a (formalised) text: jieba's precise mode, no stopwords or digits.

    A single character jieba could not join ("加分" → 加/分) is kept as a pair with its
    neighbour, so a question's unusual topic is not silently dropped.
    """
    out = []
    pending = ""
    for w in _jieba().lcut(formalize(text)):
        w = w.strip()
        if len(w) == 1 and re.match(r"[\u4e00-\u9fff]", w) and w not in _SINGLE_STOP:
            pending += w
            continue
        if len(pending) >= 2:
            out.append(pending)
        pending = ""
        if len(w) >= 2 and re.search(r"[\u4e00-\u9fff]", w) and w not in STOPWORDS:
            out.append(w)
    if len(pending) >= 2:
        out.append(pending)
    return out


def weight(word: str, idf: dict) -> float:
    if word in GENERIC:
        return GENERIC_WEIGHT
    return idf.get(word, UNKNOWN_WEIGHT)


def coverage(words: list[str], target, idf: dict) -> float:
    """Weighted share of `words` found in `target` (a set of words or a string)."""
    words = list(dict.fromkeys(words))
    total = sum(weight(w, idf) for w in words)
    if not total:
        return 0.0
    if isinstance(target, str):
        hit = sum(weight(w, idf) for w in words if w in target)
    else:
        joined = "".join(sorted(target))
        hit = sum(weight(w, idf) for w in words if w in target or w in joined)
    return hit / total
