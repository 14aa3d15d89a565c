"""Answers quoted from the ingested documents: the passage that covers the question, and
the one or two sentences of it that answer it, verbatim (we never compose a rule).
"""
from __future__ import annotations

import re

from policy.index import expand, tokenize
from policy.kb import KnowledgeBase
from policy.match import concepts, coverage
from policy.text import normalize

PASSAGE_MIN = 0.85  # a passage must cover nearly all of the question
PASSAGE_SCORE_MIN = 15.0


def best_passage(kb: KnowledgeBase | None, query: str) -> dict | None:
    """The best passage when it covers nearly all of the question, else None."""
    if kb is None or not kb.passages:
        return None
    hits = kb.search(query, k=3)
    if not hits:
        return None
    words = concepts(query)
    for p, score, _ in hits:
        cov = coverage(words, normalize(p["section_title"] + p["text"]), kb.bm25.idf)
        if score >= PASSAGE_SCORE_MIN and cov >= PASSAGE_MIN:
            return p
    return None


def extract(text: str, query: str, limit: int = 150) -> str:
    """The one or two sentences of a passage that best answer the question, verbatim."""
    sentences = [s for s in re.split(r"(?<=[。；;])", text.replace("\n", "")) if s.strip()]
    if not sentences:
        return text[:limit]
    q = set(tokenize(expand(query)))
    scored = sorted(range(len(sentences)),
                    key=lambda i: -len(q & set(tokenize(sentences[i]))) / (1 + len(sentences[i]) / 200))
    chosen = sorted(scored[:2]) if len(sentences[scored[0]]) < limit * 0.6 else [scored[0]]
    quote = "".join(sentences[i] for i in chosen).strip()
    return quote if len(quote) <= limit * 1.6 else quote[: int(limit * 1.6)] + "……"
