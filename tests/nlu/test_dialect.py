"""Revision 10: dialect words read as Mandarin before the rules and the models (nlu/dialect.py,
nlu/data/dialect.yml), and missing children told in dialect or in a calm note. Texts are
fictional and written for these tests."""
from __future__ import annotations

import pytest

from nlu import danger, dialect
from nlu.normalize import normalize, normalize_text


def verdict(parser, text: str) -> str:
    return danger.assess(normalize_text(text), parser.parse(text)).verdict


@pytest.mark.parametrize(("text", "mandarin"), [
    ("個仔唔見咗", "儿子不见了"),
    ("个仔唔见咗", "儿子不见了"),
    ("搵唔到佢", "找不到他"),
    ("佢喺屋企冇人理", "他在家没人管"),
    ("佢俾人打咗", "他被人打了"),
    ("我係佢阿嫲", "我是他奶奶"),
    ("俺家娃儿不见了", "我家孩子不见了"),
    ("妹崽不晓得去哪了", "女孩不知道去哪了"),
    ("咱村的伢子咋办", "我们村的孩子怎么办"),
    ("屋头莫得大人", "家里没有大人"),
    ("细路仔喺河边", "小孩在河边"),
])
def test_dialect_words_become_mandarin(text, mandarin):
    assert normalize_text(text) == mandarin


@pytest.mark.parametrize("text", [
    "他只是有点累 一只小狗陪着他",
    "我们关系很好 学校的系统也正常",
    "我在系鞋带",
    "阿拉伯语老师",
    "一个女孩和一个仔细的老师",
    "咱们村的路修好了",
    "唔 好的",
    "猪崽卖了",
    "这怎么得了",
    "那边个子高的是我哥",
    "听了直咋舌",
    "跟村委会打交道",
    "宜家的柜子",
    "从楼上跌落下来的是一个花盆",
])
def test_ordinary_mandarin_is_untouched(text):
    assert normalize_text(text) == text
    assert dialect.replacements(text) == []


def test_the_original_is_kept_and_spans_map_back():
    original = "我個仔唔見咗 佢喺學校冇返屋企"
    n = normalize(original)
    assert n.original == original
    assert n.text.startswith("我儿子不见了")
    start = n.text.index("学校")
    assert original[slice(*n.span(start, start + 2))] == "學校"
    assert n.span(0, len(n.text)) == (0, len(original))


@pytest.mark.parametrize("text", [
    "個仔唔見咗成個下晝，周圍都搵唔到佢",
    "我個女放學冇返屋企，而家夜晚十點都搵唔到佢",
])
def test_cantonese_missing_child_is_child_missing_and_urgent_capable(parser, text):
    result = parser.parse(text)
    assert (result.get("category") or {}).get("name") == "child_missing"
    assert verdict(parser, text) in ("yes", "unsure")


@pytest.mark.parametrize("text", [
    "想跟你们说一下，我家大儿子十四岁，周日跟他爸顶了几句嘴就出门了，今天周三了还没回来，同学家都问过了",
    "不算太急的事：外孙十五了，跟他外婆闹别扭走了，到今天第三天，电话一直关机",
])
def test_a_calm_note_about_a_teenager_gone_for_days_is_not_answered_as_calm(parser, text):
    assert (parser.parse(text).get("category") or {}).get("name") == "child_missing"
    assert verdict(parser, text) in ("yes", "unsure")


def test_a_child_fetched_by_a_false_relative_is_child_missing_and_urgent(parser):
    text = "托儿所老师说中午有个男的说是娃的表叔，把娃接走了，可我们家没有这个亲戚，现在找不到人"
    assert (parser.parse(text).get("category") or {}).get("name") == "child_missing"
    assert verdict(parser, text) in ("yes", "unsure")


@pytest.mark.parametrize("text", [
    "我家的狗跑丢两天了，谁看见了告诉我",
    "我老婆跟我吵架回娘家了，三天没联系",
])
def test_pets_and_adults_gone_are_not_child_emergencies(parser, text):
    assert verdict(parser, text) != "yes"
