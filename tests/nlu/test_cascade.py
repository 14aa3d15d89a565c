"""The cascade (nlu/cascade.py): the encoder is skipped only when the cheap stacks are sure
of intent, category and danger, never on a message the full model calls urgent or unsure.
Texts are fictional and written for these tests."""
from __future__ import annotations

import numpy as np
import pytest

from nlu import cascade, danger
from nlu.normalize import normalize_text
from nlu.parser import Parser

URGENT = [
    "救命 我家娃掉进鱼塘里了",
    "隔壁男的拿皮带正在抽他闺女 孩子嗓子都哭哑了",
    "俺孙女从昨天下午放学就没回家 到现在一宿了 电话也打不通",
    "娃喝了半瓶敌敌畏 嘴里吐白沫",
    "两岁的小子一个人锁在屋里 屋里炉子冒烟了",
    "有个陌生男人把我们村的小女孩抱上面包车开走了",
    "学生在楼顶边上坐着 说活着没意思要跳下去",
    "孩子被开水烫了一大片 皮都起泡掉了 家里没大人",
    "我爸喝醉了拿刀追着我和弟弟 我们躲在厕所里",
    "五岁的娃发高烧抽搐 奶奶背不动 村里没车",
    "初一的女孩被几个社会青年带去宾馆了 还没出来",
    "孩子在河边玩 刚才一下子就看不见人了",
    "wo di di diao jin shui jing li le",
    "小孩被狗咬了 腿上一直流血止不住",
    "宿舍里一个男生半夜不见了 床上没人 鞋也不在",
]
CALM_SHORT = ["谢谢你们", "好的", "不用了", "你好", "取消吧", "我想问问政策", "查一下我上次报的案子"]


def full_parser(parser) -> Parser:
    """The same artefact with the cascade switched off: the full model always runs."""
    meta = {k: v for k, v in parser.meta.items() if k != "cascade"}
    return Parser(meta, parser.stacks, min_confidence=parser.min_confidence,
                  ambiguity_margin=parser.ambiguity_margin, model_path=parser.model_path)


def test_the_artefact_has_cascade_thresholds_chosen_out_of_fold(parser):
    c = parser.meta["cascade"]
    assert c["oof_urgent_skipped"] == 0
    assert c["oof_near_band_skipped"] <= c["oof_disagree"] <= (1 - cascade.AGREEMENT) * c["oof_examples"]
    assert c["urgency_no"] < parser.band["low"]
    assert c["oof_skipped"] > 0  # the cascade is not dead


@pytest.mark.parametrize("text", URGENT)
def test_the_cascade_never_skips_the_encoder_on_an_urgent_message(parser, text):
    result = parser.parse(text)
    assert result["debug"]["path"] != "cascade"
    full = full_parser(parser).parse(text)
    assert result["urgency"]["confidence"] == full["urgency"]["confidence"]


def test_what_the_full_model_calls_urgent_or_unsure_is_never_skipped(parser):
    full = full_parser(parser)
    for text in URGENT + CALM_SHORT:
        p = full.parse(text)
        if danger.assess(normalize_text(text), p).verdict != "no":
            assert parser.parse(text)["debug"]["path"] != "cascade", text


def test_a_skipped_message_gets_the_full_models_intent_and_no_danger(parser):
    full = full_parser(parser)
    skipped = 0
    for text in CALM_SHORT + ["孩子他爸去广州打工了 娃交给他姑照看 要登记一下",
                              "我想把照护人从奶奶换成孩子大伯", "我女儿在东莞打工 外孙女放我这里 要不要登记"]:
        result = parser.parse(text)
        if result["debug"]["path"] == "cascade":
            skipped += 1
            assert result["intent"]["name"] == full.parse(text)["intent"]["name"], text
            assert danger.assess(normalize_text(text), result).verdict == "no"
    assert skipped >= 1


def test_choose_never_lets_an_urgent_example_skip_and_keeps_agreement():
    rng = np.random.default_rng(3)
    n = 400
    urgent = rng.random(n) < 0.3
    urg_full = np.where(urgent, rng.uniform(0.05, 1.0, n), rng.uniform(0.0, 0.3, n))
    urg_cheap = np.clip(urg_full + rng.normal(0, 0.05, n), 0, 1)
    int_full = rng.dirichlet(np.ones(4) * 0.3, n)
    int_cheap = np.clip(int_full + rng.normal(0, 0.05, (n, 4)), 1e-4, None)
    int_cheap /= int_cheap.sum(1, keepdims=True)
    rows = np.arange(0, n, 2)
    cat_full = rng.dirichlet(np.ones(3) * 0.3, len(rows))
    c = cascade.choose(int_full, int_cheap, rows, cat_full, cat_full.copy(), urgent, urg_full, urg_cheap,
                       np.zeros(n, dtype=bool), low=0.03)
    assert c["oof_urgent_skipped"] == 0
    assert c["oof_near_band_skipped"] <= c["oof_disagree"] <= 0.01 * n
    assert c["urgency_no"] <= 0.5 * min(urg_cheap[urgent].min(), 0.03) + 1e-9
    forced = urg_cheap > 0.5  # the examples a danger rule would send to the full model anyway
    c2 = cascade.choose(int_full, int_cheap, rows, cat_full, cat_full.copy(), urgent, urg_full, urg_cheap,
                        forced, low=0.03)
    assert c2["oof_urgent_skipped"] == 0 and c2["urgency_no"] >= c["urgency_no"]


def test_a_danger_rule_always_runs_the_full_model():
    t = {"intent": 0.5, "category": 0.5, "urgency_no": 0.01}
    assert cascade.confident(t, np.array([0.99, 0.01]), None, 0.001, danger_rule=False)
    assert not cascade.confident(t, np.array([0.99, 0.01]), None, 0.001, danger_rule=True)
    assert not cascade.confident(t, np.array([0.99, 0.01]), None, 0.02, danger_rule=False)
    assert not cascade.confident(t, np.array([0.99, 0.01]), np.array([0.4, 0.6]) * 0.5, 0.001, False)
    assert not cascade.confident(None, np.array([0.99, 0.01]), None, 0.001, False)
