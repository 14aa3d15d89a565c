"""How stable is the urgency band? Edges over fold seeds and after dropping 2 % of the data.

    PYTHONPATH=. python bench/band_stability.py [--seeds 5] [--drops 5] [--repeats R] [--method old|new]

For each fold seed (and for each random 2 % drop of the training examples, seed 0 folds), the
urgency stack's out-of-fold final probabilities are computed as at training time and the band
is chosen from them. `--method old`: one fold split and the plain quantile (nlu9);
`--method new`: `--repeats` fold splits averaged and `stacking.choose_band` as trained today.
Prints every (low, high) with the low edge before the floor and the cap (the plain quantile
for `old`, the Harrell-Davis quantile for `new`) and the spread (max - min).
Not a test: a few minutes per run.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def old_band(p, gold, recall=0.99, false_alarms=0.02):
    """nlu9's choose_band: the plain quantile of one split, floor 0.02, no cap."""
    pos, neg = np.sort(p[gold]), np.sort(p[~gold])
    low = float(pos[int(np.floor((1 - recall) * len(pos)))])
    high = float(neg[min(len(neg) - 1, int(np.ceil((1 - false_alarms) * len(neg))))])
    low = min(max(low - 1e-6, 0.02), 0.5)
    return round(low, 4), round(min(max(high + 1e-6, 0.5, low + 0.05), 0.98), 4)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--drops", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=0, help="default: the pipeline's urgency_repeats")
    ap.add_argument("--method", choices=["old", "new"], default="new")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from nlu.pipeline import DEFAULT_DATA, DEFAULT_PIPELINE, fit_char
    from nlu.stacking import choose_band, hd_quantile, meta_input, oof_base, oof_final
    from nlu.training import urgency_inputs, urgent_gold
    from nlu.training_data import load_training_data

    cfg = dict(DEFAULT_PIPELINE)
    repeats = args.repeats or int(cfg.get("urgency_repeats", 1))
    data = load_training_data(DEFAULT_DATA)
    _, docs, emb, sig = urgency_inputs(data, cfg)
    gold = urgent_gold(data)
    labels = np.array(["urgent" if g else "no" for g in gold])
    classes = ["no", "urgent"]
    c, c_e5, c_meta = float(cfg["C"]), float(cfg["C_e5"]), float(cfg["C_meta"])

    def char(d, y, max_iter=3000):
        return fit_char(d, y, c, max_iter)

    def band(keep, seed):
        d = [docs[i] for i in keep]
        e = emb[keep] if emb is not None else None
        y, g, r = labels[keep], gold[keep], sig[keep]
        n_rep = 1 if args.method == "old" else repeats
        ps = []
        for k in range(n_rep):
            s = seed * 1000 + k * 7919
            a, b = oof_base(d, y, classes, e, char, c_e5, seed=s)
            ps.append(oof_final(meta_input(a, b, r), y, c_meta, seed=s + 1)[:, 1])
        p = np.mean(ps, axis=0)
        raw = round(float(np.sort(p[g])[int(np.floor((1 - float(cfg["urgency_recall"])) * g.sum()))]), 4)
        if args.method == "old":
            return old_band(p, g, float(cfg["urgency_recall"]), float(cfg["urgency_false_alarms"])), raw
        return choose_band(p, g, float(cfg["urgency_recall"]), float(cfg["urgency_false_alarms"])), \
            round(hd_quantile(p[g], 1 - float(cfg["urgency_recall"])), 4)

    started = time.perf_counter()
    n = len(docs)
    rows = []
    for s in range(args.seeds):
        rows.append((f"seed {s}", band(np.arange(n), s)))
        print(*rows[-1], flush=True)
    for s in range(args.drops):
        keep = np.sort(np.random.default_rng(100 + s).permutation(n)[: n - round(0.02 * n)])
        rows.append((f"drop 2% #{s}", band(keep, 0)))
        print(*rows[-1], flush=True)
    lows, highs = [r[1][0][0] for r in rows], [r[1][0][1] for r in rows]
    raws = [r[1][1] for r in rows]
    print(f"method {args.method} repeats {1 if args.method == 'old' else repeats}: "
          f"low {min(lows):.4f}..{max(lows):.4f} (spread {max(lows) - min(lows):.4f}), "
          f"high {min(highs):.4f}..{max(highs):.4f} (spread {max(highs) - min(highs):.4f}); "
          f"low before floor and cap {min(raws):.4f}..{max(raws):.4f}; "
          f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
