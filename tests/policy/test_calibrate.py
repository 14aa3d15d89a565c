"""The calibrated answer-or-refuse decision (policy/calibrate.py) over the real documents.

Figures leaving one development set out are in docs/policy.md
(bench/policy_calibrate.py prints them); these tests check that the model is the one
the answerer uses and that it decides both ways.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from policy import calibrate
from policy.evaluate import evaluate, load_eval
from policy.text import is_traditional

WH = "乌海政办发〔2016〕71号"
DATA = Path(__file__).resolve().parents[2] / "policy" / "data"
HOLDOUT3 = DATA / "eval_holdout3.yml"
HOLDOUT4 = DATA / "eval_holdout4.yml"
HOLDOUT5 = DATA / "eval_holdout5.yml"
HOLDOUT6 = DATA / "eval_holdout6.yml"


@pytest.fixture(scope="module")
def semantic(answerer):
    if answerer.model is None:
        pytest.skip("the sentence encoder is not installed: the BM25-only path decides")
    return answerer


def test_model_file_matches_the_features():
    # a feature added without retraining (bench/policy_calibrate.py) would silently
    # fall back to the hand thresholds
    model = calibrate.load_model()
    assert model is not None
    assert len(model["ranker"]["coef"]) == len(calibrate.FEATURES)
    assert len(model["gate"]["coef"]) == len(calibrate.GATE)
    assert 0.3 <= model["threshold"] <= 0.9


@pytest.mark.parametrize("question, section, fact", [
    # written for this test, in Traditional script: clearly covered clauses
    ("我們夫妻倆都要去外省做工，家裡十三歲的兒子可以自己一個人生活嗎", "二、（一）", "16"),
    ("醫生給孩子看病時發現身上有被虐待的傷，要向哪裡報告", "三、（一）", "公安"),
])
def test_traditional_question_is_answered_with_its_source(semantic, question, section, fact):
    a = semantic.ask(question)
    assert a.found, a.answer
    assert a.sources[0]["document"] == WH and a.sources[0]["section"].startswith(section), a.sources
    assert is_traditional(a.answer) and fact in a.answer


@pytest.mark.parametrize("question", [
    "孩子出国留学的护照要去哪里办",
    "我家猫生病了去哪家宠物医院好",
    "留守儿童坐火车能买半价票吗",
])
def test_off_topic_questions_are_refused(semantic, question):
    a = semantic.ask(question)
    assert not a.found and a.kind == "refused", a.answer


def test_the_gate_decides(semantic):
    # the same covered question is refused when the gate's threshold cannot be reached:
    # the answer really comes through the model, not around it
    question = "医生给孩子看病时发现身上有被虐待的伤，要向哪里报告"
    model = semantic.model
    try:
        semantic.model = dict(model, threshold=1.01)
        a = semantic.ask(question)
        assert not a.found
    finally:
        semantic.model = model
    assert semantic.ask(question).found


# Floors at or below the leave-one-set-out figures of policy7 (bench/policy_calibrate.py:
# each set scored by a model trained on the six others; docs/policy.md), not targets: the
# blind set's targets are 92 / 90 / 90 %. (top-1, key fact, refused, most wrong answers)
# policy7 LOWERED the floors of holdout3-5: with holdout6 as a seventh training set the
# gate must keep 90 % of holdout6's uncovered questions refused too (they look covered;
# 70 % were refused when it was blind), and that costs right answers on every set.
@pytest.mark.parametrize("path, floor", [
    # left out: 82.6 / 82.6 / 100 %, 3 wrong (policy6: 89.1 / 89.1 / 100 %, 3 wrong)
    (HOLDOUT3, (80, 80, 92, 4)),
    # left out: 56.7 / 60.0 / 100 %, 7 wrong; trained on all 63.3 / 65.0 / 100 %, 6
    # (policy6: 70.0 / 75.0 / 100 %, 7 wrong)
    (HOLDOUT4, (55, 58, 95, 8)),
    # left out: 66.7 / 65.0 / 90 %, 4 wrong (policy6: 75.0 / 73.3 / 90 %, 8 wrong)
    (HOLDOUT5, (63, 62, 85, 6)),
    # left out: 55.0 / 55.0 / 90 %, 10 wrong; trained on all 58.3 / 56.7 / 90 %, 11
    # (policy6, then blind: 50.0 / 46.7 / 70 %)
    (HOLDOUT6, (53, 53, 85, 12)),
], ids=["holdout3", "holdout4", "holdout5", "holdout6"])
def test_holdout_floor_encoder(semantic, path, floor):
    report = evaluate(semantic, load_eval(path))
    summary = {k: v for k, v in report.items() if k != "rows"}
    top1, fact, refused, wrong = floor
    assert report["top1_source_pct"] >= top1, summary
    assert report["key_fact_pct"] >= fact, summary
    assert report["refused_pct"] >= refused, summary
    assert report["wrong"] <= wrong, summary


# Questions written for this test, one per general kind of uncovered question found in
# holdout5: it asks for a kind of fact (a number of minutes, lessons or years, a fine,
# papers, who pays, an hour) the chosen answer does not hold, or about another place.
UNCOVERED = [
    "儿童主任每次家访要待够多少分钟",  # a span with its unit
    "每个乡镇规定要建几所儿童之家",  # a count
    "父母让孩子单独在家住，会被判几年刑",  # a prison term
    "不送孩子上学的家长要罚款多少",  # a fine's amount
    "办委托监护需要准备哪些证明材料",  # papers for an application
    "孩子看心理医生的钱能报销吗",  # who pays
    "乡镇救助站每天几点下班",  # an hour
    "贵州那边对留守儿童有什么特别的规定",  # another place's rules
]


@pytest.mark.parametrize("question", UNCOVERED)
def test_uncovered_kind_is_refused_politely_with_pointers(semantic, question):
    a = semantic.ask(question)
    assert not a.found and a.kind == "refused", a.answer
    assert "不能随便回答" in a.answer and not a.sources
    for pointer in ("民政部门", "12345", "12355", "110"):
        assert pointer in a.answer, a.answer


@pytest.mark.parametrize("question", [
    "儿童主任每次家访要待够多少分钟",
    "不送孩子上学的家长要罚款多少",
    "孩子看心理医生的钱能报销吗",
])
def test_the_kind_veto_is_what_refuses(semantic, question, monkeypatch):
    # with a gate that lets everything through, these near-misses are still refused by
    # the veto, and answered without it (with a clause that only shares their words):
    # the veto refuses them whatever the gate says (policy7's gate refuses them too)
    monkeypatch.setattr(semantic, "model", dict(semantic.model, threshold=0.0))
    assert not semantic.ask(question).found
    monkeypatch.setattr(calibrate, "VETO", ())
    assert semantic.ask(question).found


def test_a_covered_question_asking_how_often_in_traditional_is_answered(semantic):
    # asks a span of time ("隔多長時間"), and the answer holds one: not vetoed
    a = semantic.ask("我們村的兒童主任隔多長時間要到家裡看一次孩子")
    assert a.found and a.sources[0]["document"] == "阜民儿童函〔2024〕1号", a.sources
    assert a.sources[0]["section"].startswith("二、（三）9.")
    assert is_traditional(a.answer) and "季度" in a.answer


def test_a_question_naming_a_document_is_answered_from_it(semantic):
    a = semantic.ask("内蒙古的实施意见要求什么时候以前建好留守儿童工作的领导机制")
    assert a.found and a.sources[0]["document"] == "内政发〔2016〕75号", a.sources
    assert "6月底" in a.answer
