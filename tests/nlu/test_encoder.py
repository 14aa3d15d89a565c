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
    assert seen[0].startswith("我是村里的网格员")  # embedded up to MAX_CHARS (encoder.embed cuts)
    # the end of the message, not the start of the 160-character tail window
    assert len(seen[1]) == encoder.MAX_CHARS and seen[1].endswith("大人都不在")
    assert result["urgency"]["confidence"] > 0  # still decided
