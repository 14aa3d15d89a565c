"""`Match`: one rule's hit, a span of normalised text mapped to a canonical entity value."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Match:
    entity: str
    value: str
    start: int
    end: int
    extractor: str = "ShouhuRegex"


def compile_rules(rules: dict[str, list[str]]) -> list[tuple[str, re.Pattern]]:
    return [(value, re.compile(p)) for value, pats in rules.items() for p in pats]
