"""What the rules say about a message, as numbers: inputs of the stacked models.

Every signal reads text already normalised (`nlu.normalize`), at training and at serving
time alike, so the meta-model learns how much each rule is worth next to the two base
models instead of the rules overriding them.
"""
from __future__ import annotations

import re

import numpy as np

from . import categories, danger, fears, guards, urgency
from .normalize import normalize

CATEGORIES = ("child_alone", "child_missing", "guardian_unfit", "domestic_violence",
              "injury_or_harm", "dropout", "other")
_HELP = re.compile(guards.CALL_FOR_HELP)
URGENCY_SIGNALS = ("rule_urgent", "rule_blocked", "danger_words", "call_for_help",
                   "not_about_a_child", "asks_not_reports", "past", "question_words")


def rule_synonyms(synonyms: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Data synonyms of three characters or more extend the rules (short ones are too vague)."""
    cat = {normalize(k).text: v for k, v in synonyms.items() if v in CATEGORIES and len(k) >= 3}
    urg = [normalize(k).text for k, v in synonyms.items() if v == "urgent" and len(k) >= 3]
    return cat, urg


def calls_for_help(text: str) -> bool:
    return _HELP.search(text) is not None


def urgency_signals(text: str, urgent_synonyms: list[str] | None = None) -> np.ndarray:
    t = fears.mask(text[:2000])  # "怕他掉河里": a fear is no event (nlu/fears.py)
    return np.array([
        urgency.urgency_any(t, urgent_synonyms) is not None,
        urgency.urgency_blocked(t),
        danger.check(t) is not None,
        calls_for_help(t),
        guards.not_about_a_child(t),
        guards.asks_not_reports(t),
        guards.PAST.search(t) is not None and guards.SEVERE_NOW.search(t) is None,
        guards.HYPOTHETICAL.search(t) is not None,
    ], dtype=np.float64)


def rule_category(text: str, synonyms: dict[str, str] | None = None):
    """The rules' category match (a `Match`) or None."""
    return categories.best_category(fears.mask(text[:2000]), synonyms)


def category_signals(match) -> np.ndarray:
    """One-hot of the rules' category, plus one column for "no rule matched"."""
    out = np.zeros(len(CATEGORIES) + 1)
    out[CATEGORIES.index(match.value) if match is not None and match.value in CATEGORIES else -1] = 1.0
    return out


def intent_signals(text: str, match, urg: np.ndarray) -> np.ndarray:
    """For the intent meta-model: a category or danger rule fired, adults/animals/stories
    only, a question that describes a harm first."""
    return np.array([match is not None, urg[0], urg[2], urg[4], urg[5], urg[7]], dtype=np.float64)
