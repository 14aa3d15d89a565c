"""Score a blind set of FIRST reports (eval/blind6/first_reports.yml format): intent,
category, and whether the engine's first answer would be the 110/120 guidance.

    PYTHONPATH=. python bench/blind_reports.py [FILE] [--model-dir DIR] [--misses]

Each item has `text`, `intent`, `category` and `urgent` (a child in danger now). The
system decision is the engine's: `nlu.danger.assess(normalised text, parse)`: yes (110
first), unsure (asked 孩子现在有危险吗？; 是/不确定 gives 110 in the second reply) or no. An
urgent report counts as caught on yes or unsure; a calm one as a false alarm on yes only.
The category is the parse's first `category` entity. Prints aggregate figures only;
`--misses` lists texts, and must not be used on a blind file before the system under
test is final (reading the misses ends its blindness). Not a test.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "eval" / "blind6" / "first_reports.yml"


def _confirm_below() -> float:
    """config.yaml nlu.category_confirm_below: below it the flow confirms the category."""
    cfg = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8")) or {}
    return float((cfg.get("nlu") or {}).get("category_confirm_below", 0.7))


CONFIRM_BELOW = _confirm_below()


def predict(parser, text: str) -> dict:
    from bench.urgency_system import verdict

    result = parser.parse(text)
    cats = [e["value"] for e in result.get("entities", []) if e.get("entity") == "category"]
    return {"intent": (result.get("intent") or {}).get("name"), "category": cats[0] if cats else None,
            "category_p": float((result.get("category") or {}).get("confidence") or 0.0),
            "model_urgent": any(e.get("entity") == "urgency" for e in result.get("entities", [])),
            "verdict": verdict(text, result)}


def score(parser, items: list[dict]) -> tuple[dict, list[tuple[str, str]]]:
    c: Counter = Counter()
    misses = []
    per_category: Counter = Counter()
    for item in items:
        p = predict(parser, item["text"])
        gold_urgent = bool(item.get("urgent"))
        c["n"] += 1
        c["intent_ok"] += p["intent"] == item["intent"]
        if item.get("category"):
            c["with_category"] += 1
            c["category_ok"] += p["category"] == item["category"]
            per_category[(item["category"], p["category"] == item["category"])] += 1
            asked = p["category_p"] < CONFIRM_BELOW
            c[f"cat_{'asked' if asked else 'silent'}_{'ok' if p['category'] == item['category'] else 'wrong'}"] += 1
        p["system_urgent"] = p["verdict"] != "no" if gold_urgent else p["verdict"] == "yes"
        c[f"asked_{'urgent' if gold_urgent else 'calm'}"] += p["verdict"] == "unsure"
        for kind in ("system", "model"):
            said = p[f"{kind}_urgent"]
            c[f"{kind}_{'tp' if said and gold_urgent else 'fn' if gold_urgent else 'fp' if said else 'tn'}"] += 1
        if p["intent"] != item["intent"]:
            misses.append(("intent", item["text"]))
            c[f"intent_confused:{item['intent']}->{p['intent']}"] += 1
        if item.get("category") and p["category"] != item["category"]:
            misses.append(("category", item["text"]))
        if gold_urgent != p["system_urgent"]:
            misses.append(("missed urgent" if gold_urgent else "false alarm", item["text"]))
    c.update({f"cat:{k[0]}:{'ok' if k[1] else 'wrong'}": v for k, v in per_category.items()})
    return dict(c), misses


def report(c: dict) -> str:
    def pct(a, b):
        return f"{a / b:6.1%} ({a}/{b})" if b else "   n/a"
    lines = [f"items {c['n']}",
             f"intent            {pct(c.get('intent_ok', 0), c['n'])}",
             f"category          {pct(c.get('category_ok', 0), c.get('with_category', 0))}"]
    for kind in ("system", "model"):
        pos = c.get(f"{kind}_tp", 0) + c.get(f"{kind}_fn", 0)
        neg = c.get(f"{kind}_fp", 0) + c.get(f"{kind}_tn", 0)
        lines.append(f"{kind:6} urgent recall {pct(c.get(f'{kind}_tp', 0), pos)}   "
                     f"false alarms {pct(c.get(f'{kind}_fp', 0), neg)}")
    lines.append(f"category confirmed (p < {CONFIRM_BELOW}): {c.get('cat_asked_ok', 0)} right, "
                 f"{c.get('cat_asked_wrong', 0)} wrong; routed silently: {c.get('cat_silent_ok', 0)} right, "
                 f"{c.get('cat_silent_wrong', 0)} wrong")
    # Below the threshold the reporter sees the top guesses and 都不是 (every category):
    # the upper bound of the category once a reporter corrects a wrong guess.
    lines.append(f"category if confirmations are corrected {pct(c.get('with_category', 0) - c.get('cat_silent_wrong', 0), c.get('with_category', 0))}")
    lines.append(f"asked the danger question: {c.get('asked_urgent', 0)} urgent, {c.get('asked_calm', 0)} calm")
    confused = sorted((k.split(":", 1)[1], v) for k, v in c.items() if k.startswith("intent_confused:"))
    if confused:
        lines.append("intent errors (gold->said): " + ", ".join(f"{k} {v}" for k, v in confused))
    cats = sorted({k.split(':')[1] for k in c if k.startswith('cat:')})
    for cat in cats:
        ok, wrong = c.get(f"cat:{cat}:ok", 0), c.get(f"cat:{cat}:wrong", 0)
        lines.append(f"  category {cat:18} {pct(ok, ok + wrong)}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?", default=str(DEFAULT))
    ap.add_argument("--model-dir", default="/tmp/shouhu-bench-nlu-models")
    ap.add_argument("--misses", action="store_true", help="list the texts scored wrong (ends blindness)")
    ap.add_argument("--confirm-below", type=float, default=CONFIRM_BELOW,
                    help="category confidence below which the flow confirms (config category_confirm_below)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from nlu import load_parser

    globals()["CONFIRM_BELOW"] = args.confirm_below
    items = yaml.safe_load(Path(args.file).read_text(encoding="utf-8"))["items"]
    counts, misses = score(load_parser({}, args.model_dir), items)
    print(f"{Path(args.file).name}\n{report(counts)}")
    if args.misses:
        for kind, text in misses:
            print(f"    {kind}: {text}")


if __name__ == "__main__":
    main()
