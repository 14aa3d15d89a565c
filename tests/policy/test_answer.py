"""Answers: citations, follow-ups, reports, refusals and bad input."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy.text import normalize

WH = "乌海政办发〔2016〕71号"


def test_issue_examples(answerer):
    a = answerer.ask("孩子14岁，我们出去打工能让他一个人在家吗?")
    assert a.found and a.sources[0]["document"] == WH and a.sources[0]["section"] == "二、（一）"
    assert a.sources[0]["title"] and "16" in a.answer and a.passage and "十六周岁" in a.passage
    assert not a.looks_like_report
    b = answerer.ask("老师发现了必须报告吗? 报给谁?")
    assert b.found and "公安机关" in b.answer and b.sources[0]["section"] == "三、（一）"
    c = answerer.ask("儿童主任多久来家访一次?")
    assert "每个季度" in c.answer and c.sources[0]["document"] == "阜民儿童函〔2024〕1号"
    d = answerer.ask("什么是困境儿童?")
    assert d.found and "残疾" in d.answer
    e = answerer.ask("举报会不会被打击报复?")
    assert e.found and "没有专门" in e.answer  # honest about what the documents do not say


def test_follow_up_uses_context(answerer):
    first = answerer.ask("孩子14岁，我们出去打工能让他一个人在家吗?")
    under = answerer.ask("那如果孩子15岁呢?", first.context)
    assert under.found and under.answer.startswith("15岁还不满16周岁")
    over = answerer.ask("那17岁呢？", first.context)
    assert over.found and over.answer.startswith("17岁已满16周岁")
    assert over.sources[0]["section"] == "二、（一）"


def test_report_is_recognised(any_answerer):
    answerer = any_answerer
    a = answerer.ask("邻居天天打孩子怎么办")
    assert a.looks_like_report and a.found and "110" in a.answer
    assert answerer.ask("我们村有个孩子一个人在家好几天了").looks_like_report
    assert not answerer.ask("家暴要报告吗？").looks_like_report
    assert not answerer.ask("什么是留守儿童").looks_like_report


def test_not_covered_points_to_people(any_answerer):
    answerer = any_answerer
    for q in ("孩子的户口怎么迁到城里", "留守儿童每个月能领多少补贴", "今天天气怎么样"):
        a = answerer.ask(q)
        assert not a.found, q
        for number in ("0000-1234567", "12345", "12355", "110"):
            assert number in a.answer, (q, number)


def test_traditional_question_gets_traditional_answer(answerer):
    a = answerer.ask("兒童主任多久來家訪一次？")
    assert a.found and "兒童主任" in a.answer and "每个季度" in normalize(a.answer)


def test_passage_retrieval_quotes_the_document(answerer):
    # (州统计局 has a curated answer since policy3; 州文明办 is still answered from the passage)
    a = answerer.ask("州文明办在留守儿童工作里负责什么")
    assert a.found and a.kind == "passage" and a.sources[0]["section"] == "四、州文明办"
    assert "文明办" in a.answer and a.passage


def test_curated_answers_work_without_documents(curated_only):
    a = curated_only.ask("孩子14岁，我们出去打工能让他一个人在家吗?")
    assert a.found and a.sources[0]["document"] == WH and a.passage is None


def test_bad_inputs_get_polite_replies(any_answerer):
    answerer = any_answerer
    for q in ("", "   ", "?？", "12345", "asdfghjkl", "How old must a child be to stay alone?",
              "😀😀", "啊" * 5000, "孩子" * 3000 + "一个人在家可以吗"):
        a = answerer.ask(q)
        assert isinstance(a.answer, str) and a.answer and not a.found or a.found, q
        assert a.answer.strip()
    assert not answerer.ask("").found
    assert "中文" in answerer.ask("How old must a child be to stay alone?").answer
    assert not answerer.ask(None).found  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_never_raises(any_answerer, text):
    a = any_answerer.ask(text, {"question": "孩子能一个人在家吗", "age": 14})
    assert isinstance(a.answer, str) and a.answer
    assert isinstance(a.context, dict)
