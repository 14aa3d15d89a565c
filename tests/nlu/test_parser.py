import time

from hypothesis import given, settings
from hypothesis import strategies as st

from nlu import load_parser

KEYS = {"text", "intent", "intent_ranking", "entities"}
OPTIONAL = {"category", "urgency"}  # the stacked model's whole-message probabilities
DEBUG = {"debug"}  # outside the contract: which path answered (nlu/cascade.py)
PATHS = {"small_talk", "cascade", "encoder", "no_encoder"}


def check_shape(result, text):
    assert KEYS <= set(result) <= KEYS | OPTIONAL | DEBUG and result["text"] == text
    if "debug" in result:
        assert result["debug"]["path"] in PATHS
    for key in OPTIONAL & set(result):
        assert 0.0 <= result[key]["confidence"] <= 1.0
    assert set(result["intent"]) == {"name", "confidence"}
    assert 0.0 <= result["intent"]["confidence"] <= 1.0
    for e in result["entities"]:
        assert {"entity", "value", "start", "end"} <= set(e)


def test_intents(parser):
    cases = {
        "我要举报 隔壁家孩子没人管": "report_case",
        "我要去深圳打工 孩子交给奶奶 要登记": "register_entrustment",
        "照护人换成外婆了": "update_entrustment",
        "家暴法是怎么规定的": "ask_policy",
        "查一下案件BG-20261101-0003": "check_status",
        "转人工": "human_handoff",
        "你好": "greet", "谢谢": "thanks", "再见": "goodbye", "取消": "cancel",
    }
    for text, intent in cases.items():
        assert parser.parse(text)["intent"]["name"] == intent, text


def test_hard_negative_law_question_is_not_a_report(parser):
    assert parser.parse("反家庭暴力法对打孩子有什么规定")["intent"]["name"] == "ask_policy"


def test_bad_input_gives_low_confidence(parser):
    for text in ["", "   ", "😀😀😀", "\x00\x01\x02", "孩" * 10_000, "a" * 10_000, "?!。，"]:
        r = parser.parse(text)
        check_shape(r, text)
    assert parser.is_uncertain(parser.parse(""))
    assert parser.is_uncertain(parser.parse("😀😀😀"))


def test_non_string_does_not_raise(parser):
    assert parser.parse(None)["intent"]["confidence"] == 0.0


def test_is_uncertain(parser):
    assert not parser.is_uncertain(parser.parse("我要举报 隔壁家孩子天天挨打"))
    close = {"intent": {"name": "a", "confidence": 0.5},
             "intent_ranking": [{"name": "a", "confidence": 0.5}, {"name": "b", "confidence": 0.45}]}
    assert parser.is_uncertain(close)
    assert parser.is_uncertain({"intent": {"name": "a", "confidence": 0.3}, "intent_ranking": []})


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_parse_never_raises(parser, text):
    check_shape(parser.parse(text), text)


SMALL_DATA = """nlu:
- intent: report_case
  examples: |
    - [孩子一个人在家](category:child_alone)
    - [娃一个人住了一个月](category:child_alone)
    - [学生三天没来上学](category:dropout)
    - [孩子不读书了](category:dropout)
    - 孩子[掉河里了](urgency:urgent)
    - 娃[被车撞了 流了好多血](urgency:urgent)
- intent: greet
  examples: |
    - 你好
    - 您好
    - 在吗
    - 早上好
- intent: thanks
  examples: |
    - 谢谢
    - 多谢
    - 谢谢你们
    - 太感谢了
"""


def test_artefact_is_reused_and_retrained_when_stale(model_dir, tmp_path):
    from tests.nlu.conftest import CONFIG

    started = time.perf_counter()
    load_parser(CONFIG, model_dir)
    assert time.perf_counter() - started < 1.0  # loads the artefact, no training
    data = tmp_path / "nlu.yml"  # a small file: training the whole data twice takes minutes
    data.write_text(SMALL_DATA, encoding="utf-8")
    p1 = load_parser({**CONFIG, "data": str(data)}, tmp_path / "m")
    data.write_text(data.read_text(encoding="utf-8") + "\n- intent: greet\n  examples: |\n    - 嗨嗨\n",
                    encoding="utf-8")
    p2 = load_parser({**CONFIG, "data": str(data)}, tmp_path / "m")
    assert p1.model_path != p2.model_path and p1.meta["hash"] != p2.meta["hash"]
    assert len(list((tmp_path / "m").iterdir())) == 2
