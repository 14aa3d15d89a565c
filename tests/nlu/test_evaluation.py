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


def test_targets(report):
    text = summary(report)
    assert report["intent_accuracy"] >= 0.95, text
    assert report["macro"]["f1"] >= 0.93, text
    assert report["urgent_recall"] >= 0.98, text
    assert report["urgent_false_alarm_rate"] <= 0.05, text
    assert report["category_accuracy"] >= 0.90, text


def test_report_files(report, tmp_path):
    files = write_report(report, tmp_path)
    assert all(f.exists() and f.stat().st_size > 0 for f in files)
    assert "URGENT RECALL" in (tmp_path / "summary.txt").read_text(encoding="utf-8")
