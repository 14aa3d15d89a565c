"""Revision 9: a fear of a hazard is no event, and the categories where the users are
(poverty, child marriage, bullying, online harm, child labour → other; a guardian who cannot
or will not care → guardian_unfit; dropout told without 辍学). Texts are fictional and
written for these tests, in other words than the development files (eval/blind6-8)."""
from __future__ import annotations

import pytest

from nlu import danger, fears, signals
from nlu.normalize import normalize_text


def category(parser, text: str) -> str | None:
    return (parser.parse(text).get("category") or {}).get("name")


def verdict(parser, text: str) -> str:
    return danger.assess(normalize_text(text), parser.parse(text)).verdict


# -- fears and hypotheticals (nlu/fears.py) -------------------------------------------------
@pytest.mark.parametrize("text", [
    "俺怕他掉河里",
    "我担心她万一跑到水库边上去",
    "会不会让人贩子给拐走了",
    "要是屋里着火了咋办",
    "就怕他从房顶上摔下来",
])
def test_a_fear_of_a_hazard_is_blanked_for_the_rules(text):
    norm = normalize_text(text)
    assert fears.fear_spans(norm)
    assert fears.only_fears(norm)
    assert len(fears.mask(norm)) == len(norm)  # offsets kept
    assert danger.check(norm) is None


@pytest.mark.parametrize("text", [
    "孩子掉河里了 我好怕",          # the event comes first, the fear after
    "孩子怕是掉到河里去了",          # 怕是: a belief that it happened
    "娃是不是掉塘里了 鞋子在塘边",   # a suspicion, with a sign
    "我怕他爸又打他",                # violence is not an accident fear
])
def test_events_and_suspicions_are_not_masked(text):
    norm = normalize_text(text)
    assert fears.mask(norm) == norm


def test_the_rules_read_a_missing_child_not_an_injury_when_drowning_is_only_feared():
    norm = normalize_text("俺孙子找不着了 俺怕他掉河里")
    match = signals.rule_category(norm)
    assert match is not None and match.value == "child_missing"


def test_a_missing_child_with_a_fear_of_drowning_stays_missing_and_urgent_capable(parser):
    text = "俺孙子一上午都找不着了 俺怕他掉河里"
    assert category(parser, text) == "child_missing"
    assert verdict(parser, text) in ("yes", "unsure")


def test_a_worry_without_an_event_is_not_an_emergency(parser):
    text = "孩子在家好好的 我就是担心他万一偷偷去河边玩水"
    assert verdict(parser, text) != "yes"
    assert category(parser, text) != "injury_or_harm"


# -- categories where the users are ----------------------------------------------------------
@pytest.mark.parametrize("text", [
    "社工转介一户困难家庭：两个留守孩子跟着奶奶靠低保过，冬天没有棉衣，想申请临时救助",
    "村里有户人家收了彩礼，要把十五岁的女儿许给邻村的一个大小伙子",
    "班上有个男生天天被几个同学堵着要零花钱，不给就推他，他不敢告诉奶奶",
    "有个网友老让我表妹发自己的照片，还让她别告诉家里，她才十二岁",
    pytest.param("镇上的小饭馆让一个十三岁的孩子在后厨洗碗，一天干到半夜", marks=pytest.mark.xfail(
        reason="read as child_alone (p 0.61): child labour needs more examples", strict=False)),
])
def test_poverty_marriage_bullying_online_harm_and_labour_are_other(parser, text):
    assert category(parser, text) == "other"


@pytest.mark.parametrize("text", [
    "孩子的奶奶中风以后半边身子不能动了，八岁的孙子反过来伺候她，爸妈在外地",
    "受委托带孩子的叔叔天天喝得烂醉，孩子常常饿着肚子去上学",
    "孩子他爹在坐牢，他娘跑了，现在跟着一个眼睛看不见的老太太过",
])
def test_guardians_who_cannot_care_are_guardian_unfit(parser, text):
    assert category(parser, text) == "guardian_unfit"


@pytest.mark.parametrize("text", [
    "我孙子开学半个月了还不肯去学校，天天在家睡大觉，他爸妈在外面",
    "隔壁家的娃才十三岁，初一没读完就跟着老乡去工地干活了",
])
def test_dropout_without_the_word_is_dropout(parser, text):
    assert category(parser, text) == "dropout"


def test_a_feared_injury_gives_way_to_the_next_category():
    import numpy as np

    classes = ["child_missing", "injury_or_harm", "other"]
    p = np.array([0.3, 0.6, 0.1])
    out = fears.drop_feared_injury(normalize_text("孩子一下午没见着 我怕他掉河里"), classes, p)
    assert out[1] == 0.0 and abs(out.sum() - 1) < 1e-9 and out.argmax() == 0
    same = fears.drop_feared_injury(normalize_text("孩子掉河里了"), classes, p)
    assert same is p
