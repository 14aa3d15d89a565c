"""Fears and hypotheticals about a hazard are not events.

"俺怕他掉河里", "担心她万一去水库边玩", "会不会让人贩子拐了", "要是着火了咋办": the hazard
is what the speaker fears, not what happened. The category and urgency rules (and the
engine's word list) must not read it as a drowning, a fire or an abduction; the child
missing now stays a missing child ("俺孙子找不着了 俺怕他掉河里" is `child_missing`, and
urgent for being missing, not for the river).

`mask` blanks out such a fear clause (a fear word, then a hazard before the clause ends)
with spaces of the same length, so rule spans keep their offsets. Only the rules read the
masked text; the two base models see the whole message and learn fears from examples.
Text is already normalised (`nlu.normalize`): Simplified, half-width.
"""
from __future__ import annotations

import re

from .hazards import ELECTRIC, FIRE, HEIGHT_FALL, POISON, TRAFFIC, WATER, WATER_FALL, WATER_SWEPT

# A fear or a supposition: 怕 / 害怕 / 担心 / 就怕 / 生怕 / 万一 / 会不会 / 要是 / 如果 / 假如.
# Not 怕是 / 恐怕 / 是不是 (a suspicion that it happened: "是不是掉河里了" stays a danger),
# not 不怕, not 哪怕.
FEAR = r"(?:(?<![不哪恐])怕(?!是|冷|热|黑|生|羞|疼|痛)|担心|担忧|万一|会不会|要是|如果|假如)"
# Hazards a fear is about (accidents and abduction); violence is left alone: "怕他爸又打他"
# tells of a violent home, it is not a hypothetical accident.
_ABDUCT = r"拐|人贩子|被(?:人)?(?:带走|抱走|骗走|拉走)|让人(?:带走|抱走|骗走|拐)"
_WATER_AT = r"(?:去|跑|到|在)\S{0,3}" + WATER + r"\S{0,4}(?:边|里|玩|游泳|洗澡)"
HAZARD = "|".join(f"(?:{p})" for p in (WATER_FALL, WATER_SWEPT, FIRE, ELECTRIC, HEIGHT_FALL, TRAFFIC, POISON,
                                      _ABDUCT, _WATER_AT))
# A clause: up to the next punctuation or space, at most 24 characters after the fear word.
_CLAUSE_END = r"[^\s,.;:!?，。；：！？、]"
FEAR_CLAUSE = re.compile(FEAR + _CLAUSE_END + r"{0,24}")
_HAZARD = re.compile(HAZARD)


def fear_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each fear clause in `text` that names a hazard."""
    spans = []
    for m in FEAR_CLAUSE.finditer(text):
        if _HAZARD.search(m.group()):
            spans.append((m.start(), m.end()))
    return spans


def mask(text: str) -> str:
    """`text` with every fear clause about a hazard blanked out (same length)."""
    spans = fear_spans(text)
    if not spans:
        return text
    out = list(text)
    for start, end in spans:
        out[start:end] = " " * (end - start)
    return "".join(out)


def only_fears(text: str) -> bool:
    """True when hazards are named only inside fears: the masked text names none."""
    return bool(fear_spans(text)) and not _HAZARD.search(mask(text))


def drop_feared_injury(text: str, classes: list[str], probs):
    """The category probabilities of a message whose hazards are all feared: an injury needs
    an event, so `injury_or_harm` gives way to the next category (renormalised). Other
    messages come back unchanged."""
    if "injury_or_harm" not in classes or not only_fears(text):
        return probs
    out = probs.copy()
    out[classes.index("injury_or_harm")] = 0.0
    total = out.sum()
    return out / total if total > 0 else probs
