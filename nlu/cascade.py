"""The cascade: skip the sentence encoder when the cheap stacks are sure.

The encoder is nearly all of a parse's time (about 1.4 ms a token on one thread). Each
task's stack has a cheap twin (`Stack.cheap`: the meta-model over [log pA, rules], no
embedding). When the cheap stacks are confident about intent, category AND danger, the
parser answers with them and never embeds the message.

The thresholds are chosen at training time on out-of-fold probabilities of both the full
and the cheap stacks (the same fold split), so that:

- danger: a message that fires a danger rule (the urgency rules, the word list, a call for
  help) or is longer than the tail window always runs the full model; otherwise a cheap
  "confident no" is at most NO_MARGIN times the lowest cheap probability of any other
  urgent example (out of fold it never hid an urgent example) and at most NO_MARGIN times
  the band's `low` (a cheap probability near the band runs the full model); there is no
  cheap "yes";
- together with the intent and category thresholds, the "confident no" that skips most
  examples while the cascade's decisions (intent, category and the danger verdict: a
  message the full stack would ask about counts as a disagreement) agree with the full
  stack's on at least AGREEMENT of the training examples.

"""
from __future__ import annotations

import numpy as np

AGREEMENT = 0.99
NO_MARGIN = 0.5
GRID = np.round(np.arange(0.50, 1.0001, 0.02), 2)
NO_STEPS = np.array([1.0, 0.75, 0.5, 0.25, 0.1])  # fractions of the highest "confident no" tried


def choose(int_full: np.ndarray, int_cheap: np.ndarray, cat_rows: np.ndarray, cat_full: np.ndarray,
           cat_cheap: np.ndarray, urgent: np.ndarray, urg_full: np.ndarray, urg_cheap: np.ndarray,
           forced: np.ndarray, low: float, agreement: float = AGREEMENT) -> dict:
    """Thresholds and their out-of-fold figures.

    int_*: (n, intents) probabilities; cat_rows: indices (into n) of the category-labelled
    examples, cat_*: their (m, categories) probabilities; urgent: gold (n,) booleans;
    urg_*: (n,) probabilities of "urgent"; forced: (n,) a danger rule fired or the text is
    long (the full model runs whatever the cheap stacks say)."""
    n = len(urgent)
    hideable = urgent & ~forced
    no_max = NO_MARGIN * min(float(urg_cheap[hideable].min()) if hideable.any() else low, low)
    int_conf = int_cheap.max(1)
    cat_conf = np.ones(n)
    cat_conf[cat_rows] = cat_cheap.max(1)
    agree = (int_cheap.argmax(1) == int_full.argmax(1)) & (urg_full < low)  # the danger verdict too
    cat_agree = np.ones(n, dtype=bool)
    cat_agree[cat_rows] = cat_cheap.argmax(1) == cat_full.argmax(1)
    agree &= cat_agree
    best = (0, 1.01, 1.01, 0.0, 0)
    for t_no in no_max * NO_STEPS:
        ok_u = (urg_cheap < t_no) & ~forced
        for ti in GRID:
            ok_i = ok_u & (int_conf >= ti)
            for tc in GRID:
                skip = ok_i & (cat_conf >= tc)
                differ = int((skip & ~agree).sum())
                if differ <= (1 - agreement) * n and skip.sum() > best[0]:
                    best = (int(skip.sum()), float(ti), float(tc), float(t_no), differ)
    skipped, t_int, t_cat, t_no, differ = best
    skip = (urg_cheap < t_no) & ~forced & (int_conf >= t_int) & (cat_conf >= t_cat)
    return {"intent": t_int, "category": t_cat, "urgency_no": float(np.floor(t_no * 1e7) / 1e7),  # rounded down
            "oof_examples": n, "oof_skipped": skipped, "oof_disagree": differ,
            "oof_urgent_skipped": int((skip & urgent).sum()),
            "oof_near_band_skipped": int((skip & (urg_full >= low)).sum())}


def confident(thresholds: dict | None, p_intent: np.ndarray, p_category: np.ndarray | None,
              p_urgent: float, danger_rule: bool) -> bool:
    """Serving: may the cheap stacks answer? (p_category None: no category is given.)"""
    if not thresholds or danger_rule:
        return False
    if p_urgent >= float(thresholds["urgency_no"]) or float(p_intent.max()) < float(thresholds["intent"]):
        return False
    return p_category is None or float(p_category.max()) >= float(thresholds["category"])
