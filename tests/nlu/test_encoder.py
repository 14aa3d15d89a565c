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
