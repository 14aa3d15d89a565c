"""Training of the three stacks (intent, category, urgency) and the danger thresholds.

Needs scikit-learn and the encoder; serving (nlu/parser.py) needs neither scikit-learn nor
this module. The urgency band (`urgency_band`: below `low` a confident "no", at or above
`high` a confident "yes", in between the conversation asks) is chosen here on out-of-fold
probabilities, so it is never chosen on the sentences the model learnt from.
"""
from __future__ import annotations

import time

import numpy as np

from . import signals
from .normalize import normalize_text
from .pipeline import CATEGORIES, FORMAT, Featurizer, export_stack, fit_char
from .stacking import can_stack, choose_band, fit_stack
from .training_data import TrainingData


def _category_of(ex, synonyms: dict[str, str]) -> str | None:
    if ex.intent != "report_case":
        return None
    cats = [synonyms.get(e["value"], e["value"]) for e in ex.entities if e["entity"] == "category"]
    cats = [c for c in cats if c in CATEGORIES]
    return cats[0] if cats else None


def _embeddings(texts: list[str], cfg: dict) -> np.ndarray | None:
    if not cfg.get("encoder"):
        return None
    from .encoder import EmbeddingCache

    return EmbeddingCache(cfg.get("embedding_cache")).embed_all(texts)


def urgency_inputs(data: TrainingData, cfg: dict):
    """Normalised texts, base A feature lists, embeddings (or None) and urgency signals."""
    featurize = Featurizer(cfg)
    texts = [normalize_text(e.text) for e in data.examples]
    docs = [featurize(t) for t in texts]
    emb = _embeddings(texts, cfg)
    _, urg_syn = signals.rule_synonyms(data.synonyms)
    urg_sig = np.stack([signals.urgency_signals(t, urg_syn) for t in texts])
    return texts, docs, emb, urg_sig


def urgent_gold(data: TrainingData) -> np.ndarray:
    return np.array([any(e["entity"] == "urgency" for e in ex.entities) for ex in data.examples])


def train_artefact(data: TrainingData, cfg: dict) -> tuple[dict, dict]:
    """(arrays for model.npz, meta for meta.json) of the three stacks."""
    import sklearn

    started = time.perf_counter()
    texts, docs, emb, urg_sig = urgency_inputs(data, cfg)
    embed_s = time.perf_counter() - started
    cat_syn, _ = signals.rule_synonyms(data.synonyms)
    matches = [signals.rule_category(t, cat_syn) for t in texts]
    cat_sig = np.stack([signals.category_signals(m) for m in matches])
    int_sig = np.stack([signals.intent_signals(t, m, u) for t, m, u in zip(texts, matches, urg_sig, strict=True)])
    c, c_e5, c_meta = float(cfg["C"]), float(cfg["C_e5"]), float(cfg["C_meta"])
    seed = int(cfg.get("seed", 0))  # fold splits (bench/blind_pool.py --seeds)

    def char(d, y, max_iter=3000):
        return fit_char(d, y, c, max_iter)

    arrays: dict = {}
    meta: dict = {"format": FORMAT, "pipeline": cfg, "sklearn": sklearn.__version__,
                  "numpy": np.__version__, "examples": len(texts), "encoder": emb is not None,
                  "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "cv": {}}
    intents = [e.intent for e in data.examples]
    parts, rep = fit_stack(docs, intents, emb, int_sig, char, c_e5, c_meta, seed=seed)
    export_stack("intent", parts, arrays, meta)
    oof = {"intent": (rep["_p"], rep["_p_cheap"])}
    meta["cv"]["intent"] = _public(rep)

    labelled = [(i, cat) for i, ex in enumerate(data.examples) if (cat := _category_of(ex, data.synonyms))]
    idx = [i for i, _ in labelled]
    if can_stack([cat for _, cat in labelled]):
        parts, rep = fit_stack([docs[i] for i in idx], [cat for _, cat in labelled],
                               emb[idx] if emb is not None else None, cat_sig[idx], char, c_e5, c_meta,
                               seed=seed, meta_weight=cfg.get("category_meta_weight"))
        export_stack("cat", parts, arrays, meta)
        meta["cv"]["category"] = _public(rep)
        oof["category"] = (np.asarray(idx), rep["_p"], rep["_p_cheap"])

    gold = urgent_gold(data)
    if not can_stack(["urgent" if g else "no" for g in gold]):  # a small file: rules only
        meta["urgency_band"] = {"low": 0.2, "high": 0.8}
        return _finish(arrays, meta, data, embed_s, started)
    parts, rep = fit_stack(docs, ["urgent" if g else "no" for g in gold], emb, urg_sig, char, c_e5, c_meta,
                           repeats=int(cfg.get("urgency_repeats", 1)), seed=seed)
    export_stack("urg", parts, arrays, meta)
    p_urgent = rep["_p"][:, parts["meta"].classes.index("urgent")]
    low, high = choose_band(p_urgent, gold, float(cfg["urgency_recall"]), float(cfg["urgency_false_alarms"]))
    meta["urgency_band"] = {"low": low, "high": high}
    meta["cv"]["urgency"] = {**_public(rep), **_band_figures(p_urgent, gold, low, high)}
    if cfg.get("cascade") and emb is not None and "category" in oof:
        p_cheap = rep["_p_cheap"][:, parts["meta"].classes.index("urgent")]
        meta["cascade"] = _cascade(oof, gold, p_urgent, p_cheap, urg_sig, texts, low)
    return _finish(arrays, meta, data, embed_s, started)


def _cascade(oof: dict, gold, p_urgent, p_cheap, urg_sig, texts: list[str], low: float) -> dict:
    """The cascade's thresholds (nlu/cascade.py), out of fold."""
    from .cascade import choose
    from .parser import TAIL_CHARS

    forced = urg_sig[:, :4].any(axis=1) | np.array([len(t) > TAIL_CHARS for t in texts])
    rows, cat_full, cat_cheap = oof["category"]
    return choose(*oof["intent"], rows, cat_full, cat_cheap, gold, p_urgent, p_cheap, forced, low)


def _finish(arrays: dict, meta: dict, data: TrainingData, embed_s: float, started: float) -> tuple[dict, dict]:
    meta["synonyms"], meta["lookups"], meta["regexes"] = data.synonyms, data.lookups, data.regexes
    meta["embedding_seconds"] = round(embed_s, 3)
    meta["training_seconds"] = round(time.perf_counter() - started, 3)
    return arrays, meta


def _public(rep: dict) -> dict:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in rep.items() if not k.startswith("_")}


def _band_figures(p: np.ndarray, gold: np.ndarray, low: float, high: float) -> dict:
    """Out-of-fold: how the band splits urgent and calm examples (docs/nlu.md quotes these)."""
    pos, neg = p[gold], p[~gold]
    return {"urgent_confident": int((pos >= high).sum()), "urgent_asked": int(((pos >= low) & (pos < high)).sum()),
            "urgent_missed": int((pos < low).sum()), "calm_alarmed": int((neg >= high).sum()),
            "calm_asked": int(((neg >= low) & (neg < high)).sum()), "calm_quiet": int((neg < low).sum())}
