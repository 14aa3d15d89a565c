"""Recall of the encoder's passage ranking: for every answerable development question,
where the expected clause ranks among the passages, under several ways of embedding a
passage (its first 160 characters; each sentence; windows of two sentences; the whole
passage up to 400 characters; e5's "query:" or "passage:" side; the best window or the
mean of the best two), and BM25 for comparison.

    SHOUHU_INSTANCE_DIR=/tmp/kb PYTHONPATH=. python -m bench.policy_retrieval [--cache F]

Embeds every unit once (about 7 minutes on the 2 shared cores; kept in --cache).
"""
from __future__ import annotations

import argparse
import os
import pickle
from pathlib import Path

import numpy as np

from bench.policy_calibrate import DATA, SETS
from policy.evaluate import is_unanswerable, load_eval
from policy.index import expand, tokenize
from policy.kb import open_kb
from policy.text import normalize, sentences


def units(p: dict, mode: str) -> list[str]:
    head = normalize(p["section_title"].split("/")[-1].strip())
    parts = sentences(normalize(p["text"]))
    if mode == "first":
        return [f"{head} {normalize(p['text'])}"[:160]]
    if mode == "whole":
        return [f"{head} {normalize(p['text'])}"[:400]]
    if mode == "sentence":
        return [f"{head} {s}"[:160] for s in parts]
    return [f"{head} {''.join(parts[i:i + 2])}"[:160] for i in range(len(parts))]  # window2


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default="/tmp/policy-retrieval.pkl")
    args = ap.parse_args()
    from bot.cli_kb import _settings, kb_dir_from
    from nlu import encoder

    kb = open_kb(kb_dir_from(_settings(os.environ.get("SHOUHU_CONFIG"))))
    cache_path = Path(args.cache)
    cache = pickle.loads(cache_path.read_bytes()) if cache_path.exists() else {}
    m = encoder.model()

    def emb(side: str, text: str) -> np.ndarray:
        if (side, text) not in cache:
            cache[(side, text)] = np.asarray(m.passage(text) if side == "p" else m.query(text),
                                             dtype=np.float32)
        return cache[(side, text)]

    schemes = {(mode, side): [np.stack([emb(side, u) for u in units(p, mode)]) for p in kb.passages]
               for mode in ("first", "sentence", "window2", "whole") for side in ("q", "p")}
    cache_path.write_bytes(pickle.dumps(cache))
    ranks: dict[str, list[int]] = {}
    for s in SETS:
        for item in load_eval(DATA / s):
            if is_unanswerable(item):
                continue
            ok = np.array([any(p["document"] == e["document"] and p["section"].startswith(e["section"])
                               for e in item["expect"]) for p in kb.passages])
            if not ok.any():
                continue
            q = emb("q", normalize(item["q"])[:160])
            for (mode, side), mats in schemes.items():
                for agg in ("max", "top2"):
                    sc = np.array([(np.sort(w @ q)[-2:].mean() if agg == "top2" else (w @ q).max())
                                   for w in mats])
                    ranks.setdefault(f"{mode} {side} {agg}", []).append(int((sc > sc[ok].max()).sum()))
            bm = kb.bm25.scores(tokenize(expand(item["q"])))
            sc = np.array([bm.get(i, 0.0) for i in range(len(kb.passages))])
            ranks.setdefault("bm25", []).append(int((sc > sc[ok].max()).sum()))
    print(f"{'scheme':22s} recall@1 recall@5 recall@10  (n={len(ranks['bm25'])})")
    for name, r in ranks.items():
        r = np.array(r)
        print(f"{name:22s} {100 * (r < 1).mean():7.1f} {100 * (r < 5).mean():8.1f} {100 * (r < 10).mean():9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
