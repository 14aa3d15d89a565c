"""The team's evaluation set meets the issue's targets (documents ingested)."""
from __future__ import annotations

from pathlib import Path

import pytest

from policy.evaluate import evaluate, load_eval


def test_eval_set_shape():
    items = load_eval()
    unanswerable = [i for i in items if i.get("unanswerable")]
    traditional = [i for i in items if i.get("script") == "traditional"]
    assert len(items) >= 80 and len(unanswerable) >= 10 and len(traditional) >= 10
    for item in items:
        assert item["q"].strip()
        if not item.get("unanswerable"):
            assert item["expect"] and item["facts"]


def test_eval_thresholds_with_documents(answerer):
    report = evaluate(answerer)
    summary = {k: v for k, v in report.items() if k != "rows"}
    assert report["top1_source_pct"] >= 90, summary
    assert report["key_fact_pct"] >= 90, summary
    assert report["refused_pct"] >= 90, summary


def test_eval_curated_only_still_useful(curated_only):
    # without any ingested document the curated layer alone still answers most questions
    # and never invents an answer to an unanswerable one
    report = evaluate(curated_only)
    assert report["refused_pct"] >= 90
    assert report["top1_source_pct"] >= 80


HOLDOUT2 = Path(__file__).resolve().parents[2] / "policy" / "data" / "eval_holdout2.yml"


def test_holdout2_regression_floor(answerer):
    # A floor, not a target: the figures measured once on this held-out set after the
    # changes of the policy2 branch, raised after policy3 (see docs/policy.md). Since
    # policy3 this set is development data (its misses were studied), so the floor is
    # optimistic; it catches a change that makes it worse, above all one that adds a
    # wrong answer (found=true with the wrong source or key fact, or any answer to an
    # unanswerable question).
    # Since policy5 a calibrated model (policy/calibrate.py) decides: trained without this
    # set it scores 94.3 / 94.3 / 100 % with no wrong answer, trained with it 96.2 / 96.2 /
    # 100 % with one (a relative who neglects an entrusted child answered with the
    # entrusted-guardian clause, 二、（一）, where the set expects the Fuyang or police one).
    # policy6: the gate keeps 90 % of the uncovered questions refused on every training
    # set; trained with or without this set it scores 94.3 / 94.3 / 100 % (one wrong), so
    # the floor is 94 (two questions the ranker is unsure of are refused instead).
    # policy7: trained on seven sets (holdout6's uncovered questions raise the gate's
    # threshold), with or without this set: 90.6 / 90.6 / 100 %, no wrong answer.
    report = evaluate(answerer, load_eval(HOLDOUT2))
    summary = {k: v for k, v in report.items() if k != "rows"}
    assert report["wrong"] <= 1, summary
    assert report["wrong_source"] <= 1, summary
    assert report["refused_pct"] >= 100, summary
    assert report["top1_source_pct"] >= 90, summary
    assert report["key_fact_pct"] >= 90, summary


HOLDOUT3 = Path(__file__).resolve().parents[2] / "policy" / "data" / "eval_holdout3.yml"


def test_holdout3_regression_floor(answerer):
    # A floor, not a target: measured once after the policy3 changes on a set written
    # before they were made and never tuned on. It only catches a change that makes it
    # worse; the wrong answers it allows (8) are the known gap, not an acceptable level.
    # Raised after policy4 (encoder + BM25, actor/action check: 76.1 / 80.4 % with the
    # encoder, 69.6 / 76.1 % on the BM25-only fallback); the floor holds for both paths.
    # Since policy4 this set is development data too.
    report = evaluate(answerer, load_eval(HOLDOUT3))
    summary = {k: v for k, v in report.items() if k != "rows"}
    assert report["wrong"] <= 8, summary
    assert report["wrong_source"] <= 8, summary
    assert report["refused_pct"] >= 78, summary
    assert report["top1_source_pct"] >= 69, summary
    assert report["key_fact_pct"] >= 76, summary


@pytest.mark.parametrize("path", [HOLDOUT2, HOLDOUT3], ids=["holdout2", "holdout3"])
def test_holdout_shape(path):
    items = load_eval(path)
    unanswerable = [i for i in items if i.get("unanswerable")]
    traditional = [i for i in items if i.get("script") == "traditional"]
    assert len(items) >= 50 and len(unanswerable) >= 12 and len(traditional) >= 8


def test_question_without_expected_source_is_scored_as_unanswerable(answerer):
    """A blind file may mark an unanswerable question with `expect: []` instead of
    `unanswerable: true`; answering it must count as wrong, not crash or pass."""
    items = [{"q": "儿童主任一个月工资多少钱", "expect": []},
             {"q": "出去打工要跟村委会说什么", "expect": [], "facts": []}]
    report = evaluate(answerer, items)
    salary, duty = report["rows"]
    assert salary["unanswerable"] and duty["unanswerable"]
    assert salary["ok_refused"] and not salary["wrong"]
    assert duty["found"] and duty["wrong"]  # answered although marked unanswerable
