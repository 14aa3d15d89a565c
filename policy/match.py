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

_GENERIC_TEXT = (
    "孩子 小孩 小孩子 娃 娃娃 儿童 留守儿童 留守 农村 农区 家长 父母 家里 我家 现在 情况 问题 事情 工作 "
    "可以 能不能 会不会 是不是 有没有 要不要 必须 一定 应该 管 办 做 让 给 算 帮 找 谁 去 来 说 看 "
    "我们 他们 咱们 人 时候 一直 已经 然后 所以 因为 就是 还是 或者 具体 相关 有关 方面 这样 那样 "
    "能 会 得 该 用 得到 里 吗 呢 儿 家 们 些 一些 平时 主要 负责 有人 老公 老婆 丈夫 妻子 媳妇 两口子 "
    "天天 每天 经常 总是 老是 女儿 儿子 闺女 外地 外面 城里 之前 以后 时候 那么 这么 特别 非常 真的 一下 东西 地方 别人 "
    # when something happens is context, not the topic
    "暑假 寒假 放假 假期 周末 晚上 白天 过年 平常 "
    # how people in the countryside say child, home and grandchild (several dialects)
    "俺家 俺们 咱家 娃儿 娃子 小娃 伢子 细伢子 崽崽 孙子 孙女 外孙 外孙女 屋头 屋里 屋里头 家头 "
    "老汉 老头 老太 老伴 婆娘 他爹 他妈 他爸 娃他爹 娃他妈 孩子他爹 孩子他妈 孩他爸 孩他妈 "
    # more ways of saying parents, children and "this matter" (dialect and spoken)
    "明明 出事 邻居 邻居家 隔壁 隔壁家 村口 村头 那条 这条 会管 能管 该管 要管 管得 爹妈 爹娘 爹 娘 俺 俺娃 娃们 伢 伢儿 崽 毛毛 这块 这事 这个事 到底 究竟 咱村 俺村 我们村 村里头 "
    # who is going and where to: context, not the topic
    "夫妻 夫妻俩 夫妻两个 外省 外县 省外")
GENERIC = set(_GENERIC_TEXT.split())
UNKNOWN_WEIGHT = 1.5
_FILLER_TEXT = ("不能 能否 可不可以 行不行 有没有 会不会 是不是 要不要 可以吗 行吗 好吗 怎么样 怎么回事 "
                "咋整 咋弄 咋个 咋办 咋样 啥子 要得 得行 中不中 晓得 莫得 没得 管不管 成不成 干啥 做啥 为啥 "
                "咋个办 咋搞 怎么搞 怎么弄 弄啥 管啥 干嘛 做什么 干什么 有啥 啥样 哪样 么子 啷个 得不得 "
                "会不 行不 中不 能不 算不 可不 不会 算不算 啥叫 啥是 咋回事")
_FILLER = set(_FILLER_TEXT.split())
_SINGLE_STOP = set("的了吗呢吧啊呀么是在和与及或等要会能就都也还又而但被把给对我你他她它这那有没不怎什哪谁让去来说看想做个"
                   "岁多少几里上下中到从向跟之其以为于用可该得很太更最再才已")
GENERIC_WEIGHT = 0.15
SYNONYM_WEIGHT = 2.5


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


def concepts(text: str) -> list[tuple[str, ...]]:
    """The question's content as concepts, each a tuple of interchangeable words.

    A colloquial phrase becomes one concept whose alternatives are the phrase itself and
    the documents' terms for it ("打工" → ("打工", "外出务工")): any one of them present
    covers it. Every other content word is a concept on its own.
    """
    text = normalize(text)
    out: list[tuple[str, ...]] = []
    for colloquial, formal in _pairs():
        if colloquial in text:
            out.append(tuple(dict.fromkeys([colloquial, *formal.split()])))
            text = text.replace(colloquial, " ")
    out.extend(_with_parts(w) for w in _words(text))
    return list(dict.fromkeys(out))


class Parts(tuple):
    """A word and the words inside it: covered by any, weighed as the word itself."""


def _with_parts(word: str) -> tuple[str, ...]:
    """A long word and the dictionary words inside it ("放暑假" → 放暑假, 暑假): jieba
    glues words the documents write apart, and the part still covers the concept."""
    if len(word) < 3:
        return (word,)
    parts = [w for w in _jieba().lcut_for_search(word) if 2 <= len(w) < len(word)
             and w not in STOPWORDS and w not in _FILLER]
    return Parts(dict.fromkeys([word, *parts])) if parts else (word,)


