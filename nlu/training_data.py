"""Read and validate Rasa 3.x NLU training data (YAML), reporting file:line on errors."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ENTITIES = {"category", "urgency", "reporter_role", "age", "phone", "person_name", "relation",
            "township", "village", "city", "date", "gender"}
_ANNOT = re.compile(r"\[([^\[\]]+)\](?:\(([A-Za-z_]+)(?::([^)]+))?\)|(\{[^{}]*\}))")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class NluDataError(ValueError):
    """Malformed training data; the message starts with file:line."""


@dataclass
class Example:
    text: str
    intent: str
    entities: list[dict] = field(default_factory=list)  # entity, value, start, end
    line: int = 0


@dataclass
class TrainingData:
    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)  # phrase -> canonical value
    lookups: dict[str, list[str]] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def intents(self) -> list[str]:
        return sorted({e.intent for e in self.examples})


def parse_example(raw: str) -> tuple[str, list[dict]]:
    """'孩子[一个人住](category)' -> ('孩子一个人住', [{entity, value, start, end}])."""
    out, ents, pos = [], [], 0
    length = 0
    for m in _ANNOT.finditer(raw):
        out.append(raw[pos:m.start()])
        length += m.start() - pos
        span = m.group(1)
        if m.group(4):
            try:
                spec = json.loads(m.group(4))
            except json.JSONDecodeError as exc:
                raise ValueError(f"entity annotation is not valid JSON: {m.group(4)}") from exc
            if not isinstance(spec, dict) or "entity" not in spec:
                raise ValueError(f"entity annotation needs an 'entity' key: {m.group(4)}")
            entity, value = spec["entity"], spec.get("value", span)
        else:
            entity, value = m.group(2), m.group(3) or span
        ents.append({"entity": entity, "value": str(value), "start": length, "end": length + len(span)})
        out.append(span)
        length += len(span)
        pos = m.end()
    out.append(raw[pos:])
    text = "".join(out)
    if re.search(r"\]\(|\]\{", text):
        raise ValueError("unbalanced entity annotation (expected [text](entity))")
    return text, ents


def _lines(node: yaml.Node, where: str) -> list[tuple[int, str]]:
    if not isinstance(node, yaml.ScalarNode):
        raise NluDataError(f"{where}:{node.start_mark.line + 1}: 'examples' must be a block string "
                           "('examples: |' followed by '- ...' lines)")
    first = node.start_mark.line + (1 if node.style in ("|", ">") else 0)
    out = []
    for i, line in enumerate(node.value.splitlines()):
        if line.strip():
            out.append((first + i + 1, line.strip()))
    return out


def load_training_data(path: str | Path) -> TrainingData:
    path = Path(path)
    where = str(path)
    data = TrainingData()
    for item in _items(path, where).value:
        line0 = item.start_mark.line + 1
        kind, name, values = _item(item, where, line0)
        if kind == "intent":
            _add_intent(data, name, values, where, line0)
        elif kind == "synonym":
            for _, v in values:
                data.synonyms[v] = name
        elif kind == "lookup":
            data.lookups.setdefault(name, []).extend(v for _, v in values)
        else:
            _add_regexes(data, name, values, where)
    if not data.examples:
        raise NluDataError(f"{where}:1: no intent examples")
    return data


def _items(path: Path, where: str) -> yaml.SequenceNode:
    """The file's `nlu:` list, as YAML nodes (they carry the line numbers)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise NluDataError(f"{where}:0: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise NluDataError(f"{where}:0: not UTF-8 text") from exc
    try:
        root = yaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise NluDataError(f"{where}:{line}: YAML syntax error: {exc.problem or exc}") from exc
    if not isinstance(root, yaml.MappingNode):
        raise NluDataError(f"{where}:1: the top level must be a mapping with an 'nlu' key")
    top = {k.value: v for k, v in root.value}
    if "nlu" not in top:
        raise NluDataError(f"{where}:1: missing the 'nlu' key")
    items = top["nlu"]
    if not isinstance(items, yaml.SequenceNode):
        raise NluDataError(f"{where}:{items.start_mark.line + 1}: 'nlu' must be a list")
    return items


def _item(item: yaml.Node, where: str, line0: int) -> tuple[str, str, list[tuple[int, str]]]:
    """One `nlu:` item -> (kind, name, [(line, example text)])."""
    if not isinstance(item, yaml.MappingNode):
        raise NluDataError(f"{where}:{line0}: each 'nlu' item must be a mapping")
    keys = {k.value: v for k, v in item.value}
    kinds = [k for k in ("intent", "synonym", "lookup", "regex") if k in keys]
    if len(kinds) != 1:
        raise NluDataError(f"{where}:{line0}: an item needs exactly one of intent, synonym, "
                           f"lookup, regex (found {sorted(keys)})")
    kind = kinds[0]
    name = keys[kind].value if isinstance(keys[kind], yaml.ScalarNode) else None
    if not name:
        raise NluDataError(f"{where}:{line0}: '{kind}' needs a name")
    if "examples" not in keys:
        raise NluDataError(f"{where}:{line0}: {kind} '{name}' has no 'examples'")
    lines = _lines(keys["examples"], where)
    if not lines:
        raise NluDataError(f"{where}:{line0}: {kind} '{name}' has no examples")
    values = []
    for lineno, line in lines:
        if not line.startswith("- ") or not line[2:].strip():
            raise NluDataError(f"{where}:{lineno}: example must start with '- ' and have text: {line!r}")
        values.append((lineno, line[2:].strip()))
    return kind, name, values


def _add_intent(data: TrainingData, name: str, values: list[tuple[int, str]], where: str, line0: int) -> None:
    if not _NAME.match(name):
        raise NluDataError(f"{where}:{line0}: intent name {name!r} must be snake_case")
    for lineno, raw in values:
        try:
            plain, ents = parse_example(raw)
        except ValueError as exc:
            raise NluDataError(f"{where}:{lineno}: {exc}") from exc
        for e in ents:
            if e["entity"] not in ENTITIES:
                raise NluDataError(f"{where}:{lineno}: unknown entity {e['entity']!r}")
        data.examples.append(Example(plain, name, ents, lineno))


def _add_regexes(data: TrainingData, name: str, values: list[tuple[int, str]], where: str) -> None:
    for lineno, v in values:
        try:
            re.compile(v)
        except re.error as exc:
            raise NluDataError(f"{where}:{lineno}: invalid regex {v!r}: {exc}") from exc
        data.regexes.setdefault(name, []).append(v)
