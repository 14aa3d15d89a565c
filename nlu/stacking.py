"""Calibrated stacking: two base models and the rules, combined by a logistic meta-model.

For each task (intent, category, urgency):

    base A  character n-gram TF-IDF + logistic regression (`pipeline.LinearModel`)
    base B  multilingual-e5-small sentence embedding + logistic regression
    rules   signals from nlu/danger.py, urgency.py, guards.py and categories.py (`signals`)
    meta    multinomial logistic regression over [log pA, log pB, rules]

The meta-model is trained on *out-of-fold* base probabilities (4-fold, stratified): what the
base models say about sentences they did not see, as at serving time. A second
cross-validation of the meta-model on those features gives out-of-fold final probabilities,
used to measure calibration (Brier score, expected calibration error) and to choose the
urgency thresholds (`choose_band`). Training needs scikit-learn; serving is numpy only.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FOLDS = 4
# Models fitted inside the folds only estimate what the final one would say: fewer iterations.
FOLD_ITER = 300
LOG_FLOOR = 1e-4  # log-probabilities below log(1e-4) say nothing more
# Passed instead of an embedding when the parser skips the encoder for small talk it is sure of.
FROM_CHAR = "from-char"
# Passed instead of an embedding when the cascade (nlu/cascade.py) skips the encoder: the
# cheap meta-model over [log pA, rules] answers, trained for it (not base A standing in).
CHEAP = "cheap"
REPEAT_SEED = 7919  # seeds of the repeated fold splits: 0, 7919, 15838 ...


def n_folds(labels: list[str]) -> int:
    """FOLDS, or fewer when the rarest class has fewer examples (small data files)."""
    from collections import Counter

    return max(2, min(FOLDS, min(Counter(labels).values())))


def can_stack(labels: list[str]) -> bool:
    """Two classes or more, each with at least two examples."""
    from collections import Counter

    counts = Counter(labels)
    return len(counts) >= 2 and min(counts.values()) >= 2


@dataclass
class Softmax:
    """A linear softmax layer exported from scikit-learn (binary models as two classes)."""
    classes: list[str]
    coef_t: np.ndarray  # (inputs, classes)
    intercept: np.ndarray

    def predict(self, x: np.ndarray) -> np.ndarray:
        s = x @ self.coef_t + self.intercept
        s = s - s.max()
        p = np.exp(s)
        return p / p.sum()


def export(clf) -> Softmax:
    coef, intercept = clf.coef_, clf.intercept_
    if len(clf.classes_) == 2:
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return Softmax(list(clf.classes_), np.ascontiguousarray(coef.T, dtype=np.float64),
                   np.asarray(intercept, dtype=np.float64))


def meta_input(p_char: np.ndarray, p_e5: np.ndarray | None, rules: np.ndarray) -> np.ndarray:
    parts = [np.log(np.clip(p_char, LOG_FLOOR, 1.0))]
    if p_e5 is not None:
        parts.append(np.log(np.clip(p_e5, LOG_FLOOR, 1.0)))
    parts.append(rules)
    return np.concatenate(parts, axis=-1)


@dataclass
class Stack:
    """Serving side of one task: base A (numpy LinearModel), base B and the meta layer."""
    char: object  # pipeline.LinearModel
    e5: Softmax | None
    meta: Softmax
    cheap: Softmax | None = None  # meta over [log pA, rules]: the cascade's encoder-free stack

    @property
    def classes(self) -> list[str]:
        return self.meta.classes

    def predict(self, feats: list[str], emb, rules: np.ndarray) -> np.ndarray:
        """`emb`: the sentence embedding, None (no encoder: a neutral base B) or FROM_CHAR
        (the encoder was skipped on purpose: base A stands in for base B) or CHEAP (the
        cascade skipped it: the cheap meta-model answers)."""
        pa = _align(self.char.predict(feats), self.char.classes, self.classes)
        if emb is CHEAP or (isinstance(emb, str) and emb == CHEAP):
            return self.predict_cheap(feats, rules, pa)
        pb = None
        if self.e5 is not None and isinstance(emb, str):
            pb = pa
        elif self.e5 is not None and emb is not None:
            pb = _align(self.e5.predict(emb), self.e5.classes, self.classes)
        elif self.e5 is not None:  # no encoder at serving time: a neutral base B
            pb = np.full(len(self.classes), 1.0 / len(self.classes))
        return self.meta.predict(meta_input(pa, pb, rules))


    def predict_cheap(self, feats: list[str], rules: np.ndarray, pa: np.ndarray | None = None) -> np.ndarray:
        """The encoder-free stack (`cheap`), in the full stack's class order."""
        if self.cheap is None:
            raise ValueError("this artefact has no cheap stack")
        if pa is None:
            pa = _align(self.char.predict(feats), self.char.classes, self.classes)
        pa = _align(pa, self.classes, self.cheap.classes)
        return _align(self.cheap.predict(meta_input(pa, None, rules)), self.cheap.classes, self.classes)


