"""The sentence encoder loads from the installed package, with no network, and means something."""
from __future__ import annotations

import socket

import numpy as np

from nlu import encoder


def test_encoder_loads_offline_and_separates_meanings(monkeypatch, tmp_path):
    def no_network(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    alone = encoder.embed("孩子晚上一个人在家发高烧")
    alone2 = encoder.embed("娃半夜自己在屋头烧得滚烫，大人都不在")
    register = encoder.embed("我想登记一下孩子的委托照护人")
    assert alone.shape == (384,) and abs(float(np.linalg.norm(alone)) - 1.0) < 1e-3
    assert float(alone @ alone2) > float(alone @ register)


def test_embedding_cache_reuses_vectors(tmp_path, monkeypatch):
    cache = encoder.EmbeddingCache(tmp_path)
    first = cache.embed_all(["孩子不见了", "你好"])
    assert (tmp_path / "e5-embeddings.npz").exists()
    calls = []
    monkeypatch.setattr(encoder, "embed", lambda t: calls.append(t))
    again = encoder.EmbeddingCache(tmp_path).embed_all(["你好", "孩子不见了"])
    assert calls == [] and np.allclose(again[::-1], first)


def test_encoder_reads_a_bounded_window_of_a_long_message(parser, monkeypatch):
    """The encoder's cost grows with its input: a long ramble costs two windows of
    MAX_CHARS, its start and its end (where danger told last is), and no more."""
    seen: list[str] = []
    real = encoder.embed

    def recording(text):
        seen.append(text)
        return real(text)

    monkeypatch.setattr(encoder, "embed", recording)
    ramble = "我是村里的网格员，今天上午去走访几户人家，" * 10 + "现在王家那个五岁的娃一个人在塘边哭，大人都不在"
    result = parser.parse(ramble)
    assert len(seen) == 2
    assert seen[0].startswith("我是村里的网格员")  # embedded up to the window (encoder.embed cuts)
    # the end of the message, not the start of the 160-character tail window
    assert seen[1].endswith("大人都不在") and encoder.clip(seen[1]) == seen[1]
    assert len(seen[1]) < encoder.MAX_CHARS + 8  # a few narrow commas and digits count a quarter
    assert result["urgency"]["confidence"] > 0  # still decided


def test_the_window_counts_tokens_worth_not_characters():
    """48 Chinese characters are about 40 tokens; 48 Latin letters are about 10. A message
    typed in English or pinyin keeps the danger told in its second sentence."""
    chinese = "我是东风村的网格员今天早上在河边看到一个小女孩一个人坐着哭" * 3
    assert encoder.clip(chinese) == chinese[:encoder.MAX_CHARS]
    assert encoder.clip(chinese, from_end=True) == chinese[-encoder.MAX_CHARS:]
    english = ("hello, I live next door to a family in Baisha village. since this morning "
               "their little boy, about four, is burning with fever and now shaking all over, "
               "nobody home")
    assert "shaking all over" in encoder.clip(english)
    mixed = "我孙女 5 sui, 从昨天开始 fa shao, 现在 chou chu 了，家里没车"
    assert encoder.clip(mixed) == mixed  # short: all of it
    m = encoder.model()
    assert m.token_count(encoder.clip("x " * 400), True) <= 110  # bounded cost, whatever the script
