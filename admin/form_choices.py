"""Choices for WTForms radio and select fields, in the shape the installed WTForms wants."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

try:  # WTForms >= 3.3 wants choice objects; older ones take (value, label) pairs
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover
    def SelectChoice(value, label):
        return (value, label)


def choices(options: Mapping | Iterable[tuple]) -> list:
    """{value: label} or (value, label) pairs -> the field's choices, in order."""
    pairs = options.items() if isinstance(options, Mapping) else options
    return [SelectChoice(value, label) for value, label in pairs]
