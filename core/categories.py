"""The one table of report categories (from the mandatory-reporting clauses of the policy).

Each row holds every fact about one category: its stable code, the label staff and
reporters read, the default urgency, the default routing template, the report flow's
button and what the reporter is told happens next. Everything else reads this table:
core/labels.py, the case model's code list, routing (core/services/cases.py), default
urgency (core/services/reporting.py), the report flow (handlers/report_text.py), the REST
API's filter and the settings check (core/settings.py). nlu/ may not import core, so it
keeps a copy of the codes (nlu/pipeline.py, nlu/lexicon.py, nlu/data/*.yml);
tests/foundation/test_categories.py holds every copy to this table.

config.yaml `cases.routing` and `cases.default_urgency` override the defaults per
deployment; `check_overrides` rejects a config that names an unknown category.

Imports nothing of the project: models, settings, permissions and nlu tests all read it.
"""
from __future__ import annotations

import string
from dataclasses import dataclass

URGENCIES = ("urgent", "high", "normal")
# Names a routing template may use, and what they become when the case has no township.
COUNTY_UNITS = {"police_station": "县公安局", "township": "县", "school": "县教育局", "region": "县"}

# What the reporter is told after filing; {unit}, {township} and {deadline} are filled in.
_POLICE_NEXT = ("{unit}会尽快受理（{deadline}内），出警或上门核查，保护好孩子，并把情况通报{township}，"
                "再由乡镇会同民政等部门评估，安排帮扶或监护干预。")
_DROPOUT_NEXT = "{unit}和{township}会尽快（{deadline}内）核实孩子没上学的原因，上门劝返，帮孩子回到学校。"
_OTHER_NEXT = "{unit}会尽快（{deadline}内）联系核实，需要时转给派出所、学校或民政等部门处理。"


class ConfigError(ValueError):
    """config.yaml's `cases` section names an unknown category or a bad value."""


@dataclass(frozen=True)
class Category:
    code: str        # stable: stored on cases, sent by the NLU and the REST API
    label: str       # what staff and reporters read
    urgency: str     # when the reporter does not say the child is in danger right now
    routing: str     # the unit that receives the case: a template of COUNTY_UNITS' names
    button: str      # the report flow's choice, in the reporter's words
    next_text: str   # what happens next, told to the reporter after filing


TABLE: tuple[Category, ...] = (
    Category("child_alone", "脱离监护、单独居住生活", "high", "{police_station}",
             "孩子一个人住、没人照看", _POLICE_NEXT),
    Category("child_missing", "失踪", "urgent", "{police_station}",
             "孩子失踪、找不到了", _POLICE_NEXT),
    Category("guardian_unfit", "监护人无力或不履行监护责任", "normal", "{police_station}",
             "监护人管不了或不管", _POLICE_NEXT),
    Category("domestic_violence", "疑似遭受家庭暴力", "high", "{police_station}",
             "疑似家暴", _POLICE_NEXT),
    Category("injury_or_harm", "疑似遭受意外伤害或不法侵害", "high", "{police_station}",
             "受伤或被人伤害", _POLICE_NEXT),
    Category("dropout", "辍学或无故旷课", "normal", "{school}",
             "不上学、辍学", _DROPOUT_NEXT),
    Category("other", "其他情况", "normal", "{township}儿童主任",
             "其他情况", _OTHER_NEXT),
)
BY_CODE: dict[str, Category] = {c.code: c for c in TABLE}
CODES: tuple[str, ...] = tuple(BY_CODE)
FALLBACK = "other"  # where an unknown code is treated, never silently dropped


def get(code: str | None) -> Category:
    """The row for `code`; an unknown code reads as 'other' (old rows, bad input)."""
    return BY_CODE.get(code or "", BY_CODE[FALLBACK])


def label(code: str | None) -> str:
    return get(code).label


def routing(overrides: dict | None = None) -> dict[str, str]:
    """Routing template per code: the table's defaults, then the deployment's overrides."""
    return {**{c.code: c.routing for c in TABLE}, **(overrides or {})}


def urgencies(overrides: dict | None = None) -> dict[str, str]:
    """Default urgency per code: the table's defaults, then the deployment's overrides."""
    return {**{c.code: c.urgency for c in TABLE}, **(overrides or {})}


def fill(template: str, **names: str | None) -> str:
    """A routing template with a place's unit names; a missing name becomes the county's."""
    return template.format(**{k: names.get(k) or v for k, v in COUNTY_UNITS.items()})


def template_names(template: str) -> set[str]:
    """The {names} a template uses (ValueError when it is not a valid template)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def check_overrides(cases: dict | None) -> None:
    """Raise ConfigError, in words an operator can act on, when config `cases` is wrong."""
    cases = cases or {}
    for key, allowed in (("routing", None), ("default_urgency", URGENCIES)):
        table = cases.get(key) or {}
        if not isinstance(table, dict):
            raise ConfigError(f"cases.{key} must be a mapping of category code to value")
        unknown = sorted(str(k) for k in table if k not in BY_CODE)
        if unknown:
            raise ConfigError(f"cases.{key} names unknown categor{'y' if len(unknown) == 1 else 'ies'} "
                             f"{', '.join(unknown)}; the categories are: {', '.join(CODES)}")
        for code, value in table.items():
            if allowed is not None and value not in allowed:
                raise ConfigError(f"cases.{key}.{code} is '{value}'; it must be one of {', '.join(allowed)}")
            if allowed is None:
                _check_template(f"cases.{key}.{code}", value)


def _check_template(where: str, value) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} must be a unit name template, e.g. \"{{police_station}}\"")
    try:
        names = template_names(value)
    except ValueError as exc:
        raise ConfigError(f"{where} '{value}' is not a valid template: {exc}") from exc
    bad = sorted(n for n in names if n not in COUNTY_UNITS)
    if bad:
        raise ConfigError(f"{where} '{value}' uses {', '.join('{' + n + '}' for n in bad)}; "
                         f"a template may use {', '.join('{' + n + '}' for n in COUNTY_UNITS)}")
