"""Round 11: a report that ends by asking what to do is a report; a question about the
rules that mentions a hurt child is a question. Texts are fictional, written for these
tests in other words than the training data and the spent blind files."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text", [
    "我们院子里有个小姑娘 她爸一喝酒就拿扫把打她 昨天打得她胳膊都抬不起来了 这该怎么办",
    "我孙子十一岁 这个学期开学到现在一天都没去学校 天天在家打游戏 我管不住 该找谁",
    "隔壁家的两个娃 大人出门打工快半年了 就他们俩自己在家做饭 村里能管吗",
    "我是卫生院的护士 今天有个小孩来看病 身上青一块紫一块 她说是她妈打的 我们该怎么办",
])
def test_a_report_that_ends_by_asking_what_to_do_is_a_report(parser, text):
    assert parser.parse(text)["intent"]["name"] == "report_case"


@pytest.mark.parametrize("text", [
    "孩子被家长打成重伤 法律上家长要负什么责任",
    "如果发现学生被父母打了 老师必须报告吗",
    "被父亲打伤的孩子 治疗费用有没有救助政策",
])
def test_a_policy_question_that_mentions_a_beaten_child_is_a_policy_question(parser, text):
    assert parser.parse(text)["intent"]["name"] == "ask_policy"


@pytest.mark.parametrize("text", ["学生说她继父晚上会进她屋里摸她 她还住在家里",
                                  "邻居家女娃说她舅舅夜里钻她被窝 她爸妈都在外头"])
def test_sexual_abuse_by_someone_the_child_lives_with_is_not_answered_as_calm(parser, text):
    """The child goes back to him tonight: asked about or sent to 110, never a confident no."""
    from nlu import danger
    from nlu.normalize import normalize_text
    assert danger.assess(normalize_text(text), parser.parse(text)).verdict != "no"


def test_abuse_long_over_with_the_offender_sentenced_is_not_an_emergency(parser):
    from nlu import danger
    from nlu.normalize import normalize_text
    text = "孩子被猥亵是前年的事 那人早判了 孩子现在挺好"
    assert danger.assess(normalize_text(text), parser.parse(text)).verdict != "yes"
