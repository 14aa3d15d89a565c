"""Numbers and names taken from URLs, checked before they reach the database.

A number the database cannot hold is an error there (SQLite: OverflowError beyond
2**63 - 1; PostgreSQL: out of range for an integer column), so it must never get that
far: in a URL it matches no route (404), as a query argument it is a 400.
"""
from __future__ import annotations

import re

from werkzeug.routing import BaseConverter, IntegerConverter

MAX_ID = 2**31 - 1  # Integer primary keys are 32-bit on PostgreSQL
CASE_NUMBER = r"[A-Za-z0-9-]{1,40}"  # e.g. BG-20261123-0001
_WHOLE = re.compile(r"[+-]?[0-9]+")


class IdConverter(IntegerConverter):
    """`<id:name>`: a database id, 1 .. MAX_ID."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ID)


class CaseNumberConverter(BaseConverter):
    """`<case_number:name>`: letters, digits and dashes (no NUL for PostgreSQL)."""

    regex = CASE_NUMBER


def add_converters(state) -> None:
    """For `Blueprint.record_once`, before the blueprint's routes are added."""
    state.app.url_map.converters.setdefault("id", IdConverter)
    state.app.url_map.converters.setdefault("case_number", CaseNumberConverter)


def int_arg(args, name: str, default: int, low: int, high: int, clamp: bool = False) -> int:
    """A whole-number query argument in [low, high] (clamped into it when `clamp`);
    ValueError, with a message for the client, otherwise."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not _WHOLE.fullmatch(raw):
        raise ValueError(f"{name} must be a whole number from {low} to {high}")
    # Python refuses to parse very long numbers; any over 30 digits is out of range anyway.
    value = int(raw) if len(raw) <= 30 else (low - 1 if raw.startswith("-") else high + 1)
    if clamp:
        return min(max(value, low), high)
    if not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}")
    return value