def _align(p: np.ndarray, have: list[str], want: list[str]) -> np.ndarray:
    if have == want:
        return p
    idx = {c: i for i, c in enumerate(have)}
    return np.array([p[idx[c]] if c in idx else 0.0 for c in want])


def fit_stack(docs: list[list[str]], labels: list[str], emb: np.ndarray | None, rules: np.ndarray,
              fit_char, c_e5: float = 10.0, c_meta: float = 1.0, repeats: int = 1,
              seed: int = 0, meta_weight: str | None = None) -> tuple[dict, dict]:
    """Train one task on feature lists `docs` (one per example, from `pipeline.Featurizer`).
    `fit_char(docs, labels)` returns a LinearModel (base A).

    Returns (parts, report): parts = char, e5 (Softmax or None), meta (Softmax);
    report = out-of-fold figures and the out-of-fold final probabilities.
    `seed` offsets every fold split (0: the historical splits; bench/blind_pool.py --seeds).
    `meta_weight`: class_weight of the meta-models ("balanced": each class counts the same).
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)  # a class with fewer members than folds
        return _fit_stack(docs, labels, emb, rules, fit_char, c_e5, c_meta, repeats, seed, meta_weight)


def oof_base(docs, y, classes, emb, fit_char, c_e5, seed: int = 0):
    """Out-of-fold base probabilities (A, and B when there are embeddings) for one fold split."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    n, k = len(docs), len(classes)
    oof_a = np.zeros((n, k))
    oof_b = np.zeros((n, k)) if emb is not None else None
    folds = StratifiedKFold(n_folds(list(y)), shuffle=True, random_state=seed)
    for tr, va in folds.split(np.zeros(n), y):
        a = fit_char([docs[i] for i in tr], list(y[tr]), FOLD_ITER)
        oof_a[va] = np.stack([_align(a.predict(docs[i]), a.classes, classes) for i in va])
        if emb is not None:
            b = LogisticRegression(C=c_e5, max_iter=FOLD_ITER).fit(emb[tr], y[tr])
            oof_b[va] = np.stack([_align(p, list(b.classes_), classes) for p in b.predict_proba(emb[va])])
    return oof_a, oof_b


def _fit_stack(docs, labels, emb, rules, fit_char, c_e5, c_meta, repeats=1, seed=0, meta_weight=None):
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(labels)
    classes = sorted(set(labels))
    oof_a, oof_b = oof_base(docs, y, classes, emb, fit_char, c_e5, seed=seed)
    x_meta = meta_input(oof_a, oof_b, rules)
    meta_clf = LogisticRegression(C=c_meta, max_iter=1000, class_weight=meta_weight).fit(x_meta, y)
    char = fit_char(docs, labels)
    e5 = export(LogisticRegression(C=c_e5, max_iter=1000).fit(emb, y)) if emb is not None else None
    x_cheap = meta_input(oof_a, None, rules)  # the cascade's encoder-free meta-model
    cheap = export(LogisticRegression(C=c_meta, max_iter=1000, class_weight=meta_weight).fit(x_cheap, y))
    parts = {"char": char, "e5": e5, "meta": export(meta_clf), "cheap": cheap}
    report = _oof_report(x_meta, y, classes, oof_a, oof_b, c_meta, seed, meta_weight)
    # out of fold on the same split as the full stack's `_p`: what the cascade is judged on
    report["_p_cheap"] = oof_final(x_cheap, y, c_meta, seed=seed + 1, class_weight=meta_weight)
    if repeats > 1:  # repeated cross-validation: average the final probabilities over fold splits
        ps = [report["_p"]]
        for r in range(1, repeats):
            a, b = oof_base(docs, y, classes, emb, fit_char, c_e5, seed=REPEAT_SEED * r + seed)
            ps.append(oof_final(meta_input(a, b, rules), y, c_meta, seed=REPEAT_SEED * r + seed + 1,
                                class_weight=meta_weight))
        report["_p"] = np.mean(ps, axis=0)
        report["repeats"] = repeats
    return parts, report


