"""Ingest: read → clean → split by the document's own structure → passages with metadata.

Structure: 一、 (level 1) / （一） (level 2) / 1. or （1） (level 3). A paragraph that opens
with a short label and a colon (大理州's "州公安局：..." duties) gets the label as a
further path element. Long sections are cut into paragraph chunks that keep the path.
Metadata: title, document number, issuer, date from the text, completed from our own
catalogue (policy/data/documents.yml) for the known documents whose scrape lost them.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from policy.clean import Cleaned, Line, clean_lines
from policy.readers import read_document

DATA_DIR = Path(__file__).resolve().parent / "data"
CN_NUM = "一二三四五六七八九十"
_L1 = re.compile(r"^([一二三四五六七八九十]{1,3})[、.．]\s*")
_L2 = re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]\s*")
_L3 = re.compile(r"^(?:(\d{1,2})[.．、](?!\d)|[（(](\d{1,2})[）)])\s*")
_LABEL = re.compile(r"^([\u4e00-\u9fff]{2,10})[:：]")
MAX_CHUNK = 520


@dataclass
class IngestResult:
    path: str
    document: str  # the document number, or our catalogue name when it has none
    title: str
    status: str  # "added", "updated", "unchanged", "error"
    passages: int = 0
    dropped: dict = field(default_factory=dict)
    error: str | None = None


@lru_cache(maxsize=1)
def catalogue() -> list[dict]:
    data = yaml.safe_load((DATA_DIR / "documents.yml").read_text(encoding="utf-8")) or {}
    return list(data.get("documents") or [])


def _match_catalogue(cleaned: Cleaned, text: str) -> dict | None:
    number = cleaned.meta.get("document")
    for entry in catalogue():
        if number and entry.get("number") == number:
            return entry
    if number:
        return None  # a document with its own, unknown number is not one of ours
    for entry in catalogue():
        keys = entry.get("match") or []
        if keys and all(k in text for k in keys):
            return entry
    return None


def _title_from(meta: dict) -> str:
    if meta.get("title"):
        return meta["title"]
    for t in meta.get("titles", []):
        m = re.search(r"印发《(.+?)》的通知", t)
        if m:
            return m.group(1)
    titles = meta.get("titles") or []
    return re.sub(r"^.*?号", "", titles[0]).strip("《》 ") if titles else ""


def document_meta(cleaned: Cleaned, path: Path) -> dict:
    text = "\n".join(line.simple for line in cleaned.lines)
    meta = cleaned.meta
    entry = _match_catalogue(cleaned, text + "\n" + "\n".join(meta.get("titles", [])))
    title = _title_from(meta)
    issuer = meta.get("issuer") or meta.get("signature") or ""
    if not issuer and title and "关于" in title:
        issuer = title.split("关于", 1)[0]
    number = meta.get("document") or ""
    date = meta.get("date") or ""
    if not date and number:
        m = re.search(r"\d{4}", number)
        date = m.group(0) if m else ""
    if entry:  # our catalogue is authoritative where the scrape is incomplete
        number = entry.get("number") or number
        title = entry.get("title") or title
        issuer = entry.get("issuer") or issuer
        date = str(entry.get("date") or date)
    label = number or (entry or {}).get("name") or title[:24] or path.stem
    key = number or (entry or {}).get("id") or "doc-" + hashlib.sha1(text.encode()).hexdigest()[:12]
    return {"key": key, "document": label, "number": number, "title": title or label,
            "issuer": issuer, "date": date, "short": (entry or {}).get("short") or ""}


def _heading(line: Line) -> tuple[int, str, str, Line | None] | None:
    """(level, marker, heading title, rest-of-line body) when the line opens a section."""
    s = line.simple
    for level, rx in ((1, _L1), (2, _L2), (3, _L3)):
        m = rx.match(s)
        if not m:
            continue
        if level == 1:
            marker = m.group(1) + "、"
        elif level == 2:
            marker = "（" + m.group(1) + "）"
        else:
            marker = (m.group(1) or m.group(2)) + "."
        body_s = s[m.end():]
        cut = body_s.find("。")
        title_s = body_s if cut < 0 else body_s[:cut]
        rest = None
        if 0 <= cut < len(body_s) - 1:
            offset = len(s) - len(body_s) + cut + 1
            rest = Line(line.original[offset:].strip(), s[offset:].strip())
        if len(title_s) > 60:  # a numbered paragraph, not a titled section
            title_s, rest = "", Line(line.original[m.end():], body_s)
        return level, marker, title_s.strip(), rest
    return None


def split_sections(lines: list[Line]) -> list[dict]:
    """Group lines into sections: [{"path": [markers], "titles": [...], "paras": [Line]}]."""
    sections: list[dict] = []
    path: list[tuple[int, str, str]] = []
    current = {"path": [], "titles": [], "paras": []}
    sections.append(current)

    def open_section(new_path):
        nonlocal current
        current = {"path": [p[1] for p in new_path], "titles": [p[2] for p in new_path if p[2]],
                   "paras": []}
        sections.append(current)

    for line in lines:
        h = _heading(line)
        if h:
            level, marker, title, rest = h
            path = [p for p in path if p[0] < level and p[0] != 4] + [(level, marker, title)]
            open_section(path)
            if rest and rest.simple:
                current["paras"].append(rest)
            continue
        m = _LABEL.match(line.simple)
        if m and path and len(line.simple) > 30:
            base = [p for p in path if p[0] != 4]
            path = base + [(4, m.group(1), m.group(1))]
            open_section(path)
        current["paras"].append(line)
    return [s for s in sections if s["paras"]]


def _chunks(paras: list[Line]) -> list[list[Line]]:
    out: list[list[Line]] = [[]]
    for para in paras:
        pieces = [para]
        if len(para.simple) > MAX_CHUNK * 1.5:
            pieces = _split_long(para)
        for piece in pieces:
            size = sum(len(p.simple) for p in out[-1])
            if out[-1] and size + len(piece.simple) > MAX_CHUNK:
                out.append([])
            out[-1].append(piece)
    return [c for c in out if c]


def _split_long(para: Line) -> list[Line]:
    """Cut a very long paragraph at sentence ends (same offsets in both scripts)."""
    pieces, start = [], 0
    for m in re.finditer(r"[。；]", para.simple):
        if m.end() - start >= MAX_CHUNK * 0.8:
            pieces.append(Line(para.original[start:m.end()], para.simple[start:m.end()]))
            start = m.end()
    if start < len(para.simple):
        pieces.append(Line(para.original[start:], para.simple[start:]))
    return pieces


def section_label(markers: list[str]) -> str:
    out = ""
    for marker in markers:
        out += marker
    return out.strip() or "前言"


def build_passages(path: str | Path, raw: str | None = None) -> tuple[dict, list[dict], Cleaned]:
    """Clean one document and return (document record, passages, cleaning report)."""
    path = Path(path)
    raw = read_document(path) if raw is None else raw
    cleaned = clean_lines(raw)
    doc = document_meta(cleaned, path)
    passages = []
    for section in split_sections(cleaned.lines):
        label = section_label(section["path"])
        for chunk in _chunks(section["paras"]):
            n = len(passages)
            passages.append({
                "id": f"{doc['key']}#{n:03d}",
                "doc_key": doc["key"],
                "document": doc["document"],
                "title": doc["title"],
                "section": label,
                "section_title": " / ".join(section["titles"]),
                "text": "\n".join(p.simple for p in chunk),
                "original": "\n".join(p.original for p in chunk),
            })
    doc["source"] = path.name
    doc["passages"] = len(passages)
    doc["sha"] = hashlib.sha256(
        "\n".join(p["original"] for p in passages).encode()).hexdigest()[:16]
    return doc, passages, cleaned
