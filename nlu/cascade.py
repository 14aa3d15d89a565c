"""The cascade: skip the sentence encoder when the cheap stacks are sure.

The encoder is nearly all of a parse's time (about 1.4 ms a token on one thread). Each
task's stack has a cheap twin (`Stack.cheap`: the meta-model over [log pA, rules], no
embedding). When the cheap stacks are confident about intent, category AND danger, the
parser answers with them and never embeds the message.

The thresholds are chosen at training time on out-of-fold probabilities of both the full
and the cheap stacks (the same fold split), so that:

- danger: a message that fires a danger rule (the urgency rules, the word list, a call for
  help) or is longer than the tail window always runs the full model; otherwise a cheap
  "confident no" only below the lowest cheap probability of any other example that is
  urgent or that the full stack puts in or above the danger band, times NO_MARGIN (out of
  fold it never hid an urgent example, and anything near the band runs the full model);
  there is no cheap "yes";
- intent and category: the pair of thresholds that skips most examples while the
  cascade's decisions (intent, category, danger verdict) agree with the full stack's on at
  least AGREEMENT of the training examples.

"""
from __future__ import annotations

import numpy as np

AGREEMENT = 0.99
NO_MARGIN = 0.5
GRID = np.round(np.arange(0.50, 1.0001, 0.01), 2)


def choose(int_full: np.ndarray, int_cheap: np.ndarray, cat_rows: np.ndarray, cat_full: np.ndarray,
           cat_cheap: np.ndarray, urgent: np.ndarray, urg_full: np.ndarray, urg_cheap: np.ndarray,
           forced: np.ndarray, low: float, agreement: float = AGREEMENT) -> dict:
    """Thresholds and their out-of-fold figures.

    int_*: (n, intents) probabilities; cat_rows: indices (into n) of the category-labelled
    examples, cat_*: their (m, categories) probabilities; urgent: gold (n,) booleans;
    urg_*: (n,) probabilities of "urgent"; forced: (n,) a danger rule fired or the text is
    long (the full model runs whatever the cheap stacks say)."""
    n = len(urgent)
    near = (urgent | (urg_full >= low)) & ~forced
    no_below = NO_MARGIN * min(float(urg_cheap[near].min()) if near.any() else low, low)
    danger_skip = (urg_cheap < no_below) & ~forced
    int_conf = int_cheap.max(1)
    int_agree = int_cheap.argmax(1) == int_full.argmax(1)
    cat_conf, cat_agree = np.ones(n), np.ones(n, dtype=bool)
    cat_conf[cat_rows] = cat_cheap.max(1)
    cat_agree[cat_rows] = cat_cheap.argmax(1) == cat_full.argmax(1)
    best = None
    for ti in GRID:
        ok_i = danger_skip & (int_conf >= ti)
        for tc in GRID:
            skip = ok_i & (cat_conf >= tc)
            differ = int((skip & ~(int_agree & cat_agree)).sum())
            if differ <= (1 - agreement) * n and (best is None or skip.sum() > best[0]):
                best = (int(skip.sum()), float(ti), float(tc), differ)
    skipped, t_int, t_cat, differ = best if best is not None else (0, 1.01, 1.01, 0)
    skip = danger_skip & (int_conf >= t_int) & (cat_conf >= t_cat)
    return {"intent": t_int, "category": t_cat, "urgency_no": round(no_below, 5),
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
