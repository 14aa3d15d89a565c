"""The calibrated answer-or-refuse decision of the policy answerer (with the encoder).

Every candidate answer — a curated entry or an ingested passage, proposed by BM25 or by
the encoder — is described by a few features (encoder cosine and its gap to the best,
BM25 score relative to the best, coverage of the question's words, actor and action
match, words the documents never use, closeness to one of the entry's own phrasings).
A logistic regression, trained on every development question set (policy/data/eval*.yml,
all spent) by `bench/policy_calibrate.py`, turns them into the probability that the
candidate is the right answer. The most probable candidate is answered when that
probability reaches the threshold chosen by cross-validation; otherwise we refuse.

The model is a handful of numbers in policy/data/answer_model.json (no pickle); without
that file, or without the encoder, the answerer keeps its hand-set thresholds.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from policy.asks import asked_kinds, missing
from policy.index import expand, tokenize
from policy.match import concepts, cover
from policy.passages import extract
from policy.roles import fits, passage_actors, roles
from policy.text import normalize

MODEL_FILE = Path(__file__).resolve().parent / "data" / "answer_model.json"
CURATED_TIE = 0.05  # see _plain
CURATED_SAME = 0.5
# a candidate about the question's own actor ("乡镇政府要做什么" → the township's duty)
# is chosen over one naming no actor unless that one is this much more probable
ACTOR_PREFERENCE = 0.15
CANDIDATES = 6  # from each ranking (BM25, encoder) of each pool (curated, passages)

FEATURES = ("cos", "cos_gap", "cos_gap_all", "cos_top", "bm_rel", "bm_log", "bm_top",
            "coverage", "fit_yes", "fit_no", "action", "curated", "unknown", "near",
            "cur_cos", "cur_cov", "cur_gap", "both_top", "cov_gap", "kind_missing", "place", "miss_top",
            "doc_named")


@dataclass
class Candidate:
    kind: str  # "curated" or "passage"
    index: int  # entry or passage number
    document: str
    section: str
    features: dict
    text: str = ""  # what a key fact must be found in (for training labels)
    prob: float = 0.0


def candidates(query: str, qvec, curated, kb, unknown: int, place: bool = False) -> list[Candidate]:
    """The candidates for `query` with their features (`qvec`: its sentence vector;
    `place`: the question asks about a place the documents never mention)."""
    words = concepts(query)
    kinds = asked_kinds(query)
    named = named_documents(query)
    asked = roles(query)
    toks = tokenize(expand(query))
    out: list[Candidate] = []
    pools = []
    if curated.entries:
        sims = curated.similarities(qvec)
        scores = curated.bm25.scores(toks)
        pools.append(("curated", sims, scores))
    sims = kb.passage_similarities(qvec) if kb is not None and kb.passages else None
    if sims is not None:  # each passage's best window of sentences
        pools.append(("passage", sims, kb.bm25.scores(toks)))
    best_all = max((float(s.max()) for _, s, _ in pools), default=0.0)
    for kind, sims, scores in pools:
        order = [int(i) for i in np.argsort(-sims)[:CANDIDATES]]
        bm_order = sorted(scores, key=lambda i: (-scores[i], i))[:CANDIDATES]
        top_bm = scores[bm_order[0]] if bm_order else 0.0
        best_cos = float(sims[order[0]])
        for i in dict.fromkeys(order + bm_order):
            if kind == "curated":
                e = curated.entries[i]
                if e.get("found", True) is False:
                    continue  # "not covered" entries are rules of their own (money)
                target, actors = curated.texts[i], curated.actors[i]
                doc, sec = e["source"]["document"], e["source"]["section"]
                docs = {doc} | {s["document"] for s in e.get("also", [])}
                action = bool(asked.actions & curated.actions[i])
                near = curated.phrasing_similarity(query, i)
                text = e["answer"]
            else:
                p = kb.passages[i]
                target = normalize(p["section_title"] + p["text"])
                actors = passage_actors(p["section_title"])
                doc, sec = p["document"], p["section"]
                docs = {doc}
                action, near, text = False, 0.0, p["text"]
            fit = fits(asked, actors)
            if fit is False:
                continue  # about another actor than the question's: never the answer
            cos = float(sims[i])
            bm = scores.get(i, 0.0)
            idf = curated.bm25.idf if kind == "curated" else kb.bm25.idf
            cov, miss_top = cover(words, target, idf)
            cur = 1.0 if kind == "curated" else 0.0
            f = {"cos": cos, "cos_gap": best_cos - cos, "cos_gap_all": best_all - cos,
                 "cos_top": float(i == order[0]), "bm_rel": bm / top_bm if top_bm else 0.0,
                 "bm_log": math.log1p(bm), "bm_top": float(bool(bm_order) and i == bm_order[0]),
                 "coverage": cov, "fit_yes": float(fit is True), "fit_no": float(fit is False),
                 "action": float(fit is True and action), "curated": cur,
                 "unknown": float(min(unknown, 2)), "near": near,
                 "cur_cos": cur * cos, "cur_cov": cur * cov, "cur_gap": cur * (best_cos - cos)}
            f["both_top"] = f["cos_top"] * f["bm_top"]
            # the question asks for an amount of time, a count, a penalty, papers ... and
            # this candidate holds nothing of that kind (policy/asks.py)
            if kind == "curated" or not kinds:
                f["kind_missing"] = missing(kinds, text)
            else:  # the sentences we would quote must hold it, not any part of the clause
                quote = extract(p["text"], query, window_sims=kb.window_similarities(i, qvec))
                f["kind_missing"] = missing(kinds, p["section_title"] + quote)
            f["place"] = float(place)
            f["miss_top"] = miss_top
            # the question names a document ("阜阳那个细则里"): this one, or another
            f["doc_named"] = (1.0 if named & docs else -1.0) if named else 0.0
            out.append(Candidate(kind, i, doc, sec, f, text))
    best_cov = max((c.features["coverage"] for c in out), default=0.0)
    for c in out:  # how far below the candidate covering most of the question
        c.features["cov_gap"] = best_cov - c.features["coverage"]
    return out


@lru_cache(maxsize=1)
def _called() -> list[tuple[str, str]]:
    from policy.ingest import catalogue

    return [(normalize(w), e.get("number") or e.get("name")) for e in catalogue()
            for w in e.get("called", [])]


def named_documents(query: str) -> set[str]:
    """The documents a question names by place or kind ("内蒙古那个意见", "讲话里")."""
    q = normalize(query)
    return {doc for w, doc in _called() if w in q}


def matrix(cands: list[Candidate]) -> np.ndarray:
    return np.array([[c.features[k] for k in FEATURES] for c in cands], dtype=np.float64)


# few, robust features: the ranker's confidence, how well the choice matches the
# question by meaning, by words and by BM25, and words the documents never use
# (the margin over the runner-up measured no help leaving one set out: dropped)
GATE = ("p_top", "cos", "coverage", "bm_log", "unknown", "miss_top")
# never answered, whatever the gate says: the chosen candidate lacks the kind of fact
# asked for, or the question is about another place's rules
VETO = ("kind_missing", "place")


@lru_cache(maxsize=1)
def load_model() -> dict | None:
    if not MODEL_FILE.exists():
        return None
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    if tuple(data.get("features", ())) != FEATURES or tuple(data.get("gate_features", ())) != GATE:
        return None  # trained on other features: retrain with bench/policy_calibrate.py
    return {"ranker": _linear(data["ranker"]), "gate": _linear(data["gate"]),
            "threshold": float(data["threshold"])}


def _linear(d: dict) -> dict:
    return {"mean": np.array(d["mean"]), "scale": np.array(d["scale"]),
            "coef": np.array(d["coef"]), "intercept": float(d["intercept"])}


def probabilities(linear: dict, x: np.ndarray) -> np.ndarray:
    z = ((x - linear["mean"]) / linear["scale"]) @ linear["coef"] + linear["intercept"]
    return 1.0 / (1.0 + np.exp(-z))


def gate_row(x: np.ndarray, probs: np.ndarray) -> tuple[int, np.ndarray]:
    """The ranker's choice and what the gate looks at: its probability, its margin over
    the runner-up, its own features and the question's best cosine."""
    fit = x[:, FEATURES.index("fit_yes")]
    order = np.argsort(-(probs + ACTOR_PREFERENCE * fit), kind="stable")
    i = int(order[0])
    second = float(probs[order[1]]) if len(order) > 1 else 0.0
    f = dict(zip(FEATURES, x[i]))
    f.update(p_top=float(probs[i]), p_margin=float(probs[i]) - second,
             cos_max=float(x[:, 0].max()))
    return i, np.array([f[k] for k in GATE])


