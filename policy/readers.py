"""Read a document file into plain text lines: .txt, .html/.htm, .docx, .pdf.

Plain text and HTML use only the standard library; .docx is a zip of XML, so it does
too. PDF needs `pypdf` (a declared dependency); a clear error says so if it is missing.
"""
from __future__ import annotations

import html
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree


class UnreadableDocument(ValueError):
    """The file's format is unknown or its content cannot be extracted."""


def decode_bytes(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030", "big5"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
               "article", "table", "ul", "ol", "title", "td", "th", "dd", "dt", "pre"}
_SKIP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form",
              "iframe", "button", "select"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    return re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v]*", "\n", text)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_to_text(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise UnreadableDocument(f"{path.name}: not a readable .docx file ({exc})") from exc
    root = ElementTree.fromstring(xml)
    lines = []
    for para in root.iter(f"{_W}p"):
        lines.append("".join(t.text or "" for t in para.iter(f"{_W}t")))
    return "\n".join(lines)


def pdf_to_text(path: Path) -> str:
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # pragma: no cover - pypdf is a declared dependency
        raise UnreadableDocument("reading PDF needs the 'pypdf' package") from exc
    try:
        reader = PdfReader(str(path))
        return "\n".join((page.extract_text() or "") for page in reader.pages)
    except Exception as exc:  # pypdf raises many types for damaged files
        raise UnreadableDocument(f"{path.name}: cannot read PDF ({exc})") from exc


def read_document(path: str | Path) -> str:
    """The document's text with line breaks, whatever its format."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return docx_to_text(path)
    if suffix == ".pdf":
        return pdf_to_text(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(f"{path}: {exc.strerror}") from exc
    text = decode_bytes(data)
    if suffix in (".html", ".htm", ".xhtml") or re.match(r"\s*<(!doctype|html)", text, re.IGNORECASE):
        return html_to_text(text)
    if suffix not in ("", ".txt", ".text", ".md"):
        raise UnreadableDocument(f"{path.name}: unsupported format '{suffix}'")
    return text
