"""Benchmark the policy answerer: ingest time and p50/p99 answer time over the eval set.

Not a test. Run:  PYTHONPATH=. python bench/ask.py [DOCS_DIR] [--rounds N]
Prints figures; the target is p99 < 20 ms per answer on the deployment machine.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from policy import Answerer, open_kb
from policy.evaluate import load_eval

REGION = {"civil_affairs_phone": "0000-1234567",
          "hotlines": {"police": "110", "citizen_service": "12345", "youth": "12355"}}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser()
    default = os.environ.get("SHOUHU_POLICY_DOCS") or str(REPO.parent / "shared" / "policy-docs")
    parser.add_argument("docs", nargs="?", default=default)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    docs = sorted(Path(args.docs).glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        kb = open_kb(tmp)
        kb.ingest(docs)
        ingest_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        kb.ingest(docs)
        reingest_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        kb = open_kb(tmp)
        answerer = Answerer(kb, REGION)
        open_s = time.perf_counter() - t0
        questions = [item["q"] for item in load_eval()]
        answerer.ask(questions[0])  # warm caches
        times = []
        for _ in range(args.rounds):
            for q in questions:
                t = time.perf_counter()
                answerer.ask(q)
                times.append((time.perf_counter() - t) * 1000)
    print(f"documents: {len(docs)}  passages: {len(kb.passages)}")
    print(f"ingest (first, incl. jieba warm-up): {ingest_s * 1000:.0f} ms")
    print(f"ingest again (unchanged):            {reingest_s * 1000:.0f} ms")
    print(f"open knowledge base + answerer:      {open_s * 1000:.0f} ms")
    print(f"answers: {len(times)} ({len(questions)} questions x {args.rounds})")
    print(f"p50 {statistics.median(times):.2f} ms   p99 {percentile(times, 99):.2f} ms   "
          f"max {max(times):.2f} ms")


if __name__ == "__main__":
    main()
