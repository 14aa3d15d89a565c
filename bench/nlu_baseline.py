"""What each part of the NLU buys: a plain baseline and ablations on the held-out files.

    PYTHONPATH=. python bench/nlu_baseline.py

baseline   bag of characters (raw text, unigrams, counts) + logistic regression; urgency and
           category by exact substring match of nlu.yml's synonyms on the raw text
no-norm    our features and rules, but without normalisation (raw text in)
+words     our pipeline plus jieba word features (off by default)
no-rules   our pipeline, category only from the category model, urgency only from synonyms
full       the shipped pipeline
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlu import DEFAULT_DATA, categories, load_parser
from nlu import parser as parser_mod
from nlu import urgency as urgency_rules
from nlu.evaluate import evaluate
from nlu.training_data import load_training_data

FILES = [ROOT / "nlu" / "data" / "test.yml", ROOT / "nlu" / "data" / "test_blind.yml"]


class Baseline:
    def __init__(self):
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.linear_model import LogisticRegression

        data = load_training_data(DEFAULT_DATA)
        self.vec = CountVectorizer(analyzer="char", ngram_range=(1, 1))
        x = self.vec.fit_transform([e.text for e in data.examples])
        self.clf = LogisticRegression(max_iter=2000).fit(x, [e.intent for e in data.examples])
        self.syn = data.synonyms
        self.meta = {"synonyms": data.synonyms}

    def parse(self, text):
        p = self.clf.predict_proba(self.vec.transform([text]))[0]
        i = int(p.argmax())
        ents = []
        for phrase, value in sorted(self.syn.items(), key=lambda kv: -len(kv[0])):
            k = text.find(phrase)
            if k >= 0 and value in parser_mod.CATEGORIES and not any(e["entity"] == "category" for e in ents):
                ents.append({"entity": "category", "value": value, "start": k, "end": k + len(phrase)})
            if k >= 0 and value == "urgent" and not any(e["entity"] == "urgency" for e in ents):
                ents.append({"entity": "urgency", "value": "urgent", "start": k, "end": k + len(phrase)})
        return {"text": text, "intent": {"name": self.clf.classes_[i], "confidence": float(p[i])},
                "intent_ranking": [], "entities": ents}


class NoNorm:
    def __init__(self, inner):
        self.inner, self.meta = inner, inner.meta

    def parse(self, text):
        import nlu.parser as pm
        from nlu.normalize import Normalized

        saved = pm.normalize
        pm.normalize = lambda t: Normalized(t, t, tuple(range(len(t) + 1)))
        try:
            return self.inner.parse(text)
        finally:
            pm.normalize = saved


def row(name, p):
    cells = []
    for f in FILES:
        r = evaluate(p, f, p.meta["synonyms"])
        cells.append(f"{r['intent_accuracy']:.3f} {r['macro']['f1']:.3f} {r['urgent_recall']:.3f} "
                     f"{r['urgent_false_alarm_rate']:.3f} {r['category_accuracy']:.3f}")
    print(f"{name:10} | " + " | ".join(cells))


def main() -> None:
    print("columns per file: intent-acc macro-F1 urgent-recall false-alarms category-acc")
    print(f"{'':10} | {'test.yml (345, seen while revising rules)':38} | test_blind.yml (64, blind)")
    with tempfile.TemporaryDirectory() as tmp:
        row("baseline", Baseline())
        full = load_parser({}, Path(tmp) / "full")
        row("no-norm", NoNorm(load_parser({}, Path(tmp) / "full")))
        row("+words", load_parser({"pipeline": {"words": True}}, Path(tmp) / "words"))
        saved_cat, saved_urg = categories._CAT, (urgency_rules._STRONG, urgency_rules._CONTEXT)
        categories._CAT, urgency_rules._STRONG, urgency_rules._CONTEXT = [], [], []
        try:
            row("no-rules", load_parser({}, Path(tmp) / "full"))
        finally:
            categories._CAT, (urgency_rules._STRONG, urgency_rules._CONTEXT) = saved_cat, saved_urg
        row("full", full)


if __name__ == "__main__":
    main()
