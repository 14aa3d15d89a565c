"""Sentence vectors for the policy answerer, from the shared e5 encoder (nlu/encoder.py).

Curated phrasings and passages are embedded once, when the knowledge base is built or
opened, and kept beside index.json in `vectors.npz` (text hash → float16 vector), so a
re-ingest embeds only new text; a question costs one embedding. Texts missing from the
file come from the encoder's own cache (nlu.encoder.EmbeddingCache), so a fresh
knowledge-base folder with known documents costs nothing either.

When the encoder package is missing, `available()` is False and every caller falls back
to the BM25-only path.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from policy.text import normalize, sentences

FILE = "vectors.npz"
DIM = 384
# A question, a curated phrasing and each window of a passage (see passage_windows) are
# embedded from their first 160 characters: a plain cut, not the chat messages' shorter
# window (nlu/encoder.py `clip`); the gate's weights (data/answer_model.json) were fitted
# on these.
CHARS = 160


def available() -> bool:
    if os.environ.get("SHOUHU_POLICY_ENCODER", "on").lower() in {"0", "off", "no", "false"}:
        return False
    try:
        from nlu import encoder
    except ImportError:
        return False
    return encoder.available()


def _key(text: str) -> str:
    from nlu import encoder

    return encoder.text_key(text, CHARS)


def question_vector(text: str) -> np.ndarray:
    from nlu import encoder

    return encoder.embed(normalize(text), CHARS)


def passage_text(p: dict) -> str:
    """What a passage was embedded as until policy7: its heading and the start of its text."""
    heading = p["section_title"].split("/")[-1].strip()
    return normalize(f"{heading} {p['text']}")


# A passage is also embedded by windows of WINDOW consecutive sentences, each after the
# passage's own heading, so a fact in the middle of a long clause is seen by the encoder
# (87 of the 108 passages are longer than 160 characters). Measured on the ~480
# answerable development questions, the right passage among the encoder's first five:
# first 160 characters 76.8 %, one sentence 89.6 %, two sentences 90.6 % (max over the
# windows; the mean of the best two, the e5 "passage:" side and the whole passage up to
# 400 characters all measured lower: bench/policy_retrieval.py).
WINDOW = 2


def passage_windows(p: dict) -> list[str]:
    """What a passage is embedded as: its heading before each window of WINDOW sentences."""
    heading = normalize(p["section_title"].split("/")[-1].strip())
    parts = sentences(normalize(p["text"]))
    if not parts:
        return [passage_text(p)]
    return [f"{heading} {''.join(parts[i:i + WINDOW])}" for i in range(len(parts))]


def window_starts(text: str) -> int:
    """How many windows (= sentences) `passage_windows` makes of a passage's text."""
    return max(1, len(sentences(normalize(text))))


class VectorStore:
    """text hash → unit vector, one .npz file (or memory only when `path` is None)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else None
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        if self.path is not None:
            from nlu.encoder import load_vectors

            self._vectors = load_vectors(self.path)

    def matrix(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for `texts` (rows), embedding only those not stored yet."""
        from nlu.encoder import EmbeddingCache

        keys = [_key(t) for t in texts]
        missing = [t for t, k in zip(texts, keys) if k not in self._vectors]
        if missing:
            fresh = EmbeddingCache(chars=CHARS).embed_all(list(dict.fromkeys(missing)))
            for t, v in zip(dict.fromkeys(missing), fresh):
                self._vectors[_key(t)] = v.astype(np.float16)
            self._dirty = True
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = self._vectors[k]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)

    def save(self) -> None:
        from nlu.encoder import save_vectors

        if self._dirty and self.path is not None and save_vectors(self.path, self._vectors, ".vectors-"):
            self._dirty = False
