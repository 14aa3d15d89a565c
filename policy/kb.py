"""The knowledge base: cleaned passages and their index, as plain JSON files in a folder.

Files: documents.json (one record per document), passages.json, index.json (the
passages' tokens, so opening the base does not re-run jieba). Documents are keyed by
their number (or our catalogue id, or a content hash), so ingesting the same document
again — from the same or another path — replaces it with identical content and the
files are not rewritten: ingesting twice changes nothing.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

from policy import vectors
from policy.index import BM25, expand, tokenize
from policy.ingest import IngestResult, build_passages
from policy.readers import UnreadableDocument

SUPPORTED = (".txt", ".html", ".htm", ".docx", ".pdf")
INDEX_VERSION = 2


def _dump(path: Path, data) -> bool:
    """Write JSON atomically; return False (and leave the file alone) if unchanged."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
    return True


def _load(path: Path, default):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def _same(a: dict, b: dict) -> bool:
    return {k: v for k, v in a.items() if k != "source"} == \
        {k: v for k, v in b.items() if k != "source"}


def _expand_paths(paths) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.suffix.lower() in SUPPORTED))
        else:
            out.append(p)
    return out


class KnowledgeBase:
    def __init__(self, kb_dir: str | Path) -> None:
        self.dir = Path(kb_dir)
        self.documents: dict[str, dict] = _load(self.dir / "documents.json", {})
        self.passages: list[dict] = _load(self.dir / "passages.json", [])
        index = _load(self.dir / "index.json", {})
        tokens = index.get("tokens") if index.get("version") == INDEX_VERSION else None
        if tokens is None or len(tokens) != len(self.passages):
            tokens = [self._passage_tokens(p) for p in self.passages]
        self._tokens = tokens
        self._rebuild()
        self.store = vectors.VectorStore(self.dir / vectors.FILE)

    @staticmethod
    def _passage_tokens(p: dict) -> list[str]:
        return tokenize(p["section_title"] + " " + p["text"])

    def _rebuild(self) -> None:
        self._vectors = None
        self.bm25 = BM25(self._tokens)
        self._by_section: dict[tuple[str, str], list[int]] = {}
        for i, p in enumerate(self.passages):
            self._by_section.setdefault((p["document"], p["section"]), []).append(i)

    def ingest(self, paths) -> list[IngestResult]:
        results: list[IngestResult] = []
        changed = False
        for path in _expand_paths(paths):
            try:
                doc, passages, cleaned = build_passages(path)
            except (UnreadableDocument, OSError, ValueError) as exc:
                results.append(IngestResult(str(path), "", "", "error", error=str(exc)))
                continue
            key = doc["key"]
            old = self.documents.get(key)
            if old is not None and _same(old, doc):
                doc = old  # the same document from another path: keep the record as it was
            status = "added" if old is None else ("unchanged" if old is doc else "updated")
            if not passages:
                results.append(IngestResult(str(path), doc["document"], doc["title"], "error",
                                            error="no text left after cleaning"))
                continue
            if status != "unchanged":
                keep = [(p, t) for p, t in zip(self.passages, self._tokens) if p["doc_key"] != key]
                keep += [(p, self._passage_tokens(p)) for p in passages]
                keep.sort(key=lambda pt: pt[0]["id"])
                self.passages = [p for p, _ in keep]
                self._tokens = [t for _, t in keep]
                self.documents[key] = doc
                changed = True
            results.append(IngestResult(str(path), doc["document"], doc["title"], status,
                                        len(passages), dict(cleaned.dropped)))
        if changed:
            self._rebuild()
        if vectors.available():
            self.passage_vectors()  # embedded now, at ingest, not at question time
        self.save()
        return results

    def passage_vectors(self):
        """The passages' window vectors (rows, see vectors.passage_windows), or None
        without the encoder; `self.window_owner[r]` is the passage of row r."""
        if self._vectors is None and self.passages and vectors.available():
            texts, owner = [], []
            for i, p in enumerate(self.passages):
                for w in vectors.passage_windows(p):
                    texts.append(w)
                    owner.append(i)
            self._vectors = self.store.matrix(texts)
            self.window_owner = np.asarray(owner)
            self._first_window = np.searchsorted(self.window_owner, np.arange(len(self.passages)))
        return self._vectors

    def passage_similarities(self, qvec) -> np.ndarray | None:
        """Per passage, the best cosine between the question and one of its windows."""
        wv = self.passage_vectors()
        if wv is None:
            return None
        best = np.full(len(self.passages), -1.0, dtype=np.float32)
        np.maximum.at(best, self.window_owner, wv @ qvec)
        return best

    def window_similarities(self, index: int, qvec) -> np.ndarray | None:
        """The cosine of each window of passage `index` (window i starts at its sentence i)."""
        wv = self.passage_vectors()
        if wv is None:
            return None
        start = int(self._first_window[index])
        end = int(self._first_window[index + 1]) if index + 1 < len(self.passages) else len(wv)
        return wv[start:end] @ qvec

    def save(self) -> None:
        if not self.documents and not (self.dir / "documents.json").exists():
            return
        _dump(self.dir / "documents.json", self.documents)
        _dump(self.dir / "passages.json", self.passages)
        _dump(self.dir / "index.json", {"version": INDEX_VERSION, "tokens": self._tokens})
        self.store.save()

    def search(self, question: str, k: int = 5) -> list[tuple[dict, float, float]]:
        """[(passage, bm25 score, query coverage)] best first."""
        if not self.passages:
            return []
        query = tokenize(expand(question))
        return [(self.passages[i], s, self.bm25.coverage(query, i))
                for i, s in self.bm25.top(query, k)]

    def passage_for(self, document: str, section: str, hint: str = "") -> dict | None:
        """The ingested passage behind a citation (section prefix allowed); `hint` ranks."""
        idx = self._by_section.get((document, section))
        if idx is None:
            idx = [i for (d, s), ids in self._by_section.items()
                   if d == document and s.startswith(section) for i in ids]
        if not idx:
            return None
        if len(idx) > 1 and hint:
            scores = self.bm25.scores(tokenize(expand(hint)))
            idx = sorted(idx, key=lambda i: -scores.get(i, 0.0))
        return self.passages[idx[0]]


def open_kb(kb_dir: str | Path) -> KnowledgeBase:
    return KnowledgeBase(kb_dir)
