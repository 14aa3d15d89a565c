"""Train the policy answerer's answer-or-refuse model (policy/calibrate.py) and report
leave-one-set-out figures: train on all development sets but one, score the whole
answerer on that one, for each set in turn. Then train on all and write
policy/data/answer_model.json.

    SHOUHU_INSTANCE_DIR=/tmp/kb PYTHONPATH=. python -m bench.policy_calibrate [--no-write]

Needs the documents ingested (`shouhu kb ingest`) and the encoder installed.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from policy import calibrate, vectors
from policy.answer import MONEY, PHONE, Answerer
from policy.asks import other_place
from policy.evaluate import evaluate, is_unanswerable, load_eval
from policy.kb import open_kb
from policy.match import unknown_topics
from policy.text import normalize

DATA = Path(__file__).resolve().parents[1] / "policy" / "data"
SETS = ["eval.yml", "eval_holdout.yml", "eval_holdout2.yml", "eval_holdout3.yml",
        "eval_holdout4.yml", "eval_holdout5.yml", "eval_holdout6.yml"]
MIN_REFUSED = 0.90  # the threshold keeps at least this share of unanswerable questions refused
# ... and this share in every training set (a threshold good on average but bad on one
# set is what let holdout5's uncovered questions through: 45 % refused)
PER_SET_REFUSED = 0.90
# threshold on out-of-fold probabilities: steadier fold thresholds (0.60-0.69 against
# 0.48-0.67) but no better left out (holdout4 73.3 against 75.0 %): off
OUT_OF_FOLD = False
# policy6 chose C = 0.03 on six sets (policy7 figures below; 0.05: 64.2 / 94.9 %,
# 0.15: 72.2 / 96.2 %, 0.2: 70.5 / 96.2 %: C = 0.05 sends the first four folds back to
# thresholds of 0.86-0.88, a fragile optimum). With holdout6 as a seventh training set (its
# uncovered questions look covered: 70 % refused when it was blind) and passages scored
# by their best window, C = 0.03 pushes every fold's threshold to 0.84-0.86 and refuses
# most right answers; decision level, leave one set out, right answers / uncovered
# refused (pooled): C = 0.03 59.9 / 96.2 %, 0.1 72.8 / 97.5 %, 0.3 68.5 / 96.2 %,
# 1.0 67.6 / 96.2 %; the ranker's C matters most (ranker 0.03 with gate 0.1: 55.3 %).
# Gate features tried beside the six (margin, curated, gaps, near + actor fit): no
# better than 73.6 / 94.9 %, kept as they are.
C = 0.1
C_RANKER = None  # the ranker's own C (None: C)


def label(c: calibrate.Candidate, item: dict) -> int:
    if is_unanswerable(item):
        return 0
    src_ok = any(c.document == e["document"] and c.section.startswith(e["section"])
                 for e in item["expect"])
    text = normalize(c.text)
    return int(src_ok and any(normalize(f) in text for f in item["facts"]))


def collect(answerer: Answerer, items: list[dict], name: str) -> list[dict]:
    """Per question: its candidates' features and labels."""
    out = []
    for item in items:
        q = item["q"].strip()
        qvec = vectors.question_vector(q)
        unknown = unknown_topics(q, answerer._known())
        place = other_place(q, answerer._known()) is not None
        cands = calibrate.candidates(q, qvec, answerer.curated, answerer.kb, len(unknown), place)
        # a question a rule answers (money, a phone number, a definition, one of our own
        # phrasings) never reaches the model: it must not set the threshold either
        ruled = bool(MONEY.search(normalize(q)) or PHONE.search(normalize(q))
                     or answerer.curated.rule_match(q) is not None)
        out.append({"x": calibrate.matrix(cands), "y": np.array([label(c, item) for c in cands]),
                    "unanswerable": is_unanswerable(item), "ruled": ruled, "set": name})
    return out


def _linear(x: np.ndarray, y: np.ndarray, c: float | None = None) -> dict:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=C if c is None else c, max_iter=3000).fit((x - mean) / scale, y)
    return {"mean": mean, "scale": scale, "coef": lr.coef_[0], "intercept": float(lr.intercept_[0])}


def fit(questions: list[dict]) -> dict:
    """`_fit`, with the threshold chosen on out-of-fold gate probabilities when
    OUT_OF_FOLD: each training set scored by a ranker and gate trained on the others
    (in-sample probabilities are over-confident, and single questions then move the
    threshold far)."""
    model = _fit(questions)
    names = sorted({q["set"] for q in questions})
    if not OUT_OF_FOLD or len(names) < 3:
        return model
    p, ok, unans, sets = [], [], [], []
    for name in names:
        inner = _fit([q for q in questions if q["set"] != name])
        for q in questions:
            if q["set"] != name or not len(q["x"]) or q["ruled"]:
                continue
            prob, right = _gate(inner, q)
            p.append(prob)
            ok.append(right)
            unans.append(q["unanswerable"])
            sets.append(name)
    model["threshold"] = threshold(np.array(p), np.array(ok), np.array(unans), np.array(sets))
    return model


def _gate(model: dict, q: dict) -> tuple[float, int]:
    """The gate's probability for the ranker's choice (0 when a veto refuses it), and
    whether that choice is right."""
    i, row = calibrate.gate_row(q["x"], calibrate.probabilities(model["ranker"], q["x"]))
    if calibrate.vetoed(dict(zip(calibrate.FEATURES, q["x"][i]))):
        return 0.0, int(q["y"][i])
    return float(calibrate.probabilities(model["gate"], row[None, :])[0]), int(q["y"][i])


