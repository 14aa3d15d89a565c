"""Our training data as three Rasa 3.x NLU projects, for bench/rasa_compare.py.

Rasa's DIETClassifier gives one label per message, so each of our three tasks becomes its
own Rasa model whose "intents" are that task's labels (a fair match for our three stacks):

intent    every example, labelled with its intent (entity annotations stripped)
category  the report_case examples that carry a category, labelled with it (the same
          examples nlu/training.py trains our category stack on), plus the category
          synonyms of nlu.yml as extra examples (our rules read the same phrases)
urgency   every example, `urgent` when annotated with an urgency entity, else
          `not_urgent`, plus the urgency synonyms as `urgent` examples

Pure Python (PyYAML only): the project's tests import it without Rasa installed.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TASKS = ("intent", "category", "urgency")
CATEGORIES = ("child_alone", "child_missing", "guardian_unfit", "domestic_violence",
              "injury_or_harm", "dropout", "other")


def rasa_config(epochs: int = 100, seed: int = 13) -> dict:
    """The Rasa pipeline compared: jieba words + char_wb 1-4 counts, DIET, synonym mapper."""
    return {"recipe": "default.v1", "language": "zh", "assistant_id": "shouhu-bench",
            "pipeline": [
                {"name": "JiebaTokenizer"},
                {"name": "CountVectorsFeaturizer"},
                {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
                {"name": "DIETClassifier", "epochs": int(epochs), "random_seed": int(seed)},
                {"name": "EntitySynonymMapper"}],
            "policies": []}


def task_examples(data, with_synonyms: bool = True) -> dict[str, dict[str, list[str]]]:
    """{task: {label: [texts]}} from a nlu.training_data.TrainingData."""
    out: dict[str, dict[str, list[str]]] = {t: {} for t in TASKS}

    def add(task: str, label: str, text: str) -> None:
        text = " ".join(text.split())
        if text and text not in out[task].setdefault(label, []):
            out[task][label].append(text)

    for ex in data.examples:
        add("intent", ex.intent, ex.text)
        urgent = any(e["entity"] == "urgency" for e in ex.entities)
        add("urgency", "urgent" if urgent else "not_urgent", ex.text)
        if ex.intent == "report_case":
            cats = [data.synonyms.get(e["value"], e["value"]) for e in ex.entities if e["entity"] == "category"]
            cats = [c for c in cats if c in CATEGORIES]
            if cats:
                add("category", cats[0], ex.text)
    if with_synonyms:
        for phrase, value in data.synonyms.items():
            if value in CATEGORIES:
                add("category", value, phrase)
            elif value == "urgent":
                add("urgency", "urgent", phrase)
    return {t: {k: v for k, v in sorted(labels.items())} for t, labels in out.items()}


def nlu_yaml(labels: dict[str, list[str]]) -> str:
    """Rasa 3.1 training-data YAML, one `intent` item per label, examples as a block string."""
    lines = ['version: "3.1"', "", "nlu:"]
    for label, texts in labels.items():
        lines += [f"- intent: {label}", "  examples: |"]
        lines += [f"    - {t}" for t in texts]
    return "\n".join(lines) + "\n"


def export(data_path: str | Path, out_dir: str | Path, epochs: int = 100,
           with_synonyms: bool = True) -> dict[str, dict]:
    """Write <out_dir>/<task>/{data/nlu.yml,config.yml}; {task: {dir, hash, labels, examples}}.

    The hash covers the exported data and the config, so a trained model can be reused
    exactly when both are unchanged.
    """
    from nlu.training_data import load_training_data

    tasks = task_examples(load_training_data(data_path), with_synonyms)
    config = yaml.safe_dump(rasa_config(epochs), allow_unicode=True, sort_keys=False)
    info = {}
    for task, labels in tasks.items():
        d = Path(out_dir) / task
        (d / "data").mkdir(parents=True, exist_ok=True)
        text = nlu_yaml(labels)
        (d / "data" / "nlu.yml").write_text(text, encoding="utf-8")
        (d / "config.yml").write_text(config, encoding="utf-8")
        digest = hashlib.sha256(json.dumps([task, text, config]).encode()).hexdigest()[:16]
        info[task] = {"dir": str(d), "hash": digest, "labels": len(labels),
                      "examples": sum(len(v) for v in labels.values())}
    return info
