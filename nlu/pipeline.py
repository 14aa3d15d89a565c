"""The embedded model: train with scikit-learn, serve with numpy only.

Intent, category (one label per report, for the whole message) and urgency (a child in
danger now) are each a calibrated stack (nlu/stacking.py): a character n-gram TF-IDF
logistic regression, a logistic regression over multilingual-e5-small sentence embeddings
(nlu/encoder.py) and the rules' signals (nlu/signals.py), combined by a logistic
meta-model trained on out-of-fold base probabilities. Training exports vocabularies, idf
weights and coefficients to a versioned artefact (`<model_dir>/<hash>/model.npz` +
`meta.json`, hash of data + pipeline config + format + encoder), so serving needs neither
scikit-learn nor pickle. Span entities (places, ages, phones, names, roles) come from rules,
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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .normalize import Normalized
from .stacking import Softmax, Stack
from .training_data import load_training_data

FORMAT = 6  # bump when features or the artefact layout change
DEFAULT_DATA = Path(__file__).parent / "data" / "nlu.yml"
DEFAULT_PIPELINE = {"char_ngrams": [1, 3], "words": False, "C": 20.0, "encoder": True,
                    "C_e5": 10.0, "C_meta": 1.0, "urgency_recall": 0.99, "urgency_false_alarms": 0.02,
                    "urgency_repeats": 3, "cascade": True,
                    "category_meta_weight": "balanced"}
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


def _identity(doc):
    return doc


def fit_char(docs: list[list[str]], labels: list[str], c: float, max_iter: int = 3000) -> LinearModel:
    """Base A: TF-IDF over precomputed feature lists + logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, norm="l2")
    x = vec.fit_transform(docs)
    clf = LogisticRegression(C=c, max_iter=max_iter)
    clf.fit(x, labels)
    coef, intercept = clf.coef_, clf.intercept_
    if len(clf.classes_) == 2:  # binary: sklearn keeps one row; make it a two-class softmax
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return LinearModel(list(clf.classes_), dict(vec.vocabulary_), vec.idf_.astype(np.float64),
                       np.ascontiguousarray(coef.T, dtype=np.float64), intercept.astype(np.float64))


def data_hash(data_path: Path, pipeline_cfg: dict) -> str:
    from .encoder import ENCODER, MAX_CHARS, NARROW

    h = hashlib.sha256()
    h.update(Path(data_path).read_bytes())
    h.update(json.dumps(pipeline_cfg, sort_keys=True).encode())
    window = f"{ENCODER}:{MAX_CHARS}:{NARROW}" if pipeline_cfg.get("encoder") else "-"
    h.update(f"format={FORMAT};encoder={window}".encode())
    return h.hexdigest()[:16]


def train(data_path: str | Path = DEFAULT_DATA, model_dir: str | Path = "nlu-models",
          pipeline_cfg: dict | None = None) -> Path:
    """Train on `data_path` and write the artefact; returns its folder (nlu/training.py)."""
    from .training import train_artefact

    cfg = {**DEFAULT_PIPELINE, **(pipeline_cfg or {})}
    data_path = Path(data_path)
    arrays, meta = train_artefact(load_training_data(data_path), cfg)
    meta.update(hash=data_hash(data_path, cfg), data_file=data_path.name)
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


def export_stack(prefix: str, parts: dict, arrays: dict, meta: dict) -> None:
    """Write one task's stack into the artefact's arrays and meta (numpy + JSON only)."""
    char, e5, top = parts["char"], parts["e5"], parts["meta"]
    arrays.update({f"{prefix}_idf": char.idf, f"{prefix}_coef_t": char.coef_t,
                   f"{prefix}_intercept": char.intercept,
                   f"{prefix}_meta_coef_t": top.coef_t, f"{prefix}_meta_intercept": top.intercept})
    meta[f"{prefix}_classes"] = char.classes
    meta[f"{prefix}_vocab"] = sorted(char.vocab, key=char.vocab.get)  # order = column index
    meta[f"{prefix}_meta_classes"] = top.classes
    if parts.get("cheap") is not None:
        arrays.update({f"{prefix}_cheap_coef_t": parts["cheap"].coef_t,
                       f"{prefix}_cheap_intercept": parts["cheap"].intercept})
        meta[f"{prefix}_cheap_classes"] = parts["cheap"].classes
    if e5 is not None:
        arrays.update({f"{prefix}_e5_coef_t": e5.coef_t, f"{prefix}_e5_intercept": e5.intercept})
        meta[f"{prefix}_e5_classes"] = e5.classes


