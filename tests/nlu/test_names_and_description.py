"""Names and descriptions: the reporter's own name is never the child's, a role is not a name,
and a first message that only says who reports is not a description."""
from __future__ import annotations

import pytest

from handlers import validators as v
from handlers.describe import says_what_happened


@pytest.mark.parametrize(("text", "child"), [
    ("我叫张红梅，孩子叫王小明", "王小明"),
    ("我叫张红梅", None),
    ("我的名字叫李芳 孩子8岁", None),
    ("她叫刘小雨", "刘小雨"),
])
def test_the_reporters_own_name_is_never_the_childs(text, child):
    assert v.parse_child_name(text) == child


@pytest.mark.parametrize(("text", "name"), [
    ("我是李老师", "李老师"),
    ("我是红星镇中心小学的王老师", "王老师"),
    ("我是老师", None),
    ("我是学校老师", None),
    ("我是班主任老师", None),
    ("我是红星镇卫生院医生李建华，今天接诊一名男童", "李建华"),
    ("我是医生，要做强制报告", None),
])
def test_a_role_is_not_a_name(text, name):
    assert v.parse_reporter_name(text) == name


@pytest.mark.parametrize(("text", "says"), [
    ("我要报告", False),
    ("我是医生，要做强制报告", False),
    ("我是红星镇卫生院的医生，要做强制报告", False),
    ("你好，我想反映一个情况", False),
    ("孩子被打了", True),
    ("学生三天没来上学", True),
    ("娃不见了", True),
    ("红星镇有个孩子没人管", True),
    # who writes and that they want to tell something, nothing of what happened
    ("您好，我是红星镇中心小学三年级的班主任，想报告一个学生的情况。", False),
    ("我想说一件事 可以吗", False),
    ("我是红星镇的村干部 有件事要报告", False),
    ("社工站，想转介一个困境留守家庭", False),
    ("有个孩子一个人住", True),
])
def test_what_happened_is_told_apart_from_who_reports(text, says):
    assert says_what_happened(text) is says
