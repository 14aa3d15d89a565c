"""Property tests: any text or YAML-shaped data given to the jurisdiction loader either
loads or is refused with its own error naming file:line; nothing else, never a hang."""
from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.services.errors import Invalid
from core.services.jurisdiction import load_jurisdiction, parse_jurisdiction

PROPS = hsettings(max_examples=80, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SRC = "region.yaml"
WHERE = re.compile(rf"^{re.escape(SRC)}:\d+: \S")

any_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)
names = st.one_of(st.text(st.characters(), max_size=12),  # surrogates and controls included
                  st.sampled_from(["红星镇", "东风村", "红星派出所", "", "\ud800镇", "a\x00b", "县" * 101]),
                  st.integers(), st.none(), st.booleans())
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=20))
yaml_data = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4),
                         max_leaves=15)
keys = st.sampled_from(["name", "aliases", "police_station", "schools", "villages", "other"])
township = st.dictionaries(keys, names | st.lists(names, max_size=3) | yaml_data, max_size=6)
documents = st.fixed_dictionaries(
    {}, optional={"region": names | yaml_data, "townships": st.lists(township, max_size=3) | yaml_data,
                  "extra": yaml_data})


def check(runtime, text: str) -> None:
    """Parse and load `text` in a transaction that is rolled back."""
    try:
        data = parse_jurisdiction(text, SRC)
    except Invalid as exc:
        assert WHERE.match(str(exc)), str(exc)
        return
    with runtime.sessions() as session:
        try:
            load_jurisdiction(session, data)
        finally:
            session.rollback()


@pytest.fixture
def loader_runtime(runtime):
    return runtime


@PROPS
@given(text=any_text)
def test_any_text(loader_runtime, text):
    check(loader_runtime, text)


@PROPS
@given(data=yaml_data | documents)
def test_any_yaml_shaped_data(loader_runtime, data):
    check(loader_runtime, yaml.safe_dump(data, allow_unicode=True))


@PROPS
@given(data=documents, style=st.sampled_from([None, '"', "'", "|"]))
def test_jurisdiction_like_documents(loader_runtime, data, style):
    check(loader_runtime, yaml.safe_dump(data, allow_unicode=True, default_style=style))


@pytest.mark.parametrize("text, words", [
    ("[" * 5000, "nested too deeply"),
    ("region: x\ntownships:\n" + "  " + "- " * 3000 + "a\n", "nested too deeply"),
    ('region: "\\ud800"\ntownships: [{name: a, police_station: b}]\n', "region"),
    ('region: "a\\0b"\ntownships: [{name: a, police_station: b}]\n', "region"),
    ("region: " + "县" * 101 + "\ntownships: [{name: a, police_station: b}]\n", "100"),
    ("region: x\ntownships: &t [*t]\n", "township"),
    ("region: x\ntownships:\n  - name: a\n    police_station: b\n    villages: &v [*v]\n", "villages"),
])
def test_hostile_documents_are_refused_with_a_line(runtime, text, words):
    with pytest.raises(Invalid) as err:
        parse_jurisdiction(text, SRC)
    assert WHERE.match(str(err.value)) and words in str(err.value)
