"""`Parser`: text in, a Rasa-format parse result out. Never raises on any string."""
from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import numpy as np

from . import cascade, encoder, fears, guards, roles, signals
from .match import Match
from .normalize import Normalized, normalize
from .pipeline import Featurizer, load_model_dir, softmax_ranking
from .simple_entities import simple_entities
from .stacking import CHEAP, FROM_CHAR, Stack

log = logging.getLogger(__name__)

DEMO_GAZETTEER = {
    "township": {"红星镇": ["红星乡"], "青山镇": [], "柳河乡": []},
    "village": {"东风村": [], "向阳村": [], "石桥村": [], "白沙村": [], "李家村": [], "王庄村": []},
}
FALLBACK_INTENT = "out_of_scope"
# The `urgency` entity is given at a calibrated probability of one half; the engine's danger
# decision (nlu/danger.py) reads the probability itself, with the artefact's band.
URGENT_ENTITY_MIN = 0.5
DEFAULT_BAND = {"low": 0.2, "high": 0.8}
# After an encoder error the parser goes on without it for this long, then tries again: one
# failed call must not change every later prediction of the process (a missing package does).
ENCODER_RETRY_SECONDS = 30.0
# A message longer than the encoder's window (nlu/encoder.py MAX_CHARS) is also scored for
# urgency on its last window (the encoder embeds the end of it, `encoder.clip`): danger told at
# the end of a long ramble. Two embeddings at most, so the cost stays bounded; the rules read every sentence
# (nlu/guards.py `sentences`).
TAIL_CHARS = 160
# Short small talk the intent stack is sure of without the encoder skips it; base A then
# stands in for base B (stacking.FROM_CHAR). Measured in docs/nlu.md.
SMALL_TALK = frozenset({"greet", "goodbye", "thanks", "affirm", "deny", "cancel", "help"})
SMALL_TALK_CHARS = 12
SMALL_TALK_CONFIDENCE = 0.9


def empty_result(text: str, name: str = FALLBACK_INTENT) -> dict:
    return {"text": text, "intent": {"name": name, "confidence": 0.0},
            "intent_ranking": [{"name": name, "confidence": 0.0}], "entities": []}


def _demote_report(ranking: list[dict], to: str = FALLBACK_INTENT) -> list[dict]:
    """A "report" about adults, animals or a story only (→ out_of_scope), or a question that
    describes the harm first (→ ask_policy): swap the two intents' confidences."""
    by = {r["name"]: r["confidence"] for r in ranking}
    if to not in by:
        return ranking
    by[to], by["report_case"] = by["report_case"], by[to]
    return sorted(({"name": n, "confidence": c} for n, c in by.items()), key=lambda r: -r["confidence"])


