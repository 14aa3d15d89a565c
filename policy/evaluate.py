"""Score an Answerer against policy/data/eval.yml: the figures `shouhu kb eval` prints.

top-1 source: the first source is one of the expected (document, section) pairs (a more
specific section of an expected one counts). key fact: one of the expected facts occurs
in the answer (compared in Simplified script). refused: an unanswerable question got
found=false. wrong: an answer given (found=true) that is not the expected one — the
wrong source or no key fact for an answerable question, or any answer to an
unanswerable one. Wrong answers are the harmful ones; a refusal points to a person.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from policy.text import normalize

EVAL_FILE = Path(__file__).resolve().parent / "data" / "eval.yml"


def load_eval(path: str | Path | None = None) -> list[dict]:
    data = yaml.safe_load(Path(path or EVAL_FILE).read_text(encoding="utf-8")) or {}
    return list(data.get("questions") or [])


def is_unanswerable(item: dict) -> bool:
    """`unanswerable: true`, or no expected source at all (`expect: []`, no facts)."""
    return bool(item.get("unanswerable")) or not (item.get("expect") or item.get("facts"))


def _source_ok(answer, expect: list[dict]) -> bool:
    if not answer.sources:
        return False
    top = answer.sources[0]
    return any(top["document"] == e["document"] and top["section"].startswith(e["section"])
               for e in expect)


def evaluate(answerer, items: list[dict] | None = None) -> dict:
    items = load_eval() if items is None else items
    rows = []
    for item in items:
        a = answerer.ask(item["q"])
        row = {"q": item["q"], "found": a.found, "kind": a.kind,
               "source": (a.sources[0]["document"] + " " + a.sources[0]["section"]) if a.sources else "",
               "unanswerable": is_unanswerable(item)}
        if row["unanswerable"]:
            row["ok_refused"] = not a.found
        else:
            row["ok_source"] = a.found and _source_ok(a, item["expect"])
            text = normalize(a.answer)
            row["ok_fact"] = a.found and any(normalize(f) in text for f in item["facts"])
        row["wrong"] = a.found and (row["unanswerable"] or not (row["ok_source"] and row["ok_fact"]))
        rows.append(row)
    answerable = [r for r in rows if not r["unanswerable"]]
    unanswerable = [r for r in rows if r["unanswerable"]]

    def pct(n: int, d: int) -> float:
        return round(100.0 * n / d, 1) if d else 0.0

    return {
        "questions": len(rows),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "top1_source_pct": pct(sum(r["ok_source"] for r in answerable), len(answerable)),
        "key_fact_pct": pct(sum(r["ok_fact"] for r in answerable), len(answerable)),
        "refused_pct": pct(sum(r["ok_refused"] for r in unanswerable), len(unanswerable)),
        "wrong": sum(r["wrong"] for r in rows),
        "wrong_source": sum(1 for r in rows if r["wrong"] and (r["unanswerable"] or not r["ok_source"])),
        "false_refusal_pct": pct(sum(not r["found"] for r in answerable), len(answerable)),
        "by_kind": {k: sum(1 for r in answerable if r["kind"] == k)
                    for k in ("curated", "passage", "refused", "invalid")},
        "rows": rows,
    }