def _fit(questions: list[dict]) -> dict:
    """The ranker (which candidate, trained on answerable questions), then the gate
    (is the ranker's choice right, trained on every question a veto does not refuse)
    and its threshold (on every question: vetoed ones count as refused)."""
    answerable = [q for q in questions if not q["unanswerable"] and len(q["x"])]
    ranker = _linear(np.vstack([q["x"] for q in answerable]),
                     np.concatenate([q["y"] for q in answerable]), C_RANKER)
    rows, ok = [], []
    scored = [q for q in questions if len(q["x"]) and not q["ruled"]]
    for q in scored:
        i, row = calibrate.gate_row(q["x"], calibrate.probabilities(ranker, q["x"]))
        if not calibrate.vetoed(dict(zip(calibrate.FEATURES, q["x"][i]))):
            rows.append(row)
            ok.append(int(q["y"][i]))
    gate = _linear(np.array(rows), np.array(ok))
    model = {"ranker": ranker, "gate": gate}
    p, ok = zip(*(_gate(model, q) for q in scored))
    unans = np.array([q["unanswerable"] for q in scored])
    sets = np.array([q["set"] for q in scored])
    model["threshold"] = threshold(np.array(p), np.array(ok), unans, sets)
    return model


def threshold(p: np.ndarray, ok: np.ndarray, unans: np.ndarray, sets: np.ndarray) -> float:
    """The threshold that maximises right answers + refusals (as shares), keeping at
    least MIN_REFUSED of the unanswerable questions refused (pooled, and PER_SET_REFUSED
    in every training set: a threshold good on average but bad on one set would be)."""
    choice, value = 0.95, -1.0
    for t in np.arange(0.05, 0.95, 0.01):
        right = ((p >= t) & (ok == 1) & ~unans).sum() / max((~unans).sum(), 1)
        refused = ((p < t) & unans).sum() / max(unans.sum(), 1)
        worst = min((((p < t) & unans & (sets == s)).sum() / max((unans & (sets == s)).sum(), 1)
                     for s in set(sets.tolist())), default=1.0)
        if refused >= MIN_REFUSED and worst >= PER_SET_REFUSED and right + refused > value:
            choice, value = float(t), right + refused
    return choice


def summary(r: dict) -> str:
    return (f"n={r['answerable']:3d}/{r['unanswerable']:2d}  top1 {r['top1_source_pct']:5.1f}  "
            f"fact {r['key_fact_pct']:5.1f}  refused {r['refused_pct']:5.1f}  wrong {r['wrong']}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--per-set", type=float, default=None, help="override PER_SET_REFUSED")
    ap.add_argument("--out-of-fold", action="store_true", help="threshold on out-of-fold probabilities")
    args = ap.parse_args()
    global PER_SET_REFUSED, OUT_OF_FOLD
    if args.per_set is not None:
        PER_SET_REFUSED = args.per_set
    OUT_OF_FOLD = OUT_OF_FOLD or args.out_of_fold
    import os

    from bot.cli_kb import _settings, kb_dir_from

    kb = open_kb(kb_dir_from(_settings(os.environ.get("SHOUHU_CONFIG"))))
    answerer = Answerer(kb)
    if not answerer.semantic:
        print("the encoder is not installed: nothing to calibrate", file=sys.stderr)
        return 1
    sets = {s: load_eval(DATA / s) for s in SETS}
    data = {s: collect(answerer, items, s) for s, items in sets.items()}
    print("leave one set out (trained on the other sets, scored on this one):")
    folds = []
    for s in SETS:
        model = fit([q for t in SETS if t != s for q in data[t]])
        answerer.model = model
        folds.append(model["threshold"])
        print(f"  {s:20s} {summary(evaluate(answerer, sets[s]))}  (threshold {model['threshold']:.2f})")
    print(f"  fold thresholds {min(folds):.2f} to {max(folds):.2f} "
          f"(spread {max(folds) - min(folds):.2f})")
    model = fit([q for t in SETS for q in data[t]])
    answerer.model = model
    print(f"trained on all sets, threshold {model['threshold']:.2f}:")
    for s in SETS:
        print(f"  {s:20s} {summary(evaluate(answerer, sets[s]))}")
    for part, names in (("ranker", calibrate.FEATURES), ("gate", calibrate.GATE)):
        weights = sorted(zip(names, model[part]["coef"]), key=lambda kv: -abs(kv[1]))
        print(f"  {part}: " + ", ".join(f"{n} {w:+.2f}" for n, w in weights))
    if not args.no_write:
        def plain(d: dict) -> dict:
            return {k: (v.round(6).tolist() if hasattr(v, "tolist") else round(v, 6))
                    for k, v in d.items()}

        calibrate.MODEL_FILE.write_text(json.dumps({
            "features": list(calibrate.FEATURES), "gate_features": list(calibrate.GATE),
            "ranker": plain(model["ranker"]), "gate": plain(model["gate"]),
            "threshold": round(model["threshold"], 3), "trained_on": SETS}, indent=1) + "\n",
            encoding="utf-8")
        print(f"wrote {calibrate.MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
