"""The issue's targets on the held-out file (nlu/data/test.yml)."""
from pathlib import Path

import pytest

from nlu.evaluate import evaluate, summary, write_report

TEST_DATA = Path(__file__).resolve().parents[2] / "nlu" / "data" / "test.yml"


@pytest.fixture(scope="module")
def report(parser):
    return evaluate(parser, TEST_DATA, parser.meta["synonyms"])


def test_held_out_file_is_big_and_separate(report):
    from nlu import DEFAULT_DATA
    from nlu.training_data import load_training_data

    assert report["examples"] >= 300
    train = {e.text for e in load_training_data(DEFAULT_DATA).examples}
    test = {e.text for e in load_training_data(TEST_DATA).examples}
    assert len(train & test) <= 10  # a few one-word replies (谢谢 ...) may coincide


def _engine_urgency(parser, path) -> dict:
    """Since issue 13 the urgency targets are the engine's (nlu.danger.assess): an urgent
    message caught at once or after the danger question, a calm one alarmed without asking."""
    from bench.urgency_system import score

    return score(parser, path)["system"]


def test_targets(report, parser):
    text = summary(report)
    assert report["intent_accuracy"] >= 0.95, text
    assert report["macro"]["f1"] >= 0.93, text
    system = _engine_urgency(parser, TEST_DATA)
    assert system["recall"] >= 0.98, system
    assert system["false_alarm_rate"] <= 0.05, system
    assert report["category_accuracy"] >= 0.90, text


def test_report_files(report, tmp_path):
    files = write_report(report, tmp_path)
    assert all(f.exists() and f.stat().st_size > 0 for f in files)
    assert "URGENT RECALL" in (tmp_path / "summary.txt").read_text(encoding="utf-8")


BLIND2 = TEST_DATA.parent / "test_blind2.yml"


def test_blind2_urgency_and_category(parser):
    """test_blind2.yml was written and scored before the urgency/category revision (before:
    urgent recall 45.5 %, false alarms 7.1 %, category 56.2 %). Its writer also wrote the
    revision, so these floors overstate generalisation; test_blind3.yml (first run: recall
    76.9 %, category 71.4 %) is the more honest figure, see docs/nlu.md."""
    report = evaluate(parser, BLIND2, parser.meta["synonyms"])
    text = summary(report)
    assert report["examples"] >= 120 and report["urgent_counts"]["tp"] + report["urgent_counts"]["fn"] >= 40
    system = _engine_urgency(parser, BLIND2)
    assert system["recall"] >= 0.98, system
    assert system["false_alarm_rate"] <= 0.05, system
    assert report["category_accuracy"] >= 0.90, text
