"""Dialect words read as Mandarin (Cantonese, northern, southwestern, Wu), for understanding.

The word list is data (nlu/data/dialect.yml, documented there). `replacements(text)` runs on
text already converted to Simplified (nlu/normalize.py) and returns (start, end, mandarin)
spans, longest key first; normalize applies them with the offsets kept, so entity spans
still index the original message, which is what the record keeps.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "dialect.yml"
_HAN = "\u4e00-\u9fff"


def _simplified(s: str) -> str:
    from .normalize import to_simplified

    return to_simplified(str(s).lower())


@lru_cache(maxsize=1)
def _table() -> tuple[re.Pattern | None, dict[str, str]]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}
    to: dict[str, str] = {}
    patterns: dict[str, str] = {}
    for key, value in (raw.get("words") or {}).items():
        k = _simplified(key)
        to[k], patterns[k] = str(value), re.escape(k)
    for key, rule in (raw.get("in_context") or {}).items():
        k = _simplified(key)
        pat = re.escape(k)
        if rule.get("not_prev"):
            pat = "".join(f"(?<!{re.escape(c)})" for c in _simplified(rule["not_prev"])) + pat
        if rule.get("not_next"):
            pat += f"(?![{re.escape(_simplified(rule['not_next']))}])"
        if rule.get("next_han"):
            pat += f"(?=[{_HAN}])"
        to[k], patterns[k] = str(rule["to"]), pat
    if not patterns:
        return None, to
    ordered = sorted(patterns, key=len, reverse=True)  # the longest key wins at a position
    return re.compile("|".join(f"(?:{patterns[k]})" for k in ordered)), to


def replacements(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, mandarin) spans of dialect words in Simplified `text`."""
    pattern, to = _table()
    if pattern is None or not text:
        return []
    return [(m.start(), m.end(), to[m.group()]) for m in pattern.finditer(text)]


def to_mandarin(text: str) -> str:
    """The mapped text alone (tests, tools); normalize() keeps the offsets as well."""
    out, pos = [], 0
    for s, e, v in replacements(text):
        out += [text[pos:s], v]
        pos = e
    return "".join(out) + text[pos:]
