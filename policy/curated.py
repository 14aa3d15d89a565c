"""Our curated plain-language answers (policy/data/curated.yml), each with its citation,
and which one answers a question: BM25 proposes, coverage of the question decides.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from policy.index import BM25, expand, tokenize
from policy.match import concepts, coverage, formalize
from policy.roles import fits, roles
from policy.text import normalize

DATA_DIR = Path(__file__).resolve().parent / "data"
# Thresholds, set on the evaluation set (see docs/policy.md for the figures).
CURATED_MIN = 0.55  # share of the question's weighted words an entry must cover
CURATED_SCORE_MIN = 10.0  # BM25 score of the best curated candidate
CURATED_AGREE = 0.35  # the chosen entry's BM25 score must be this share of the best one
NEAR_PHRASING = 0.6  # bigram Jaccard with one of an entry's own phrasings
ANSWER_IN_TARGET = True  # the entry's answer text counts towards coverage (+1.2 % key fact)
CANDIDATES = 5  # from each ranking (BM25, encoder)
FUSED_WEIGHT = 0.3  # the ranking's share of a candidate's value, beside coverage
ENCODER_SHARE = 0.5  # of that ranking part: encoder cosine vs BM25 score
COS_SPAN = 0.05  # e5 cosines are compressed: this far below the best cosine counts as 0
ENCODER_AGREE = 0.04  # the chosen entry's cosine must be within this of the best one
# an answer despite a word the documents never use ("起码", "天生": jieba's guess at a
# noun) needs both rankings to agree on it, a close phrasing and most of the question
SURE_COS = 0.94
SURE_COVERAGE = 0.6
ACTION_BONUS = 0.05  # a candidate about the question's own actor and action


@lru_cache(maxsize=1)
def load_curated() -> list[dict]:
    data = yaml.safe_load((DATA_DIR / "curated.yml").read_text(encoding="utf-8")) or {}
    return list(data.get("answers") or [])


class CuratedAnswers:
    """The curated entries, indexed for `match`."""

    def __init__(self, entries: list[dict]) -> None:
        self.entries = entries
        texts = [" ".join(str(x) for x in e.get("questions", []) + e.get("keywords", []))
                 for e in entries]
        self._tokens = [tokenize(expand(t)) for t in texts]
        # both the words people use and the documents' terms count as covered
        self.texts = [normalize(t) + " " + formalize(t) + (
            " " + normalize(e["answer"]) if ANSWER_IN_TARGET else "")
            for t, e in zip(texts, entries)]
        self.bm25 = BM25(self._tokens)
        self._defines = {normalize(t): i for i, e in enumerate(entries)
                         for t in e.get("defines", [])}
        self._phrasing_grams = [[_bigrams(q) for q in e.get("questions", [])] for e in entries]
        # whom each entry is about: who acts in its own phrasings, and how
        parsed = [[roles(q) for q in e.get("questions", [])] for e in entries]
        self.actors = [frozenset().union(*(r.actors for r in rs)) for rs in parsed]
        self.actions = [frozenset().union(*(r.actions for r in rs)) for rs in parsed]
        self._vectors = None  # phrasing vectors (rows) and their entries, see attach_vectors
        self._owner = None

    def attach_vectors(self, store) -> None:
        """Embed every phrasing once (policy.vectors.VectorStore), for `match(qvec=...)`."""
        texts, owner = [], []
        for i, e in enumerate(self.entries):
            for q in e.get("questions", []):
                texts.append(normalize(q))
                owner.append(i)
        import numpy as np

        self._vectors = store.matrix(texts)
        self._owner = np.asarray(owner)

    def similarities(self, qvec):
        """Per entry, the best cosine between the question and one of its phrasings."""
        import numpy as np

        sims = self._vectors @ qvec
        best = np.full(len(self.entries), -1.0, dtype=np.float32)
        np.maximum.at(best, self._owner, sims)
        return best

    def by_id(self, entry_id: str) -> dict | None:
        return next((e for e in self.entries if e["id"] == entry_id), None)

    def match(self, query: str, qvec=None, sure: bool = False) -> int | None:
        """The curated entry that answers `query`, or None.

        BM25 and, with `qvec` (the question's sentence vector), the encoder propose
        candidates, ranked by a combination of both scores; a candidate about another actor
        than the question's is dropped; coverage (how much of the question the entry's
        own phrasings and keywords account for) plus the fused rank picks among the rest,
        and coverage decides. `sure`: only an entry both rankings put first (see SURE_*).
        """
        ruled = self.rule_match(query)  # "娃算不算留守儿童": a definition
        if ruled is not None:
            return ruled
        if sure and qvec is None:
            return None
        scores = self.bm25.scores(tokenize(expand(query)))
        bm_rank = sorted(scores, key=lambda i: (-scores[i], i))
        if not bm_rank or scores[bm_rank[0]] < CURATED_SCORE_MIN:
            return None
        top_score = scores[bm_rank[0]]
        # the ranking part: BM25 relative to the best, and with the encoder, the cosine
        # relative to the best one (a small calibrated combination, not ranks: e5's
        # cosines are compressed, and near ties must stay near ties)
        rank = {i: scores[i] / top_score for i in bm_rank[:CANDIDATES]}
        sims = None
        if qvec is not None and self._vectors is not None:
            sims = self.similarities(qvec)
            order = sims.argsort()[::-1]
            best_cos = float(sims[order[0]])
            for i in {*map(int, order[:CANDIDATES]), *rank}:
                closeness = max(0.0, 1.0 - (best_cos - float(sims[i])) / COS_SPAN)
                rank[i] = (1 - ENCODER_SHARE) * scores.get(i, 0.0) / top_score \
                    + ENCODER_SHARE * closeness
        words = concepts(query)
        asked = roles(query)
        idf = self.bm25.idf  # (the documents' idf instead measured worse: 89.4 vs 94.1 %)
        best, best_val, best_cov, best_score = None, -1.0, 0.0, 0.0
        for i in sorted(rank, key=lambda i: (-rank[i], i)):
            fit = fits(asked, self.actors[i])
            if fit is False:
                continue  # about another actor ("what the police do" for a teacher's duty)
            if sims is not None and float(sims[i]) < best_cos - ENCODER_AGREE:
                continue  # the encoder finds it far from the question: shared words only
            cov = coverage(words, self.texts[i], idf)
            value = cov + FUSED_WEIGHT * rank[i]
            if fit and asked.actions & self.actions[i]:
                value += ACTION_BONUS
            if value > best_val:
                best, best_val, best_cov, best_score = i, value, cov, scores.get(i, 0.0)
        if best is None or best_score < CURATED_AGREE * top_score:
            # coverage and ranking disagree sharply: the entry shares a few words with the
            # question but is not what it is about; an honest refusal beats a near-miss
            return None
        if sure:
            agreed = sims is not None and best == bm_rank[0] == int(order[0])
            if not (agreed and float(sims[best]) >= SURE_COS and best_cov >= SURE_COVERAGE):
                return None
        return best if best_cov >= CURATED_MIN else None

    def phrasing_similarity(self, query: str, i: int) -> float:
        """The best bigram Jaccard between the question and one of entry i's phrasings."""
        grams = _bigrams(query)
        return max((len(grams & g) / len(grams | g) for g in self._phrasing_grams[i] if grams | g),
                   default=0.0)

    def rule_match(self, query: str) -> int | None:
        """An entry chosen by rule, before any ranking: a definition asked for
        ("什么是困境儿童", "娃算不算留守儿童") or one of an entry's own phrasings, nearly."""
        term = _defined_term(query)
        if term and term in self._defines:
            return self._defines[term]
        counts = _COUNTS_AS.search(normalize(query))
        if counts and counts.group(1) in self._defines and not _DURATION.search(query):
            return self._defines[counts.group(1)]
        return self._near_phrasing(query)

    def _near_phrasing(self, query: str) -> int | None:
        """An entry one of whose own phrasings is nearly the question (bigram Jaccard)."""
        grams = _bigrams(query)
        if len(grams) < 3:
            return None
        best, best_sim = None, 0.0
        for i, phrasings in enumerate(self._phrasing_grams):
            for g in phrasings:
                sim = len(grams & g) / len(grams | g)
                if sim > best_sim:
                    best, best_sim = i, sim
        return best if best_sim >= NEAR_PHRASING else None


_DEFINE = re.compile(r"^(?:请问)?(?:什么是|啥是|何为|什么叫|什么叫做)(.+?)$|^(?:请问)?(.+?)"
                     r"(?:是什么意思|是啥意思|啥意思|是什么|是啥|指的是什么|是指什么|指什么|怎么定义|的定义)$")


_DURATION = re.compile(r"月|多久|多长时间|几天|半年|一年")  # how long away: its own entry
_COUNTS_AS = re.compile(r"算(?:不算|是|作|做)?(留守儿童|农村留守儿童|留守孩子|困境儿童|事实无人抚养儿童)")


def _defined_term(query: str) -> str | None:
    """"什么是X" / "X是什么意思" → X (normalised), for questions asking a definition."""
    m = _DEFINE.match(re.sub(r"[\s?？。!！,，]+$", "", normalize(query)))
    return (m.group(1) or m.group(2)).strip() if m else None


@lru_cache(maxsize=1024)
def _bigrams(text: str) -> frozenset[str]:
    t = re.sub(r"[^\u4e00-\u9fff0-9a-z]", "", formalize(text))
    t = re.sub(r"^(请问|我想问|想问一下|问一下)", "", t)
    return frozenset(t[i:i + 2] for i in range(len(t) - 1))