def vetoed(features: dict) -> bool:
    return any(features.get(k, 0.0) > 0 for k in VETO)


def decide(cands: list[Candidate], model: dict) -> tuple[Candidate | None, float]:
    """The ranker's best candidate and the gate's probability that it is right; None
    when that probability is below the threshold (chosen by cross-validation)."""
    if not cands:
        return None, 0.0
    x = matrix(cands)
    probs = probabilities(model["ranker"], x)
    for c, p in zip(cands, probs):
        c.prob = float(p)
    i, row = gate_row(x, probs)
    sure = float(probabilities(model["gate"], row[None, :])[0])
    if sure < model["threshold"] or vetoed(cands[i].features):
        return None, sure
    chosen = _plain(cands, i)
    return (None, sure) if vetoed(chosen.features) else (chosen, sure)


def _plain(cands: list[Candidate], i: int) -> Candidate:
    """Prefer our curated answer (plain words, key facts kept) to a quoted passage: the
    best curated candidate when it is nearly as probable (CURATED_TIE), else one citing
    the passage's own section when it is probable enough (CURATED_SAME)."""
    best = cands[i]
    curated = [c for c in cands if c.kind == "curated"]
    if best.kind == "curated" or not curated:
        return best
    top = max(curated, key=lambda c: c.prob)
    if top.prob >= best.prob - CURATED_TIE:
        return top
    same = [c for c in curated if c.document == best.document and c.section == best.section
            and c.prob >= CURATED_SAME]
    return max(same, key=lambda c: c.prob) if same else best
