"""The embedded model: train with scikit-learn, serve with numpy only.

Intent (and, for reports without a category keyword, the category) come from a multinomial
logistic regression over TF-IDF features: character 1-3-grams of the normalised text plus
jieba words. Training exports the vocabulary, idf weights and coefficients to a versioned
artefact (`<model_dir>/<hash>/model.npz` + `meta.json`, hash of data + pipeline config +
format), so serving needs neither scikit-learn nor pickle and loads in milliseconds.
Entities come from rules (nlu/categories.py, urgency.py, roles.py, simple_entities.py),
the data's synonyms and lookups, and the runtime gazetteer of townships and villages.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .normalize import Normalized, normalize_text
from .training_data import TrainingData, load_training_data

FORMAT = 4  # bump when features or the artefact layout change
DEFAULT_DATA = Path(__file__).parent / "data" / "nlu.yml"
DEFAULT_PIPELINE = {"char_ngrams": [1, 3], "words": False, "C": 20.0, "category_model": True,
                    "urgency_model": True}
# A copy of core/categories.py CODES (nlu imports nothing of core); tests/foundation/
# test_categories.py holds the two equal.
CATEGORIES = ("child_alone", "child_missing", "guardian_unfit", "domestic_violence",
              "injury_or_harm", "dropout", "other")
DOMAIN_WORDS = ["留守", "留守儿童", "委托", "委托照护", "照护人", "被委托人", "监护人", "监护", "家暴", "家庭暴力", "辍学", "旷课", "失踪", "走丢", "转人工", "人工客服", "儿童主任", "强制报告", "网格员", "村干部", "班主任", "打工", "务工", "外出务工", "登记", "报备", "进度", "举报", "报案", "报告", "受理", "案件", "屋头", "伢子", "娃娃", "不见了", "没人管", "一个人住", "救命", "快来", "掉水里", "往死里打", "打孩子", "困境儿童", "政策", "规定", "法律", "犯法", "取消", "不报了", "真人", "变更", "更改", "修改", "换成", "改成", "续签", "注销"]
_DIGITS = re.compile(r"\d+")


def _classifier_text(norm: str) -> str:
    return _DIGITS.sub("0", norm)


class Featurizer:
    """Turns normalised text into feature strings (the same at training and serving time)."""

    def __init__(self, cfg: dict):
        lo, hi = cfg.get("char_ngrams", [1, 3])
        self.lo, self.hi, self.words = int(lo), int(hi), bool(cfg.get("words", True))
        self._jieba = None

    @property
    def tokenizer(self):
        if self._jieba is None:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            for w in DOMAIN_WORDS:
                tok.add_word(w, freq=20000)
            self._jieba = tok
        return self._jieba

    def add_words(self, words) -> None:
        if self.words:
            for w in words:
                self.tokenizer.add_word(w, freq=20000)

    def __call__(self, norm: str) -> list[str]:
        t = _classifier_text(norm)
        compact = t.replace(" ", "")
        padded = f"^{compact}$"
        feats = [padded[i:i + n] for n in range(self.lo, self.hi + 1) for i in range(len(padded) - n + 1)
                 if padded[i:i + n] not in ("^", "$")]
        if self.words and compact:
            feats += ["w:" + w for w in self.tokenizer.lcut(t, HMM=False) if w.strip()]
        return feats


@dataclass
class LinearModel:
    classes: list[str]
    vocab: dict[str, int]
    idf: np.ndarray
    coef_t: np.ndarray  # (features, classes)
    intercept: np.ndarray

    def predict(self, feats: list[str]) -> np.ndarray:
        counts: dict[int, int] = {}
        for f in feats:
            j = self.vocab.get(f)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            scores = self.intercept.copy()
        else:
            idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
            w = tf * self.idf[idx]
            w /= np.sqrt(w @ w)
            scores = w @ self.coef_t[idx] + self.intercept
        scores = scores - scores.max()
        p = np.exp(scores)
        return p / p.sum()


def _fit(texts: list[str], labels: list[str], featurize: Featurizer, c: float) -> LinearModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer=featurize, sublinear_tf=True, norm="l2")
    x = vec.fit_transform(texts)
    clf = LogisticRegression(C=c, max_iter=3000)
    clf.fit(x, labels)
    coef, intercept = clf.coef_, clf.intercept_
    if len(clf.classes_) == 2:  # binary: sklearn keeps one row; make it a two-class softmax
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return LinearModel(list(clf.classes_), dict(vec.vocabulary_), vec.idf_.astype(np.float64),
                       np.ascontiguousarray(coef.T, dtype=np.float64), intercept.astype(np.float64))


def _category_labels(data: TrainingData) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for ex in data.examples:
        if ex.intent != "report_case":
            continue
        cats = [data.synonyms.get(e["value"], e["value"]) for e in ex.entities if e["entity"] == "category"]
        cats = [c for c in cats if c in CATEGORIES]
        if cats:
            texts.append(normalize_text(ex.text))
            labels.append(cats[0])
    return texts, labels


def _urgency_labels(data: TrainingData) -> tuple[list[str], list[str]]:
    """Every example: `urgent` if it carries an urgency annotation, else `no` (the binary model)."""
    texts = [normalize_text(ex.text) for ex in data.examples]
    labels = ["urgent" if any(e["entity"] == "urgency" for e in ex.entities) else "no" for ex in data.examples]
    return texts, labels


def data_hash(data_path: Path, pipeline_cfg: dict) -> str:
    h = hashlib.sha256()
    h.update(Path(data_path).read_bytes())
    h.update(json.dumps(pipeline_cfg, sort_keys=True).encode())
    h.update(f"format={FORMAT}".encode())
    return h.hexdigest()[:16]


def train(data_path: str | Path = DEFAULT_DATA, model_dir: str | Path = "nlu-models",
          pipeline_cfg: dict | None = None) -> Path:
    """Train on `data_path` and write the artefact; returns its folder."""
    import sklearn

    cfg = {**DEFAULT_PIPELINE, **(pipeline_cfg or {})}
    data_path = Path(data_path)
    data = load_training_data(data_path)
    started = time.perf_counter()
    featurize = Featurizer(cfg)
    texts = [normalize_text(e.text) for e in data.examples]
    intent = _fit(texts, [e.intent for e in data.examples], featurize, float(cfg["C"]))
    arrays = {"intent_idf": intent.idf, "intent_coef_t": intent.coef_t, "intent_intercept": intent.intercept}
    meta = {"format": FORMAT, "hash": data_hash(data_path, cfg), "pipeline": cfg,
            "intent_classes": intent.classes, "intent_vocab": list(intent.vocab),
            "sklearn": sklearn.__version__, "numpy": np.__version__, "examples": len(texts),
            "data_file": data_path.name, "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    # vocab order must match the column index
    meta["intent_vocab"] = sorted(intent.vocab, key=intent.vocab.get)
    ctexts, clabels = _category_labels(data)
    if cfg.get("category_model") and len(set(clabels)) > 1:
        cat = _fit(ctexts, clabels, featurize, float(cfg["C"]))
        arrays.update(cat_idf=cat.idf, cat_coef_t=cat.coef_t, cat_intercept=cat.intercept)
        meta["cat_classes"] = cat.classes
        meta["cat_vocab"] = sorted(cat.vocab, key=cat.vocab.get)
    utexts, ulabels = _urgency_labels(data)
    if cfg.get("urgency_model") and len(set(ulabels)) > 1:
        urg = _fit(utexts, ulabels, featurize, float(cfg["C"]))
        arrays.update(urg_idf=urg.idf, urg_coef_t=urg.coef_t, urg_intercept=urg.intercept)
        meta["urg_classes"] = urg.classes
        meta["urg_vocab"] = sorted(urg.vocab, key=urg.vocab.get)
    meta["synonyms"] = data.synonyms
    meta["lookups"] = data.lookups
    meta["regexes"] = data.regexes
    meta["training_seconds"] = round(time.perf_counter() - started, 3)
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    final = model_dir / meta["hash"]
    tmp = Path(tempfile.mkdtemp(prefix=".train-", dir=model_dir))
    np.savez(tmp / "model.npz", **arrays)
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    if final.exists():
        shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)
    return final


def _model(meta: dict, arrays, prefix: str) -> LinearModel:
    vocab = {f: i for i, f in enumerate(meta[f"{prefix}_vocab"])}
    return LinearModel(meta[f"{prefix}_classes"], vocab, arrays[f"{prefix}_idf"],
                       np.ascontiguousarray(arrays[f"{prefix}_coef_t"]), arrays[f"{prefix}_intercept"])


def load_urgency_model(meta: dict, path: Path) -> LinearModel | None:
    if "urg_classes" not in meta:
        return None
    with np.load(path / "model.npz") as arrays:
        return _model(meta, dict(arrays), "urg")


def load_model_dir(path: Path) -> tuple[dict, LinearModel, LinearModel | None]:
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"model format {meta.get('format')} is not {FORMAT}")
    with np.load(path / "model.npz") as arrays:
        arrays = dict(arrays)
    intent = _model(meta, arrays, "intent")
    cat = _model(meta, arrays, "cat") if "cat_classes" in meta else None
    return meta, intent, cat


def ensure_model(model_dir: str | Path, data_path: str | Path = DEFAULT_DATA,
                 pipeline_cfg: dict | None = None) -> Path:
    """The artefact for the current data and config: load it, or train it if missing or stale."""
    cfg = {**DEFAULT_PIPELINE, **(pipeline_cfg or {})}
    path = Path(model_dir) / data_hash(Path(data_path), cfg)
    if (path / "meta.json").exists() and (path / "model.npz").exists():
        try:
            json.loads((path / "meta.json").read_text(encoding="utf-8"))
            return path
        except ValueError:
            pass
    return train(data_path, model_dir, cfg)


def softmax_ranking(classes: list[str], probs: np.ndarray, top: int = 10) -> list[dict]:
    order = np.argsort(-probs)[:top]
    return [{"name": classes[i], "confidence": round(float(probs[i]), 4)} for i in order
            if not math.isnan(probs[i])]


def map_span(norm: Normalized, start: int, end: int) -> tuple[int, int]:
    return norm.span(start, end)
