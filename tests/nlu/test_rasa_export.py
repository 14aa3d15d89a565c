"""bench/rasa_export.py: our training data as valid Rasa 3.x NLU projects (no Rasa needed)."""
from __future__ import annotations

import yaml

from bench.rasa_export import CATEGORIES, TASKS, export, nlu_yaml, task_examples
from nlu import DEFAULT_DATA
from nlu.training_data import Example, TrainingData, load_training_data


def _examples(path) -> dict[str, list[str]]:
    """Rasa's reading of a training file: {intent: [example texts]}."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["version"] == "3.1"
    out = {}
    for item in doc["nlu"]:
        assert set(item) == {"intent", "examples"}
        lines = [line for line in item["examples"].splitlines() if line.strip()]
        assert all(line.startswith("- ") for line in lines)
        out[item["intent"]] = [line[2:] for line in lines]
    return out


def test_export_of_the_shipped_data_is_valid_rasa(tmp_path):
    info = export(DEFAULT_DATA, tmp_path, epochs=7)
    data = load_training_data(DEFAULT_DATA)
    assert set(info) == set(TASKS)

    intents = _examples(tmp_path / "intent" / "data" / "nlu.yml")
    assert set(intents) == set(data.intents)
    assert {t for ts in intents.values() for t in ts} == {" ".join(e.text.split()) for e in data.examples}
    for texts in intents.values():  # entity annotations stripped, no duplicates
        assert not any("](" in t or "]{" in t for t in texts)
        assert len(texts) == len(set(texts))

    categories = _examples(tmp_path / "category" / "data" / "nlu.yml")
    assert set(categories) == set(CATEGORIES)
    assert "一个人住" in categories["child_alone"]  # a synonym of nlu.yml, given as an example
    urgency = _examples(tmp_path / "urgency" / "data" / "nlu.yml")
    assert set(urgency) == {"urgent", "not_urgent"}
    assert "救命" in urgency["urgent"]
    assert info["urgency"]["examples"] == sum(map(len, urgency.values()))

    # Our own Rasa-format loader accepts the export as well.
    again = load_training_data(tmp_path / "intent" / "data" / "nlu.yml")
    assert len(again.examples) == info["intent"]["examples"]

    config = yaml.safe_load((tmp_path / "category" / "config.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in config["pipeline"]]
    assert names == ["JiebaTokenizer", "CountVectorsFeaturizer", "CountVectorsFeaturizer",
                     "DIETClassifier", "EntitySynonymMapper"]
    assert config["pipeline"][2]["analyzer"] == "char_wb" and config["pipeline"][2]["max_ngram"] == 4
    assert config["pipeline"][3]["epochs"] == 7 and config["language"] == "zh"


def test_labels_and_awkward_text_survive(tmp_path):
    data = TrainingData(examples=[
        Example("孩子掉河里了: 快来 # 救命", "report_case",
                [{"entity": "category", "value": "落水", "start": 2, "end": 5},
                 {"entity": "urgency", "value": "urgent", "start": 9, "end": 11}]),
        Example("我要登记   委托照护", "register_entrustment"),
        Example('"你好" - 在吗', "greet"),
    ], synonyms={"落水": "injury_or_harm", "正在": "urgent", "奶奶": "奶奶"})
    tasks = task_examples(data)
    assert tasks["category"] == {"injury_or_harm": ["孩子掉河里了: 快来 # 救命", "落水"]}
    assert tasks["urgency"]["urgent"] == ["孩子掉河里了: 快来 # 救命", "正在"]
    assert tasks["urgency"]["not_urgent"] == ["我要登记 委托照护", '"你好" - 在吗']
    path = tmp_path / "nlu.yml"
    path.write_text(nlu_yaml(tasks["intent"]), encoding="utf-8")
    assert _examples(path) == {"greet": ['"你好" - 在吗'], "register_entrustment": ["我要登记 委托照护"],
                               "report_case": ["孩子掉河里了: 快来 # 救命"]}
    assert task_examples(data, with_synonyms=False)["category"] == {"injury_or_harm": ["孩子掉河里了: 快来 # 救命"]}
