"""Messages typed in pinyin without characters ("laoshi wo ba he jiu le zai da wo").

A child on a borrowed phone, or with no Chinese input method, may type toneless pinyin.
Such a message is read back into characters with Pinyin2Hanzi (an input-method engine:
a phrase DAG and a character HMM, data shipped in the wheel, no download) so the rules and
the models read it like any other message. Both readings are kept, joined by "，": each
engine gets different words right ("巴赫救了" / "吧喝酒了"), and a danger word found in
either counts. Loaded on the first pinyin message only (about 0.5 s, 100 MB); without the
package a pinyin message is left as it is.
"""
from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

log = logging.getLogger(__name__)

# Only ASCII letters, spaces, apostrophes and ordinary punctuation; at least this many syllables.
MIN_SYLLABLES = 3
MAX_SYLLABLES = 80  # longer pinyin is cut: it bounds the cost of reading it
_ASCII_MESSAGE = re.compile(r"[a-z' ,.!?;:~\-]+")
_TOKEN = re.compile(r"[a-z]+")
_PUNCT = re.compile(r"[,.!?;:~]+")
_lock = threading.Lock()
_engines = None


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    try:
        from Pinyin2Hanzi import all_pinyin

        return frozenset(all_pinyin())
    except ImportError:
        return frozenset()


def split_syllables(word: str) -> list[str] | None:
    """"laoshi" -> ["lao", "shi"] (fewest syllables, so "xian" stays one); None when the
    word is not pinyin ("hello")."""
    known = _syllables()
    if not known:
        return None
    n = len(word)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - 6), end):
            prev = best[start]
            if prev is not None and word[start:end] in known:
                cand = prev + [word[start:end]]
                if best[end] is None or len(cand) < len(best[end]):
                    best[end] = cand
    return best[n]


def syllables(text: str) -> list[list[str]] | None:
    """Phrases of syllables (split at punctuation) when the whole message is pinyin, else None."""
    if not text or not _ASCII_MESSAGE.fullmatch(text):
        return None
    phrases: list[list[str]] = []
    count = 0
    for chunk in _PUNCT.split(text):
        phrase: list[str] = []
        for word in _TOKEN.findall(chunk.replace("'", " ")):
            parts = split_syllables(word)
            if parts is None:
                return None
            phrase.extend(parts)
        if phrase:
            phrases.append(phrase[:MAX_SYLLABLES - count])
            count += len(phrases[-1])
        if count >= MAX_SYLLABLES:
            break
    return phrases if count >= MIN_SYLLABLES else None


def _load():
    global _engines
    if _engines is None:
        with _lock:
            if _engines is None:
                from Pinyin2Hanzi import DefaultDagParams, DefaultHmmParams

                _engines = (DefaultDagParams(), DefaultHmmParams())
    return _engines


def _read(phrase: list[str]) -> tuple[str, str]:
    from Pinyin2Hanzi import dag, viterbi

    dag_params, hmm_params = _load()
    by_dag = dag(dag_params, phrase, path_num=1)
    by_hmm = viterbi(hmm_params, phrase, path_num=1)
    return ("".join(by_dag[0].path) if by_dag else "", "".join(by_hmm[0].path) if by_hmm else "")


@lru_cache(maxsize=256)
def to_hanzi(text: str) -> str | None:
    """Characters for a lower-case pinyin-only message, or None (not pinyin, or no engine)."""
    phrases = syllables(text)
    if phrases is None:
        return None
    try:
        readings = [_read(p) for p in phrases]
    except Exception:
        log.warning("pinyin reading failed", exc_info=True)
        return None
    # zai: the engines prefer 再 (again); in a message to a hotline it is far more often 在
    # (at, -ing: "zai da wo" 在打我)
    first = "，".join(a for a, _ in readings if a).replace("再", "在")
    second = "，".join(b for _, b in readings if b).replace("再", "在")
    if not first and not second:
        return None
    return first if first == second or not second else f"{first}，{second}" if first else second
