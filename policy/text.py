"""Shared text helpers: script conversion and normalisation for matching.

OpenCC converters are created lazily (they load dictionaries) and cached.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_CJK_RE = re.compile(f"[{CJK}]")


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text) if text else text


def is_traditional(text: str) -> bool:
    """True when converting to Simplified changes a noticeable share of the CJK characters."""
    cjk = _CJK_RE.findall(text)
    if not cjk:
        return False
    simp = to_simplified(text)
    changed = sum(1 for a, b in zip(text, simp) if a != b)
    return changed >= max(1, len(cjk) // 12)


def normalize(text: str) -> str:
    """Simplified script, half-width ASCII, lower case, single spaces: the matching form."""
    text = unicodedata.normalize("NFKC", to_simplified(text or ""))
    return re.sub(r"\s+", " ", text).strip().lower()


def cjk_count(text: str) -> int:
    return len(_CJK_RE.findall(text))


_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])")
SHORT_SENTENCE = 25  # a piece shorter than this ("（一）总体目标。") joins the next one


def sentences(text: str) -> list[str]:
    """The sentences of a passage, verbatim (line breaks dropped), a short piece joined
    with the sentence after it. The answerer embeds and quotes these same units."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(text.replace("\n", "")):
        if not piece.strip():
            continue
        if out and len(out[-1].strip()) < SHORT_SENTENCE:
            out[-1] += piece
        else:
            out.append(piece)
    return out
