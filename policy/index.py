"""Retrieval: jieba words + CJK character bigrams, ranked with Okapi BM25.

Questions are colloquial ("出去打工", "一个人在家") while documents are formal
("外出务工", "单独居住生活"); `expand` adds the formal terms from our own synonym list
(policy/data/synonyms.yml). Traditional input is converted to Simplified first.
Bigrams make matching robust to jieba splitting a question and a document differently.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import yaml

from policy.text import normalize

DATA_DIR = Path(__file__).resolve().parent / "data"
_WORD = re.compile(r"[\u4e00-\u9fff]|[a-z0-9]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_STOP_TEXT = (
    "的 了 吗 呢 吧 啊 呀 么 是 在 和 与 及 或 等 要 会 能 可以 可 就 都 也 还 又 而 但 被 把 给 对 "
    "我 你 他 她 它 我们 你们 他们 咱 咱们 自己 这 那 这个 那个 这些 那些 有 没有 没 不 一个 "
    "怎么 怎么办 怎样 如何 什么 哪些 哪个 哪里 多少 为什么 请问 一下 如果 的话 应该 需要 是否 "
    "之 其 以 为 于 中 上 下 个 啥 咋 嘛 哦 嗯 吗 哈 呐 请 想 问 知道 告诉 规定 政策 文件 "
    ", . ? ! 、 ; : “ ” ( ) 《 》 （ ） 。 ， ？ ！")
STOPWORDS = set(_STOP_TEXT.split())
# Bigrams spanning a stopword are noise; these characters rarely start or end a term.
_WEAK_CHARS = set("的了吗呢吧啊呀么是在和与及或等要会能就都也还又而但被把给对我你他她它这那有没不怎什么哪")


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    for word in synonyms().get("words", []):
        jieba.add_word(word)
    return jieba


@lru_cache(maxsize=1)
def synonyms() -> dict:
    path = DATA_DIR / "synonyms.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def tokenize(text: str, bigrams: bool = True) -> list[str]:
    text = normalize(text)
    words = [w for w in _jieba().lcut_for_search(text)
             if _WORD.search(w) and w not in STOPWORDS]
    if bigrams:
        for run in _CJK_RUN.findall(text):
            for a, b in pairwise(run):
                if a not in _WEAK_CHARS and b not in _WEAK_CHARS:
                    words.append(a + b)
    return words


def expand(text: str) -> str:
    """The question plus the formal terms its colloquial words stand for."""
    norm = normalize(text)
    extra = [formal for colloquial, formal in synonyms().get("map", {}).items()
             if colloquial in norm]
    return norm + (" " + " ".join(extra) if extra else "")


class BM25:
    """Okapi BM25 over pre-tokenised documents (k1=1.5, b=0.75)."""

    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tf = [Counter(d) for d in docs]
        self.len = [len(d) for d in docs]
        self.avg = (sum(self.len) / len(docs)) if docs else 1.0
        df: Counter = Counter()
        for counts in self.tf:
            df.update(counts.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.postings: dict[str, list[int]] = {}
        for i, counts in enumerate(self.tf):
            for t in counts:
                self.postings.setdefault(t, []).append(i)

    def scores(self, query: list[str]) -> dict[int, float]:
        out: dict[int, float] = {}
        for t in set(query):
            idf = self.idf.get(t)
            if idf is None:
                continue
            for i in self.postings[t]:
                f = self.tf[i][t]
                norm = f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * self.len[i] / self.avg))
                out[i] = out.get(i, 0.0) + idf * norm
        return out

    def top(self, query: list[str], k: int = 5) -> list[tuple[int, float]]:
        ranked = sorted(self.scores(query).items(), key=lambda x: (-x[1], x[0]))
        return ranked[:k]

    def coverage(self, query: list[str], i: int) -> float:
        """Share of the query's IDF mass (known terms only) that document i contains."""
        terms = {t for t in query if t in self.idf}
        total = sum(self.idf[t] for t in terms)
        if not total:
            return 0.0
        return sum(self.idf[t] for t in terms if t in self.tf[i]) / total

    def known_share(self, query: list[str]) -> float:
        """Share of the query's distinct terms that occur anywhere in the collection."""
        terms = set(query)
        return (sum(1 for t in terms if t in self.idf) / len(terms)) if terms else 0.0
