"""A registration takes several details in one answer, the way parents type them: the
guardian's line with where the child lives, the other parent said in dialect, the parent's
own name after 本人. Through the real engine and NLU, and the parser on its own; all fictional."""
from __future__ import annotations

import pytest

from handlers import entrust_parse, entrust_people
from tests.conversations.test_engine_real_nlu import Talk


@pytest.mark.parametrize(("said", "code"), [
    ("俺媳妇跟俺一块去", "away"),
    ("孩子爸爸在外面也不怎么联系", "away"),
    ("孩子妈妈在家", "home"),
])
def test_the_other_parent_in_plain_words(said, code):
    assert entrust_people.other_parent(said) == code


@pytest.mark.parametrize(("line", "living"), [
    ("外婆 赵秀兰 62岁 身体好 电话13900087002 孩子跟外婆住", True),
    ("奶奶 李桂芳 73岁 身体还硬朗 电话13900042007 跟娃们住一块", True),
    ("叔叔 张强 40岁 身体好 电话13900020005 他住镇上 隔几天回村里看一次", False),
])
def test_where_the_child_lives_is_read_from_the_guardian_line(line, living):
    assert entrust_people.guardian_entry(line)["lives_with"] is living


def test_the_parents_name_after_benren():
    facts = entrust_parse.extract("外出务工登记。本人王海燕，电话13900087865，在重庆打工", set())
    assert facts["parent"]["name"] == "王海燕"


def test_a_named_guardian_is_kept_when_the_child_sleeps_alone(engine):
    """"叔叔 张强 … 孩子自己住老房子": the uncle is the guardian, living apart; not "nobody"."""
    t = Talk(engine, "wx-uncle-apart")
    reply = t.say("我叫张伟，电话13800020456，在福建厦门打工，这个月出来的，我是孩子爸爸，孩子妈妈不在了。"
                  "孩子张子轩 男 13岁 红星镇初级中学初一，家在红星镇向阳村。孩子交给他叔叔")
    for _ in range(4):
        if "请核对登记信息" in reply:
            break
        reply = t.say("叔叔 张强 40岁 身体好 电话13900020005 他住镇上 隔几天回村里看一次 孩子自己住老房子")
    assert "请核对登记信息" in reply, reply
    assert "叔叔 张强" in reply and "没有人照顾" not in reply
