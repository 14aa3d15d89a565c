"""One table of report categories (core/categories.py): every place that names a category
reads it, and every copy that may not read it (nlu/, config.yaml) agrees with it.

Each test fails when a category is added, renamed or dropped in one place only."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from core import categories, labels, permissions
from core.categories import CODES
from core.settings import REPO_ROOT, SettingsError, load_settings

# The stable codes of the interface (/work/shared/interfaces.md, "Case categories").
INTERFACE_CODES = ("child_alone", "child_missing", "guardian_unfit", "domestic_violence",
                   "injury_or_harm", "dropout", "other")
# every Rasa-format file in nlu/data; dialect.yml is the normaliser's word map (nlu/dialect.py)
NLU_DATA = sorted(p for p in (REPO_ROOT / "nlu" / "data").glob("*.yml") if p.name != "dialect.yml")
CODE_LIKE = re.compile(r"^[a-z][a-z0-9_]*$")


def test_the_table_holds_the_interface_codes_once_each():
    assert CODES == INTERFACE_CODES
    assert len(set(CODES)) == len(CODES) == len(categories.TABLE)
    assert categories.get("no_such_code").code == categories.FALLBACK in CODES


@pytest.mark.parametrize("row", categories.TABLE, ids=CODES)
def test_every_row_is_complete(row):
    assert re.search(r"[\u4e00-\u9fff]", row.label) and re.search(r"[\u4e00-\u9fff]", row.button)
    assert row.urgency in categories.URGENCIES
    assert row.routing in permissions.routable_units(), "routed to a unit no staff role answers for"
    text = row.next_text.format(unit="红星派出所", township="红星镇", deadline="2小时")
    assert "{" not in text and "红星派出所" in text and "2小时" in text


def test_buttons_and_labels_are_distinct():
    assert len({c.button for c in categories.TABLE}) == len(CODES)
    assert len({c.label for c in categories.TABLE}) == len(CODES)


def test_core_readers_see_the_same_codes():
    from core.models.cases import CATEGORIES, URGENCIES
    from core.services.cases import DEFAULT_ROUTING
    from core.services.reporting import DEFAULT_URGENCY
    from handlers import report_text, validators

    assert CATEGORIES == CODES and URGENCIES == categories.URGENCIES
    assert tuple(labels.CATEGORY) == CODES
    assert tuple(DEFAULT_ROUTING) == CODES and tuple(DEFAULT_URGENCY) == CODES
    # the report flow's buttons, in the table's order (a user may answer "7" for 其他情况)
    assert tuple(code for _, code in report_text.CATEGORY_BUTTONS) == CODES
    assert {code for code, _ in validators._CATEGORY_WORDS} <= set(CODES)


def test_the_nlu_copy_of_the_codes_agrees():
    from nlu import categories, pipeline

    assert pipeline.CATEGORIES == CODES
    assert set(categories.CATEGORY_RULES) == set(CODES)
    assert {code for pair in categories.OVERRIDES for code in pair} <= set(CODES)


def _category_values(path: Path) -> tuple[set[str], set[str]]:
    from nlu.training_data import load_training_data

    data = load_training_data(path)
    values = {data.synonyms.get(e["value"], e["value"]) for ex in data.examples
              for e in ex.entities if e["entity"] == "category"}
    other_phrases = {ex.text[e["start"]:e["end"]] for ex in data.examples
                     for e in ex.entities if e["entity"] != "category"}
    return values, other_phrases


@pytest.mark.parametrize("path", NLU_DATA, ids=[p.name for p in NLU_DATA])
def test_nlu_data_names_only_known_categories(path):
    values, _ = _category_values(path)
    assert values <= set(CODES), f"{path.name}: unknown category values {values - set(CODES)}"


def test_nlu_training_data_teaches_every_category_and_synonyms_point_at_codes():
    from core.models.cases import REPORTER_ROLES
    from nlu.training_data import load_training_data

    path = REPO_ROOT / "nlu" / "data" / "nlu.yml"
    values, other_phrases = _category_values(path)
    assert values == set(CODES)
    synonyms = load_training_data(path).synonyms
    known = set(CODES) | {"urgent"} | set(REPORTER_ROLES)
    coded = {target for target in synonyms.values() if CODE_LIKE.match(target)}
    assert coded <= known, f"synonyms point at unknown codes {coded - known}"
    assert {t for t in synonyms.values() if t in CODES} == set(CODES)
    # The synonyms are one flat table: a phrase annotated as another entity ("我是[派出所]
    # (reporter_role)") must not map to a category code, or the parser reads it as one.
    clash = {p for p in other_phrases if synonyms.get(p) in CODES}
    assert not clash, f"phrases of other entities map to category codes: {clash}"


def test_shipped_config_only_overrides_known_categories():
    cases = yaml.safe_load((REPO_ROOT / "config.yaml").read_text(encoding="utf-8"))["cases"]
    assert set(cases.get("routing") or {}) <= set(CODES)
    assert set(cases.get("default_urgency") or {}) <= set(CODES)
    assert set(categories.routing(cases.get("routing"))) == set(CODES)
    assert set(categories.urgencies(cases.get("default_urgency"))) == set(CODES)


def test_every_category_routes_to_a_unit_of_a_real_township(jurisdiction):
    from sqlalchemy import select

    from core.db import transaction
    from core.models import Township
    from core.services.cases import route

    expected = {"{police_station}": "红星派出所", "{school}": "红星镇中心小学",
                "{township}儿童主任": "红星镇儿童主任"}
    with transaction(jurisdiction.sessions) as s:
        town = s.scalar(select(Township).where(Township.name == "红星镇"))
        for row in categories.TABLE:
            assert route(row.code, town) == expected[row.routing]
        assert route("other", None) == "县儿童主任"
        # A partial override changes its category only; the others keep the table's unit.
        assert route("dropout", town, {"other": "{police_station}"}) == "红星镇中心小学"
        assert route("other", town, {"other": "{police_station}"}) == "红星派出所"
        assert route("other", town, {"other": "{region}民政局"}) == "示例县民政局"


@pytest.mark.parametrize("row", categories.TABLE, ids=CODES)
def test_the_reporter_is_told_what_happens_next(row):
    from handlers import report_text

    town = SimpleNamespace(name="红星镇")
    case = SimpleNamespace(number="BG-20261123-0001", township=town, category=row.code,
                           assigned_unit="红星镇某单位", mandatory_reporter=False, urgency=row.urgency)
    text = report_text.submitted(case, 120, False, {})[0].text
    assert "接下来：" + row.next_text.format(unit="红星镇某单位", township="红星镇", deadline="2小时") in text


def _load(tmp_path, cases: dict):
    raw = yaml.safe_load((REPO_ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["cases"].update(cases)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_settings(path, env={})


@pytest.mark.parametrize("cases,words", [
    ({"routing": {"bullying": "{township}儿童主任"}}, "unknown category bullying"),
    ({"default_urgency": {"child_alone": "high", "neglect": "high"}}, "unknown category neglect"),
    ({"default_urgency": {"dropout": "very"}}, "cases.default_urgency.dropout is 'very'"),
    ({"routing": {"dropout": "{village}小学"}}, "uses {village}"),
    ({"routing": {"dropout": "{township}人民政府"}}, "no staff role answers for"),
    ({"routing": ["dropout"]}, "must be a mapping"),
], ids=["routing-code", "urgency-code", "urgency-value", "placeholder", "unstaffed-unit", "shape"])
def test_a_config_naming_unknown_things_is_refused_at_load(tmp_path, cases, words):
    with pytest.raises(SettingsError) as err:
        _load(tmp_path, cases)
    assert words in str(err.value)


def test_a_valid_override_loads(tmp_path):
    settings = _load(tmp_path, {"routing": {"dropout": "{township}儿童主任"},
                                "default_urgency": {"dropout": "high"}})
    assert settings.section("cases")["routing"] == {"dropout": "{township}儿童主任"}
