"""What kind of fact a question asks for (policy/asks.py), without the documents."""
from __future__ import annotations

import pytest

from policy.asks import asked, missing, other_place


@pytest.mark.parametrize("question, answer, lacking", [
    # a number with the unit asked
    ("儿童主任每次家访要待够多少分钟", "每次待30分钟。", "儿童主任每季度入户走访一次。"),
    ("每个村要配几名儿童主任", "每个村择优选任至少一名儿童主任。", "村里要选任儿童主任。"),
    ("老师不报告会被判几年", "依法判处三年以下有期徒刑。", "上级机关会严肃追责。"),
    # how long, without a unit: a span, "at once", "every quarter"
    ("台账隔多长时间核一次", "台账每季度核查一次。", "乡镇要建立信息台账。"),
    # a fine's amount
    ("不送娃上学罚多少", "处五百元以下罚款。", "督促监护人送适龄儿童入学。"),
    # papers for an application
    ("申请救助要准备哪些材料", "申请时提交户口簿和收入证明。", "符合条件的纳入救助范围。"),
    # who pays
    ("娃看病的钱能报销吗", "医疗费用按规定报销。", "医疗机构要及时救治。"),
    ("救助站几点开门", "每天8点开放。", "救助站要及时接收孩子。"),
])
def test_a_kind_of_fact_is_held_or_missing(question, answer, lacking):
    kinds = asked(question)
    assert kinds, question
    assert missing(kinds, answer) == 0.0
    assert missing(kinds, lacking) == 1.0


@pytest.mark.parametrize("question", [
    "孩子14岁，我们出去打工能让他一个人在家吗",
    "村里劝了好几回家长还是不送娃上学怎么办",  # 好几回 is "several times", not a count asked
    "一人一档的档案里要放些什么材料",  # what a file holds, not papers to bring
    "我们几个人想办个托管班",
])
def test_ordinary_questions_ask_no_kind(question):
    assert asked(question) == []


def test_a_date_is_not_a_span_of_years():
    assert missing(asked("档案要保存多少年"), "2016年11月印发。") == 1.0


def test_another_place_whose_rules_are_asked():
    known = "乌海 阜阳 内蒙古 大理"
    assert other_place("贵州那边对留守儿童有什么规定", known) == "贵州"
    assert other_place("广东省的留守儿童补助政策", known) == "广东省"
    assert other_place("阜阳那边的细则怎么说", known) is None  # one of our documents
    assert other_place("孩子爹妈在温州打工，孩子能自己住吗", known) is None  # where they work