def _stack(meta: dict, arrays, prefix: str) -> Stack | None:
    if f"{prefix}_classes" not in meta:
        return None
    vocab = {f: i for i, f in enumerate(meta[f"{prefix}_vocab"])}
    char = LinearModel(meta[f"{prefix}_classes"], vocab, arrays[f"{prefix}_idf"],
                       np.ascontiguousarray(arrays[f"{prefix}_coef_t"]), arrays[f"{prefix}_intercept"])
    e5 = None
    if f"{prefix}_e5_classes" in meta:
        e5 = Softmax(meta[f"{prefix}_e5_classes"], np.ascontiguousarray(arrays[f"{prefix}_e5_coef_t"]),
                     arrays[f"{prefix}_e5_intercept"])
    top = Softmax(meta[f"{prefix}_meta_classes"], np.ascontiguousarray(arrays[f"{prefix}_meta_coef_t"]),
                  arrays[f"{prefix}_meta_intercept"])
    cheap = None
    if f"{prefix}_cheap_classes" in meta:
        cheap = Softmax(meta[f"{prefix}_cheap_classes"], np.ascontiguousarray(arrays[f"{prefix}_cheap_coef_t"]),
                        arrays[f"{prefix}_cheap_intercept"])
    return Stack(char, e5, top, cheap)


def load_model_dir(path: Path) -> tuple[dict, dict[str, Stack | None]]:
    """meta.json and the three stacks: {"intent", "category", "urgency"}."""
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"model format {meta.get('format')} is not {FORMAT}")
    with np.load(path / "model.npz") as arrays:
        arrays = dict(arrays)
    return meta, {"intent": _stack(meta, arrays, "intent"), "category": _stack(meta, arrays, "cat"),
                  "urgency": _stack(meta, arrays, "urg")}


def ensure_model(model_dir: str | Path, data_path: str | Path = DEFAULT_DATA,
                 pipeline_cfg: dict | None = None) -> Path:
    """The artefact for the current data and config: load it, or train it if missing or stale."""
    cfg = {**DEFAULT_PIPELINE, **(pipeline_cfg or {})}
    digest = data_hash(Path(data_path), cfg)
    path = Path(model_dir) / digest
    if _complete(path):
        return path
    # SHOUHU_NLU_MODEL_CACHE: artefacts shared by every instance on this machine (the tests'
    # many instance folders train the same data once)
    shared = os.environ.get("SHOUHU_NLU_MODEL_CACHE")
    if shared and _complete(Path(shared) / digest):
        Path(model_dir).mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".copy-", dir=model_dir))
        shutil.copytree(Path(shared) / digest, tmp, dirs_exist_ok=True)
        os.replace(tmp, path) if not path.exists() else shutil.rmtree(tmp, ignore_errors=True)
        return path
    trained = train(data_path, model_dir, cfg)
    if shared:
        Path(shared).mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".copy-", dir=shared))
        shutil.copytree(trained, tmp, dirs_exist_ok=True)
        if _complete(Path(shared) / digest):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            os.replace(tmp, Path(shared) / digest)
    return trained


def _complete(path: Path) -> bool:
    if not ((path / "meta.json").exists() and (path / "model.npz").exists()):
        return False
    try:
        json.loads((path / "meta.json").read_text(encoding="utf-8"))
        return True
    except ValueError:
        return False

def softmax_ranking(classes: list[str], probs: np.ndarray, top: int = 10) -> list[dict]:
    order = np.argsort(-probs)[:top]
    return [{"name": classes[i], "confidence": round(float(probs[i]), 4)} for i in order
            if not math.isnan(probs[i])]


def map_span(norm: Normalized, start: int, end: int) -> tuple[int, int]:
    return norm.span(start, end)