def word_tokens(text: str) -> list[str]:
    """Content words of a formalised text (for callers that want plain words)."""
    return _words(formalize(text))


# a modal or passive glued to a one-character verb ("能托", "该报", "被查", "会管"):
# jieba's guess at a new word; the verb alone carries the meaning
_GLUED = re.compile(r"^[能会该被要可得好去来啥咋]([\u4e00-\u9fff])$")


def _unglue(w: str) -> str:
    m = _GLUED.match(w)
    if m is None or _jieba().dt.FREQ.get(w):  # a dictionary word (会议, 要求) stays whole
        return w
    return m.group(1)


def _words(text: str) -> list[str]:
    """jieba's precise mode without stopwords or digits.

    A single character jieba could not join ("加分" → 加/分) is kept as a pair with its
    neighbour, so a question's unusual topic is not silently dropped.
    """
    out = []
    pending = ""
    for w in _jieba().lcut(text):
        w = _unglue(w.strip())
        if len(w) == 1 and re.match(r"[\u4e00-\u9fff]", w) and w not in _SINGLE_STOP:
            pending += w
            continue
        if len(pending) >= 2:
            out.append(pending)
        pending = ""
        if len(w) >= 2 and re.search(r"[\u4e00-\u9fff]", w) and w not in STOPWORDS \
                and w not in _FILLER:
            out.append(w)
    if len(pending) >= 2:
        out.append(pending)
    return out


# Parts of speech (jieba) that name a topic: a noun the documents never mention is a
# question about something else ("免费坐公交车" is not about free schooling).
_TOPIC_POS = {"n", "nz", "nt", "vn", "ng", "nl"}
_PLACE_POS = {"ns"}
# a place next to going out to work is where the parents work, not whose rules are asked
_WORK_WORDS = ("务工", "打工", "干活", "上班", "挣钱", "出去", "外出")


def unknown_topics(text: str, known: str) -> list[str]:
    """Nouns of the question that occur nowhere in `known` (our curated text and the
    ingested passages) and that our synonym list does not know either.

    These decide an honest refusal before any near-miss can be answered.
    """
    import jieba.posseg as pseg

    _jieba()  # our words are in the shared dictionary
    norm = normalize(text)
    for colloquial, _formal in _pairs():
        norm = norm.replace(colloquial, " ")
    works = any(w in normalize(text) for w in _WORK_WORDS) or any(
        colloquial in normalize(text) for colloquial, formal in _pairs() if "务工" in formal)
    out = []
    for token in pseg.cut(norm):
        w, flag = _unglue(token.word.strip()), token.flag
        if len(w) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]+", w):
            continue
        if w in GENERIC or w in STOPWORDS or w in _FILLER or w in known:
            continue
        if flag in _TOPIC_POS or (flag in _PLACE_POS and not works):
            out.append(w)
        elif len(w) >= 3 and flag in {"i", "l", "v"}:
            # a verb glued to its object ("坐地铁", "配眼镜"): look at the object
            for sub in pseg.cut(w[1:]):
                if (len(sub.word) >= 2 and sub.flag in _TOPIC_POS and sub.word not in GENERIC
                        and sub.word not in known):
                    out.append(sub.word)
    return list(dict.fromkeys(out))


def weight(word: str, idf: dict) -> float:
    if word in GENERIC:
        return GENERIC_WEIGHT
    return idf.get(word, UNKNOWN_WEIGHT)


def coverage(items, target: str, idf: dict) -> float:
    """Weighted share of the question's concepts (or plain words) found in `target`."""
    return _cover(items, target, idf)[0]


def cover(items, target: str, idf: dict) -> tuple[float, float]:
    """`coverage`, and the weight of the question's heaviest concept that `target` lacks
    as a share of its heaviest concept's (1.0: its most specific word is missing)."""
    return _cover(items, target, idf)


def _cover(items, target: str, idf: dict) -> tuple[float, float]:
    groups = [(i,) if isinstance(i, str) else i if isinstance(i, tuple) else tuple(i)
              for i in items]
    groups = list(dict.fromkeys(groups))
    total = hit = top = missed = 0.0
    for group in groups:
        w = weight(group[0], idf) if isinstance(group, Parts) else max(weight(a, idf) for a in group)
        if len(group) > 1 and not isinstance(group, Parts):
            # a phrase our synonym list knows is on topic by definition
            w = max(w, SYNONYM_WEIGHT)
        total += w
        top = max(top, w)
        if any(alt in target for alt in group):
            hit += w
        else:
            missed = max(missed, w)
    return (hit / total if total else 0.0), (missed / top if top else 0.0)
