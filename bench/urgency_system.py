"""Urgent recall and false alarms, per file, for the model alone and for the whole engine.

    PYTHONPATH=. python bench/urgency_system.py [FILE ...] [--misses] [--model-dir DIR]

model  = the NLU parse carries an `urgency` entity (calibrated probability >= 0.5);
system = the engine's decision `nlu.danger.assess(normalised text, parse)`: yes (110
         guidance first), unsure (the bot asks 孩子现在有危险吗？ and 是/不确定 gives the
         guidance) or no. An urgent example counts as caught when the verdict is yes or
         unsure (110 within the first two replies); a calm one is a false alarm only on
         yes (answered as an emergency without being asked). `asked` counts the unsure.

Gold urgent = the example is annotated with an `urgency` entity.
`--misses` lists the missed and falsely alarmed texts (do not use it on a blind file
before the system under test is final). Prints figures; not a test.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ["test.yml", "test_blind.yml", "test_blind2.yml", "test_blind3.yml", "test_blind4.yml", "test_blind5.yml"]


def verdict(text: str, result: dict) -> str:
    """Exactly the engine's decision (bot/routing.py): yes, unsure or no."""
    from nlu import danger
    from nlu.normalize import normalize_text

    return danger.assess(normalize_text(text), result).verdict


def score(parser, path: str | Path) -> dict:
    from nlu import danger
    from nlu.normalize import normalize_text
    from nlu.training_data import load_training_data

    data = load_training_data(path)
    c = {k: {"tp": 0, "fn": 0, "fp": 0, "tn": 0} for k in ("model", "system", "words")}
    asked = {"urgent": 0, "calm": 0}
    misses: dict[str, list[str]] = {"model_missed": [], "system_missed": [], "system_false_alarms": []}
    for ex in data.examples:
        gold = any(e["entity"] == "urgency" for e in ex.entities)
        result = parser.parse(ex.text)
        preds = {"model": any(e.get("entity") == "urgency" for e in result["entities"]),
                 "words": danger.check(normalize_text(ex.text)) is not None}
        v = verdict(ex.text, result)
        asked["urgent" if gold else "calm"] += v == "unsure"
        # urgent: caught at once or after the question; calm: alarmed only without asking
        preds["system"] = v != "no" if gold else v == "yes"
        for k, p in preds.items():
            c[k][("t" if p == gold else "f") + ("p" if p else "n")] += 1
        if gold and not preds["model"]:
            misses["model_missed"].append(ex.text)
        if gold and not preds["system"]:
            misses["system_missed"].append(ex.text)
        if preds["system"] and not gold:
            misses["system_false_alarms"].append(ex.text)
    out = {"file": Path(path).name, "examples": len(data.examples), "asked": asked, **misses}
    for k, m in c.items():
        pos, neg = m["tp"] + m["fn"], m["fp"] + m["tn"]
        out[k] = {**m, "recall": m["tp"] / pos if pos else 1.0, "false_alarm_rate": m["fp"] / neg if neg else 0.0}
    return out


def _fmt(m: dict) -> str:
    return (f"{m['recall']:7.1%} ({m['tp']}/{m['tp'] + m['fn']})  "
            f"{m['false_alarm_rate']:6.1%} ({m['fp']}/{m['fp'] + m['tn']})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*")
    ap.add_argument("--misses", action="store_true", help="list missed and falsely alarmed texts")
    ap.add_argument("--model-dir", default="/tmp/shouhu-bench-nlu-models")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from nlu import load_parser

    parser = load_parser({}, args.model_dir)
    files = args.files or [str(ROOT / "nlu" / "data" / f) for f in FILES]
    print(f"{'file':18} {'model recall':>16} {'model FA':>14}   {'words recall':>16} {'words FA':>14}   "
          f"{'SYSTEM recall':>16} {'SYSTEM FA':>14}")
    for f in files:
        r = score(parser, f)
        print(f"{r['file']:18} {_fmt(r['model'])}   {_fmt(r['words'])}   {_fmt(r['system'])}   "
              f"asked: {r['asked']['urgent']} urgent, {r['asked']['calm']} calm")
        if args.misses:
            for key in ("system_missed", "system_false_alarms", "model_missed"):
                for t in r[key]:
                    print(f"    {key}: {t}")


if __name__ == "__main__":
    main()
