"""Score several spent first-report files together, with 95 % Wilson intervals.

    PYTHONPATH=. python bench/blind_pool.py [FILE ...] [--model-dir DIR] [--seeds K]

One blind file cannot judge a round (blind9 and blind10 differed by 18 points for
near-identical models), so model decisions are judged on the pool of spent files
(default eval/blind6 .. blind10, 750 first reports). Each file is scored through
`bench/blind_reports.score` (the engine's danger decision, the parse's category); the
counts are added for the pool. Printed per file and pooled:

- intent;
- category after confirmation: right unless routed silently (p ≥ the flow's
  `category_confirm_below`) to a wrong category; a confirmed one is chosen by the reporter
  from the buttons; also the raw top-1 category;
- system urgent recall (110 at once or after the danger question);
- calm reports answered as emergencies without being asked.

`--seeds K` trains K artefacts on the same data with different fold seeds (pipeline
`seed`: the out-of-fold splits behind the meta-models and the danger band) and prints the
pooled figures of each and their spread. `--pipeline JSON` overrides the pipeline config
(model decisions are tried this way). Aggregates only: no texts are printed.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILES = [ROOT / "eval" / f"blind{i}" / "first_reports.yml" for i in range(6, 11)]


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of k successes out of n."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def measures(c: dict) -> dict[str, tuple[int, int]]:
    """(successes, trials) of each headline measure from `blind_reports.score` counts."""
    urgent = c.get("system_tp", 0) + c.get("system_fn", 0)
    calm = c.get("system_fp", 0) + c.get("system_tn", 0)
    with_cat = c.get("with_category", 0)
    return {"intent": (c.get("intent_ok", 0), c.get("n", 0)),
            "category (after confirmation)": (with_cat - c.get("cat_silent_wrong", 0), with_cat),
            "category (top-1)": (c.get("category_ok", 0), with_cat),
            "category silent errors": (c.get("cat_silent_wrong", 0), with_cat),
            "category asked": (c.get("cat_asked_ok", 0) + c.get("cat_asked_wrong", 0), with_cat),
            "system urgent recall": (c.get("system_tp", 0), urgent),
            "calm as emergency": (c.get("system_fp", 0), calm),
            "calm asked": (c.get("asked_calm", 0), calm)}


def line(name: str, k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"  {name:30} {k / n if n else 0:6.1%} ({k}/{n})  95% CI [{lo:5.1%}, {hi:5.1%}]"


class PathCounter:
    """The parser, counting which path answered each parse (`debug.path`: cascade, encoder ...)."""

    def __init__(self, parser):
        self.parser, self.paths = parser, {}

    def parse(self, text: str) -> dict:
        result = self.parser.parse(text)
        path = (result.get("debug") or {}).get("path", "-")
        self.paths[path] = self.paths.get(path, 0) + 1
        return result


def score_files(parser, files: list[Path]) -> tuple[dict[str, dict], dict]:
    """Per file and pooled counts (the pool adds the files' counts); `path:*` counts the
    parse paths (a message may be parsed more than once by the danger decision)."""
    from bench.blind_reports import score

    per, pooled = {}, {}
    for f in files:
        items = yaml.safe_load(Path(f).read_text(encoding="utf-8"))["items"]
        counting = PathCounter(parser)
        c, _ = score(counting, items)
        c.update({f"path:{k}": v for k, v in counting.paths.items()})
        per[f"{Path(f).parent.name}/{Path(f).name}"] = c
        for k, v in c.items():
            pooled[k] = pooled.get(k, 0) + v
    return per, pooled


def print_scores(per: dict[str, dict], pooled: dict, per_file: bool = True) -> None:
    if per_file:
        for name, c in per.items():
            print(name)
            for m, (k, n) in measures(c).items():
                print(line(m, k, n))
    print(f"POOLED ({len(per)} files)")
    for m, (k, n) in measures(pooled).items():
        print(line(m, k, n))
    cats = sorted({k.split(":")[1] for k in pooled if k.startswith("cat:")})
    for cat in cats:
        ok, wrong = pooled.get(f"cat:{cat}:ok", 0), pooled.get(f"cat:{cat}:wrong", 0)
        print(line(f"category {cat}", ok, ok + wrong))
    paths = {k[5:]: v for k, v in pooled.items() if k.startswith("path:")}
    print("  parse paths: " + ", ".join(f"{k} {v} ({v / sum(paths.values()):.1%})" for k, v in sorted(paths.items())))
    confused = sorted((k.split(":", 1)[1], v) for k, v in pooled.items() if k.startswith("intent_confused:"))
    if confused:
        print("  intent errors (gold->said): " + ", ".join(f"{k} {v}" for k, v in confused))


def parser_for(model_dir: str, pipeline: dict, cascade: bool = True):
    from nlu import load_parser

    parser = load_parser({"pipeline": pipeline} if pipeline else {}, model_dir)
    if not cascade:  # the full model on every message (nlu/cascade.py switched off)
        parser.meta.pop("cascade", None)
    return parser


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", default=[str(f) for f in DEFAULT_FILES])
    ap.add_argument("--model-dir", default="/tmp/shouhu-bench-nlu-models")
    ap.add_argument("--seeds", type=int, default=0, help="retrain with K fold seeds and print the spread")
    ap.add_argument("--pipeline", default="{}", help="JSON overrides of the pipeline config")
    ap.add_argument("--confirm-below", type=float, default=None)
    ap.add_argument("--no-cascade", action="store_true", help="run the encoder on every message")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench import blind_reports

    if args.confirm_below is not None:
        blind_reports.CONFIRM_BELOW = args.confirm_below
    pipeline = json.loads(args.pipeline)
    files = [Path(f) for f in args.files]
    if not args.seeds:
        per, pooled = score_files(parser_for(args.model_dir, pipeline, not args.no_cascade), files)
        print_scores(per, pooled)
        return
    runs = []
    for seed in range(args.seeds):
        cfg = {**pipeline, "seed": seed} if seed else dict(pipeline)
        parser = parser_for(args.model_dir, cfg, not args.no_cascade)
        per, pooled = score_files(parser, files)
        print(f"== seed {seed} (band low {parser.band['low']}, high {parser.band['high']})")
        print_scores(per, pooled, per_file=False)
        runs.append(measures(pooled))
    print(f"== spread over {args.seeds} seeds (pooled)")
    for m in runs[0]:
        vals = [k / n if n else 0.0 for k, n in (r[m] for r in runs)]
        print(f"  {m:30} min {min(vals):6.1%}  max {max(vals):6.1%}  mean {sum(vals) / len(vals):6.1%}")


if __name__ == "__main__":
    main()
