"""Answers quoted from the ingested documents: the passage that covers the question, and
the one or two sentences of it that answer it, verbatim (we never compose a rule).
"""
from __future__ import annotations

from functools import lru_cache

from policy.asks import asked_kinds, missing
from policy.index import expand, tokenize
from policy.kb import KnowledgeBase
from policy.match import concepts, coverage
from policy.roles import fits, passage_actors, roles
from policy.text import normalize, sentences

PASSAGE_MIN = 0.85  # a passage must cover nearly all of the question
PASSAGE_SCORE_MIN = 15.0
CANDIDATES = 3  # from each ranking (BM25, encoder), fused by reciprocal rank
RRF_K = 10


def best_passage(kb: KnowledgeBase | None, query: str, qvec=None) -> dict | None:
    """The best passage when it covers nearly all of the question, else None.

    Candidates come from BM25 and, with `qvec`, from the passages' sentence vectors,
    in reciprocal-rank-fusion order; a duty-list passage about another actor than the
    question's ("州公安局" for what the township does) is skipped.
    """
    if kb is None or not kb.passages:
        return None
    hits = kb.search(query, k=CANDIDATES)
    if not hits:
        return None
    fused: dict[int, float] = {}
    by_id = {id(p): (p, score) for p, score, _ in hits}
    for r, (p, _s, _c) in enumerate(hits):
        fused[id(p)] = 1.0 / (RRF_K + r)
    sims = kb.passage_similarities(qvec) if qvec is not None else None
    if sims is not None:
        scores = kb.bm25.scores(tokenize(expand(query)))
        for r, i in enumerate(sims.argsort()[::-1][:CANDIDATES]):
            p = kb.passages[int(i)]
            by_id.setdefault(id(p), (p, scores.get(int(i), 0.0)))
            fused[id(p)] = fused.get(id(p), 0.0) + 1.0 / (RRF_K + r)
    words = concepts(query)
    asked = roles(query)
    for key in sorted(fused, key=lambda k: -fused[k]):
        p, score = by_id[key]
        if fits(asked, passage_actors(p["section_title"])) is False:
            continue
        cov = coverage(words, normalize(p["section_title"] + p["text"]), kb.bm25.idf)
        if score >= PASSAGE_SCORE_MIN and cov >= PASSAGE_MIN:
            return p
    return None


ACTOR_BONUS = 2.0  # a sentence whose actor is the question's agent
ACTION_BONUS = 1.0  # per action of the question the sentence names
KIND_BONUS = 2.0  # a sentence holding the kind of fact asked (a span of time, a count ...)
# a sentence of the window of sentences the encoder finds closest to the question, and
# less for one of a window within SENTENCE_SPAN of it (e5's cosines are compressed)
SENTENCE_BONUS = 3.0
SENTENCE_SPAN = 0.03


@lru_cache(maxsize=8192)
def _words(sentence: str) -> frozenset[str]:
    """A passage sentence's words (the same sentences recur question after question:
    the kind-of-fact veto quotes up to twelve passages per question)."""
    return frozenset(tokenize(sentence))


@lru_cache(maxsize=8192)
def _roles(sentence: str):
    return roles(sentence)


def extract(text: str, query: str, limit: int = 150, window_sims=None) -> str:
    """The one or two sentences of a passage that best answer the question, verbatim:
    those sharing its words, about its actor and action, holding the kind of fact it
    asks for (how often, how many, by when) and, with `window_sims` (the cosine of each
    of the passage's windows, kb.window_similarities), close to it in meaning."""
    parts = [s for s in sentences(text) if s.strip()]
    if not parts:
        return text[:limit]
    q = set(tokenize(expand(query)))
    asked = roles(query)
    kinds = asked_kinds(query)
    close = [0.0] * len(parts)
    if window_sims is not None and len(window_sims) == len(parts):
        # sentence j is in the windows starting at j - 1 and at j
        per = [max(window_sims[max(0, j - 1):j + 1]) for j in range(len(parts))]
        best = max(per)
        close = [max(0.0, 1.0 - (best - c) / SENTENCE_SPAN) for c in per]

    def score(i: int) -> float:
        s = parts[i]
        value = len(q & _words(s)) + SENTENCE_BONUS * close[i]
        said = _roles(s)
        if asked.agent is not None and asked.agent in said.actors:
            value += ACTOR_BONUS
        value += ACTION_BONUS * len(asked.actions & said.actions)
        if kinds and not missing(kinds, s):
            value += KIND_BONUS
        return value / (1 + len(s) / 200)

    scored = sorted(range(len(parts)), key=lambda i: -score(i))
    chosen = sorted(scored[:2]) if len(parts[scored[0]]) < limit * 0.6 else [scored[0]]
    quote = "".join(parts[i] for i in chosen).strip()
    return quote if len(quote) <= limit * 1.6 else quote[: int(limit * 1.6)] + "……"
