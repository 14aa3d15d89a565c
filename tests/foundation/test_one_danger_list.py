"""One place per concept: the danger word lists live in nlu/ only.

handlers/danger.py words the 110 guidance; whether a message is dangerous is decided by
nlu/danger.py alone. A second copy of the lists would drift apart from the first (it did).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from nlu import danger

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE_NLU = ("bot", "handlers", "core", "policy", "admin")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _patterns() -> list[str]:
    """Every regex of the danger decision: the word list and its guards."""
    out = [p for pats in danger.PATTERNS.values() for p in pats]
    out += [v.pattern for v in vars(danger).values() if isinstance(v, re.Pattern)]
    return [p for p in out if len(p) >= 12]


def test_handlers_danger_only_words_the_replies():
    tree = ast.parse((ROOT / "handlers" / "danger.py").read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert "re" not in imported, "handlers/danger.py compiles no regexes: the words are in nlu/danger.py"
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert not functions & {"check", "decide"}, "the danger decision is nlu.danger.check/decide"
    for node in tree.body:  # module level: no tuple, list, set, dict or string of Chinese words
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            words = [s for s in _strings(node.value) if CJK.search(s)]
            assert not words, f"a word list in handlers/danger.py, line {node.lineno}: {words[:3]}"


def test_no_copy_of_the_danger_lists_outside_nlu():
    patterns = _patterns()
    assert len(patterns) > 10
    for folder in OUTSIDE_NLU:
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = "\n".join(_strings(ast.parse(path.read_text(encoding="utf-8"))))
            copied = [p for p in patterns if p in text]
            assert not copied, f"{path.relative_to(ROOT)} copies nlu/danger.py's words: {copied[0][:40]}"
