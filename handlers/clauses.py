"""A message as clauses of jieba words (normalised: Simplified, dialect read), for the
readers that look at words in order within a clause (handlers/custody.py,
handlers/danger_answer.py). Punctuation and spaces end a clause."""
from __future__ import annotations

import logging
from collections.abc import Callable

from nlu.normalize import normalize_text

_tokenizer = None


def word_clauses(text: str, joins: Callable[[str, str], bool] = lambda before, word: False) -> list[list[str]]:
    """`joins(before, word)`: glue a word jieba leaves apart to the one before ("守|着")."""
    global _tokenizer
    if _tokenizer is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        _tokenizer = jieba.Tokenizer()
    clauses, current = [], []
    for word in _tokenizer.lcut(normalize_text(text)):
        if not word.strip() or all(not ch.isalnum() for ch in word):
            if current:
                clauses.append(current)
            current = []
        elif current and joins(current[-1], word):
            current[-1] += word
        else:
            current.append(word)
    if current:
        clauses.append(current)
    return clauses
