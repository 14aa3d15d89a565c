"""Load the region's townships, villages, police stations and schools from YAML.

Validation names the file line of every problem; loading is idempotent (an upsert by
name), so loading the same file twice changes nothing.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Region, School, Township, Village
from core.services.errors import Invalid

MAX_DEPTH = 20  # the format needs 4 levels; deeper nesting would exhaust the recursion limit
MAX_NAME = 100  # the width of the name columns


@dataclass
class LoadResult:
    region: str
    created: int
    updated: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


class _Loader(yaml.SafeLoader):
    """Composes nodes like SafeLoader, refusing nesting deeper than MAX_DEPTH with a
    YAML error at its line instead of a RecursionError."""

    depth = 0

    def compose_node(self, parent, index):
        if self.depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(None, None, f"nested too deeply (more than {MAX_DEPTH} levels)",
                                              self.peek_event().start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _map_items(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _scalar(node: yaml.Node, where: str, src: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise Invalid(f"{src}:{_line(node)}: {where} must be a non-empty text")
    value = str(node.value).strip()
    if len(value) > MAX_NAME:
        raise Invalid(f"{src}:{_line(node)}: {where} is longer than {MAX_NAME} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        raise Invalid(f"{src}:{_line(node)}: {where} contains a control or invalid character")
    return value


def _scalar_list(node: yaml.Node | None, where: str, src: str) -> list[str]:
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise Invalid(f"{src}:{_line(node)}: {where} must be a list, e.g. [东风村, 向阳村]")
    values = [_scalar(item, f"each entry of {where}", src) for item in node.value]
    dupes = {v for v, n in Counter(values).items() if n > 1}
    if dupes:
        raise Invalid(f"{src}:{_line(node)}: {where} lists {min(dupes)} twice")
    return values


def parse_jurisdiction(text: str, src: str = "<jurisdiction>") -> dict:
    """Validate a jurisdiction document and return plain data; raise Invalid with line numbers."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise Invalid(f"{src}:{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if not isinstance(root, yaml.MappingNode):
        raise Invalid(f"{src}:1: the file must be a mapping with 'region' and 'townships'")
    top = _map_items(root)
    unknown = set(top) - {"region", "townships"}
    if unknown:
        key = min(unknown)
        raise Invalid(f"{src}:{_line(top[key][0])}: unknown key '{key}' (expected region, townships)")
    if "region" not in top:
        raise Invalid(f"{src}:1: missing 'region' (the county or district name)")
    if "townships" not in top:
        raise Invalid(f"{src}:1: missing 'townships' (a list)")
    region = _scalar(top["region"][1], "region", src)
    tnode = top["townships"][1]
    if not isinstance(tnode, yaml.SequenceNode) or not tnode.value:
        raise Invalid(f"{src}:{_line(tnode)}: townships must be a non-empty list")
    townships, seen = [], set()
    for item in tnode.value:
        if not isinstance(item, yaml.MappingNode):
            raise Invalid(f"{src}:{_line(item)}: each township must be a mapping with name, police_station, villages")
        fields = _map_items(item)
        extra = set(fields) - {"name", "aliases", "police_station", "schools", "villages"}
        if extra:
            key = min(extra)
            raise Invalid(f"{src}:{_line(fields[key][0])}: unknown township key '{key}'")
        for required in ("name", "police_station"):
            if required not in fields:
                raise Invalid(f"{src}:{_line(item)}: township is missing '{required}'")
        name = _scalar(fields["name"][1], "township name", src)
        if name in seen:
            raise Invalid(f"{src}:{_line(fields['name'][1])}: township {name} appears twice")
        seen.add(name)
        townships.append({
            "name": name,
            "aliases": _scalar_list(fields.get("aliases", (None, None))[1], f"aliases of {name}", src),
            "police_station": _scalar(fields["police_station"][1], f"police_station of {name}", src),
            "schools": _scalar_list(fields.get("schools", (None, None))[1], f"schools of {name}", src),
            "villages": _scalar_list(fields.get("villages", (None, None))[1], f"villages of {name}", src),
        })
    return {"region": region, "townships": townships}


def load_jurisdiction(session: Session, data: dict) -> LoadResult:
    created = updated = 0
    region = session.scalar(select(Region).where(Region.name == data["region"]))
    if region is None:
        region = Region(name=data["region"])
        session.add(region)
        session.flush()
        created += 1
    for t in data["townships"]:
        township = session.scalar(select(Township).where(
            Township.region_id == region.id, Township.name == t["name"]))
        if township is None:
            township = Township(region_id=region.id, name=t["name"], aliases=t["aliases"],
                                police_station=t["police_station"])
            session.add(township)
            session.flush()
            created += 1
        elif (list(township.aliases or []), township.police_station) != (t["aliases"], t["police_station"]):
            township.aliases = t["aliases"]
            township.police_station = t["police_station"]
            updated += 1
        for model, names in ((Village, t["villages"]), (School, t["schools"])):
            existing = set(session.scalars(select(model.name).where(model.township_id == township.id)))
            for n in names:
                if n not in existing:
                    session.add(model(township_id=township.id, name=n))
                    created += 1
    session.flush()
    return LoadResult(region=region.name, created=created, updated=updated)


def load_jurisdiction_file(session: Session, path: str | Path) -> LoadResult:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid(f"{path}: cannot read the file ({exc})") from exc
    return load_jurisdiction(session, parse_jurisdiction(text, str(path)))


def gazetteer(session: Session) -> dict:
    """Names and aliases for the NLU's township/village lookup."""
    towns = {t.name: list(t.aliases or []) for t in session.scalars(select(Township))}
    villages = {v.name: list(v.aliases or []) for v in session.scalars(select(Village))}
    return {"township": towns, "village": villages}
