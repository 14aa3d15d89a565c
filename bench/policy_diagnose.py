"""Why the policy answerer misses: each miss of a set, scored with the model trained on
the other development sets (leave one set out), put in one class:

- not among candidates: no candidate (curated entry or passage, top 6 of BM25 and of the
  encoder in each pool) cites the expected clause;
- ranked below a neighbour: one does, but the ranker put another first (then answered
  wrong, or refused);
- key fact not in the quote: the right clause was chosen, the answer lacks the fact;
- gate refused a right top-1 (or a veto did);
- gate passed a wrong one: an uncovered question answered;
- a rule (money, phone, definition, near phrasing) answered or refused first.

    SHOUHU_INSTANCE_DIR=/tmp/kb PYTHONPATH=. python -m bench.policy_diagnose [sets ...]

Also prints recall@5 of the candidate list: the share of answerable questions with a
candidate citing the expected clause among the ranker's first five.
"""
from __future__ import annotations

import os
import sys
from collections import Counter

import numpy as np

from bench.policy_calibrate import DATA, SETS, collect, fit
from policy import calibrate, vectors
from policy.answer import MONEY, PHONE, Answerer
from policy.asks import other_place
from policy.evaluate import evaluate, is_unanswerable, load_eval
from policy.kb import open_kb
from policy.match import unknown_topics
from policy.text import normalize


def _src_ok(c: calibrate.Candidate, item: dict) -> bool:
    return any(c.document == e["document"] and c.section.startswith(e["section"])
               for e in item["expect"])


def classify(answerer: Answerer, item: dict, row: dict) -> tuple[str | None, int | None]:
    """The class of a miss (None when right) and the rank of the first right candidate."""
    q = item["q"].strip()
    unans = is_unanswerable(item)
    qvec = vectors.question_vector(q)
    unknown = unknown_topics(q, answerer._known())
    place = other_place(q, answerer._known()) is not None
    cands = calibrate.candidates(q, qvec, answerer.curated, answerer.kb, len(unknown), place)
    rank = None
    top = None
    if cands:
        x = calibrate.matrix(cands)
        probs = calibrate.probabilities(answerer.model["ranker"], x)
        fit_yes = x[:, calibrate.FEATURES.index("fit_yes")]
        order = list(np.argsort(-(probs + calibrate.ACTOR_PREFERENCE * fit_yes), kind="stable"))
        top = cands[order[0]]
        if not unans:
            rank = next((r for r, i in enumerate(order) if _src_ok(cands[i], item)), None)
    if unans:
        return ("right" if row["ok_refused"] else "gate passed an uncovered question"), None
    if row["ok_source"] and row["ok_fact"]:
        return "right", rank
    qn = normalize(q)
    ruled = bool(MONEY.search(qn) or PHONE.search(qn) or answerer.curated.rule_match(q) is not None)
    if ruled:
        return ("rule answered wrong" if row["found"] else "rule refused"), rank
    if rank is None:
        return "not among candidates", rank
    if row["found"] and row["ok_source"]:
        return "right clause, key fact not in the answer", rank
    if top is not None and _src_ok(top, item):
        if row["found"]:
            return "curated preference swapped a right passage", rank
        vetoed = calibrate.vetoed(top.features)
        return ("veto refused a right top-1" if vetoed else "gate refused a right top-1"), rank
    return ("ranked below a neighbour, answered wrong" if row["found"]
            else "ranked below a neighbour, refused"), rank


def main(argv: list[str]) -> int:
    from bot.cli_kb import _settings, kb_dir_from

    targets = argv or ["eval_holdout5.yml", "eval_holdout6.yml"]
    kb = open_kb(kb_dir_from(_settings(os.environ.get("SHOUHU_CONFIG"))))
    answerer = Answerer(kb)
    sets = {s: load_eval(DATA / s) for s in SETS}
    data = {s: collect(answerer, items, s) for s, items in sets.items()}
    total: Counter = Counter()
    for s in targets:
        answerer.model = fit([q for t in SETS if t != s for q in data[t]])
        result = evaluate(answerer, sets[s])
        counts: Counter = Counter()
        ranks = []
        for item, row in zip(sets[s], result["rows"]):
            why, rank = classify(answerer, item, row)
            counts[why] += 1
            if not is_unanswerable(item):
                ranks.append(rank)
            if why != "right" and "-v" in os.environ.get("DIAGNOSE", ""):
                print(f"  [{why}] rank {rank} {item['q'][:50]} -> {row['source']}")
        n = len(ranks)
        r5 = sum(1 for r in ranks if r is not None and r < 5)
        r1 = sum(1 for r in ranks if r == 0)
        print(f"{s}: candidate list recall@1 {r1}/{n}, recall@5 {r5}/{n}, "
              f"any {sum(r is not None for r in ranks)}/{n}")
        for why, k in counts.most_common():
            print(f"  {k:3d}  {why}")
        total.update(counts)
    print("all:")
    for why, k in total.most_common():
        print(f"  {k:3d}  {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