class Parser:
    """The embedded model plus rules. Thread-safe for parsing once constructed."""

    def __init__(self, meta: dict, stacks: dict[str, Stack | None],
                 min_confidence: float = 0.45, ambiguity_margin: float = 0.12,
                 gazetteer: dict | None = None, model_path: Path | None = None):
        self.meta, self.stacks = meta, stacks
        self.min_confidence, self.ambiguity_margin = float(min_confidence), float(ambiguity_margin)
        self.model_path = model_path
        self.band = {**DEFAULT_BAND, **(meta.get("urgency_band") or {})}
        self.featurize = Featurizer(meta.get("pipeline", {}))
        self._cat_syn, self._urg_syn = signals.rule_synonyms(meta.get("synonyms", {}))
        self._encoder = bool(meta.get("encoder"))
        self._encoder_paused_until = 0.0
        self._gaz: list[tuple[str, re.Pattern, dict[str, str]]] = []
        self.set_gazetteer(DEMO_GAZETTEER if gazetteer is None else gazetteer)

    @classmethod
    def from_dir(cls, path: str | Path, **kwargs) -> Parser:
        meta, stacks = load_model_dir(Path(path))
        return cls(meta, stacks, model_path=Path(path), **kwargs)

    # -- public API -------------------------------------------------------------------------
    def set_gazetteer(self, gazetteer: dict | None) -> None:
        """{"township": {canonical: [aliases]}, "village": {...}}; values are canonical names."""
        compiled = []
        words = []
        for entity in ("township", "village"):
            names: dict[str, str] = {}
            for canonical, aliases in ((gazetteer or {}).get(entity) or {}).items():
                if not isinstance(canonical, str) or not canonical.strip():
                    continue
                for name in [canonical, *(aliases or [])]:
                    if isinstance(name, str) and normalize(name).text:
                        names[normalize(name).text] = canonical
            if names:
                pat = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
                compiled.append((entity, pat, names))
                words.extend(names)
        self._gaz = compiled
        try:
            self.featurize.add_words(words)
        except Exception:  # jieba trouble must not break the gazetteer
            log.warning("could not add gazetteer words to jieba", exc_info=True)

    def is_uncertain(self, result: dict) -> bool:
        ranking = result.get("intent_ranking") or []
        conf = float((result.get("intent") or {}).get("confidence") or 0.0)
        if conf < self.min_confidence:
            return True
        if len(ranking) >= 2:
            return float(ranking[0]["confidence"]) - float(ranking[1]["confidence"]) < self.ambiguity_margin
        return False

    def parse(self, text: str) -> dict:
        original = text if isinstance(text, str) else ("" if text is None else str(text))
        try:
            return self._parse(original)
        except Exception:  # the contract: never raise, answer with a low-confidence result
            log.exception("NLU parse failed; returning a low-confidence result")
            return empty_result(original)

    # -- internals --------------------------------------------------------------------------
    def _embed(self, text: str) -> np.ndarray | None:
        if not self._encoder or time.monotonic() < self._encoder_paused_until:
            return None
        try:
            return encoder.embed(text)
        except ImportError:  # the package is not installed: it will not appear later
            log.warning("sentence encoder not installed; parsing without it")
            self._encoder = False
        except Exception:  # a transient failure: the stacks fall back to a neutral base B
            log.warning("sentence encoder failed; parsing without it for %.0f s", ENCODER_RETRY_SECONDS,
                        exc_info=True)
            self._encoder_paused_until = time.monotonic() + ENCODER_RETRY_SECONDS
        return None

    def _parse(self, original: str) -> dict:
        norm = normalize(original)
        t = norm.text
        if not re.search(r"[\w\u4e00-\u9fff]", t):
            return empty_result(original)
        feats = self.featurize(t)
        urg_sig = signals.urgency_signals(t, self._urg_syn)
        rule_cat = signals.rule_category(t, self._cat_syn)
        intent = self.stacks["intent"]
        int_sig = signals.intent_signals(t, rule_cat, urg_sig)
        emb, path = (FROM_CHAR, "small_talk") if self._small_talk(t, feats, int_sig, urg_sig) else (None, "")
        if emb is None and self._cheap_is_sure(t, feats, int_sig, urg_sig, rule_cat):
            emb, path = CHEAP, "cascade"
        if emb is None:
            emb = self._embed(t)
            path = "encoder" if emb is not None else "no_encoder"
        probs = intent.predict(feats, emb, int_sig)
        ranking = softmax_ranking(intent.classes, probs)
        # A report about adults, animals or a story only is out of scope. A report that also
        # asks (怎么办, 能报不, 补助 …) is left to the intent stack, which reads
        # `guards.asks_not_reports` as a signal: swapping it to ask_policy here read reports
        # that end by asking what to do as policy questions (docs/nlu.md, round 11).
        if ranking[0]["name"] == "report_case" and guards.not_about_a_child(t):
            ranking = _demote_report(ranking)
        # `debug` is outside the /model/parse contract: which path answered (docs/nlu.md)
        result = {"text": original, "intent": dict(ranking[0]), "intent_ranking": ranking,
                  "debug": {"path": path}}
        found: list[Match] = []
        cat = self._category(t, feats, emb, rule_cat, ranking[0]["name"])
        if cat is not None:
            result["category"], m = cat
            found.append(m)
        p_urgent = self._urgency(feats, emb, urg_sig)
        if len(t) > TAIL_CHARS:  # a long ramble: the urgency stack reads its last window too
            tail = t[-TAIL_CHARS:]
            tail_emb = self._embed(encoder.clip(t, from_end=True)) if isinstance(emb, np.ndarray) else emb
            p_urgent = max(p_urgent, self._urgency(self.featurize(tail), tail_emb,
                                                   signals.urgency_signals(tail, self._urg_syn)))
        result["urgency"] = {"name": "urgent", "confidence": round(p_urgent, 4), **self.band}
        if p_urgent >= URGENT_ENTITY_MIN:
            m = Match("urgency", "urgent", 0, len(t), "ShouhuStack")
            m.confidence = round(p_urgent, 4)
            found.append(m)
        result["entities"] = self._entities(norm, found)
        return result

    def _small_talk(self, t: str, feats, int_sig: np.ndarray, urg_sig: np.ndarray) -> bool:
        """A short greeting, thanks, yes, no or cancel that no rule reads as danger: the
        intent stack is sure of it without the encoder, which is then skipped (its cost is
        most of a parse)."""
        if len(t) > SMALL_TALK_CHARS or urg_sig[:4].any() or int_sig[0]:
            return False
        intent = self.stacks["intent"]
        p = intent.predict(feats, FROM_CHAR, int_sig)
        best = int(np.argmax(p))
        return intent.classes[best] in SMALL_TALK and float(p[best]) >= SMALL_TALK_CONFIDENCE

    def _cheap_is_sure(self, t: str, feats, int_sig: np.ndarray, urg_sig: np.ndarray, rule_cat) -> bool:
        """The cascade (nlu/cascade.py): are the encoder-free stacks sure of intent,
        category and danger? Then the encoder is skipped."""
        thresholds = self.meta.get("cascade")
        intent, cat, urg = self.stacks["intent"], self.stacks.get("category"), self.stacks.get("urgency")
        if not thresholds or len(t) > TAIL_CHARS or any(s is None or s.cheap is None for s in (intent, cat, urg)):
            return False
        p_int = intent.predict_cheap(feats, int_sig)
        p_cat = None
        if intent.classes[int(np.argmax(p_int))] == "report_case" or rule_cat is not None:
            p_cat = cat.predict_cheap(feats, signals.category_signals(rule_cat))
        p_urgent = float(urg.predict_cheap(feats, urg_sig)[urg.classes.index("urgent")])
        return cascade.confident(thresholds, p_int, p_cat, p_urgent, bool(urg_sig[:4].any()))

    def _category(self, t: str, feats, emb, rule_cat: Match | None, intent: str):
        """The whole message's category, with its probability, for a report (or when a
        category rule fires on another intent)."""
        stack = self.stacks.get("category")
        if stack is None or (intent != "report_case" and rule_cat is None):
            return None
        p = stack.predict(feats, emb, signals.category_signals(rule_cat))
        p = fears.drop_feared_injury(t, stack.classes, p)  # "怕他掉河里" is no injury
        order = np.argsort(-p)
        value, conf = stack.classes[int(order[0])], round(float(p[order[0]]), 4)
        if rule_cat is not None and rule_cat.value == value:
            m = Match("category", value, rule_cat.start, rule_cat.end, "ShouhuStack")
        else:
            m = Match("category", value, 0, len(t), "ShouhuStack")
        m.confidence = conf
        ranking = [{"name": stack.classes[int(i)], "confidence": round(float(p[i]), 4)} for i in order[:3]]
        return {"name": value, "confidence": conf, "ranking": ranking}, m

    def _urgency(self, feats, emb, urg_sig: np.ndarray) -> float:
        stack = self.stacks.get("urgency")
        if stack is None:
            return float(urg_sig[0])
        p = stack.predict(feats, emb, urg_sig)
        return float(p[stack.classes.index("urgent")])

    def _entities(self, norm: Normalized, found: list[Match]) -> list[dict]:
        t = norm.text
        role = roles.reporter_role(t)
        if role is not None:
            found.append(role)
        found.extend(simple_entities(t))
        for entity, pat, names in self._gaz:
            for m in pat.finditer(t):
                found.append(Match(entity, names[m.group()], m.start(), m.end(), "ShouhuGazetteer"))
        out = []
        for m in sorted(found, key=lambda m: (m.start, m.end)):
            start, end = norm.span(m.start, m.end)
            out.append({"entity": m.entity, "value": m.value, "start": start, "end": end,
                        "confidence": getattr(m, "confidence", 1.0), "extractor": m.extractor})
        return out