def oof_final(x_meta, y, c_meta, seed: int = 1, class_weight: str | None = None) -> np.ndarray:
    """Out-of-fold final probabilities: a cross-validation of the meta-model on its inputs."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    folds = StratifiedKFold(n_folds(list(y)), shuffle=True, random_state=seed)
    return cross_val_predict(LogisticRegression(C=c_meta, max_iter=1000, class_weight=class_weight), x_meta, y, cv=folds,
                             method="predict_proba")


def _oof_report(x_meta, y, classes, oof_a, oof_b, c_meta, seed: int = 0, meta_weight=None) -> dict:
    """Out-of-fold accuracy of each base model and of the stack, with calibration figures."""
    p_final = oof_final(x_meta, y, c_meta, seed=seed + 1, class_weight=meta_weight)
    cls = np.array(classes)
    onehot = (y[:, None] == cls[None, :]).astype(float)
    conf = p_final.max(axis=1)
    hit = cls[p_final.argmax(axis=1)] == y
    bins = np.minimum((conf * 10).astype(int), 9)
    ece = sum(abs(hit[bins == b].mean() - conf[bins == b].mean()) * (bins == b).mean()
              for b in range(10) if (bins == b).any())
    rep = {"n": len(y), "accuracy_char": float((cls[oof_a.argmax(1)] == y).mean()),
           "accuracy_stack": float(hit.mean()), "brier": float(((p_final - onehot) ** 2).sum(1).mean()),
           "ece": float(ece)}
    # reliability: per 0.1 bin of the top probability, [bin start, examples, accuracy, mean confidence]
    rep["reliability"] = [[b / 10, int((bins == b).sum()), round(float(hit[bins == b].mean()), 3),
                           round(float(conf[bins == b].mean()), 3)] for b in range(10) if (bins == b).any()]
    if oof_b is not None:
        rep["accuracy_e5"] = float((cls[oof_b.argmax(1)] == y).mean())
    rep["_p"] = p_final
    return rep


# The danger band's low edge: never below LOW_FLOOR (asking about every calm message is no
# answer either) and never above LOW_CAP. The cap is the recall guard: the 1 % quantile of
# some 220 out-of-fold urgent examples rests on two or three of them, and a retrain moved it
# from 0.03 to 0.067 and lost emergencies (docs/nlu.md, revision 10). Below 0.04 at most
# about one calm message in five is asked on the development files; a missed emergency is
# worse than one more 孩子现在有危险吗？.
LOW_FLOOR, LOW_CAP = 0.02, 0.04


def hd_quantile(x: np.ndarray, q: float) -> float:
    """Harrell-Davis quantile: a weighted mean of all order statistics (Beta weights), so
    the estimate does not jump when one example at the edge comes or goes."""
    from scipy.stats import beta

    x = np.sort(np.asarray(x, dtype=float))
    n = len(x)
    a, b = (n + 1) * q, (n + 1) * (1 - q)
    w = np.diff(beta.cdf(np.arange(n + 1) / n, a, b))
    return float(w @ x)


def choose_band(p_urgent: np.ndarray, gold: np.ndarray, recall: float = 0.99,
                false_alarms: float = 0.02) -> tuple[float, float]:
    """Urgency thresholds from out-of-fold probabilities (averaged over repeated fold splits
    at training time).

    low: the `1 - recall` quantile of the urgent examples' probabilities (Harrell-Davis,
    smoothed), kept within [LOW_FLOOR, LOW_CAP]: below `low` the decision is a confident "no".
    high: the `1 - false_alarms` quantile of the calm examples' probabilities: at or above
    it a confident "yes". Between the two the conversation asks.
    """
    pos = np.asarray(p_urgent)[gold]
    neg = np.asarray(p_urgent)[~gold]
    low = hd_quantile(pos, 1 - recall) if len(pos) else 0.5
    high = hd_quantile(neg, 1 - false_alarms) if len(neg) else 0.5
    low = min(max(low, LOW_FLOOR), LOW_CAP)
    high = min(max(high, 0.5, low + 0.05), 0.98)
    return round(low, 4), round(high, 4)
