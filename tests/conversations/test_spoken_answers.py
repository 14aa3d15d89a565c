"""Registrations and updates as hurried parents type them: sentences separated by spaces
instead of commas, 俺/他爹 for 我/孩子爸爸, an elder child or "他爷" as the answer to
"who looks after the child", and an update whose first message already says what changed.
Each fact said once is never asked again. Through the real engine and NLU, and the parser
on its own; all names and numbers fictional."""
from __future__ import annotations

from datetime import date

from handlers import entrust_parse, entrust_slots, places
from tests.conversations.test_engine_real_nlu import Talk
from tests.conversations.test_entrustment import answer, api_children  # noqa: F401  (fixture)


def test_a_space_between_two_sentences_is_a_clause_break_but_not_inside_a_field_list():
    assert entrust_parse.clauses("俺跟孩子他爹都在北京干保洁 俩孩子在老家跟着他爷 想报个备") == [
        "俺跟孩子他爹都在北京干保洁", "俩孩子在老家跟着他爷 想报个备"]
    assert entrust_parse.clauses("奶奶 李桂兰 13900001234 65岁 身体好 和孩子住一起") == [
        "奶奶 李桂兰 13900001234 65岁 身体好 和孩子住一起"]


def test_northern_words_for_i_and_the_childs_father():
    facts = entrust_parse.extract("俺跟孩子他爹都在北京干保洁 俩孩子在老家跟着他爷 想报个备", set())
    assert facts["parent"]["city"] == "北京"
    assert facts["other_parent"] == "away"
    assert facts["guardian"]["relation"] == "爷爷"


def test_the_guardian_in_a_sentence_after_the_parents_own():
    facts = entrust_parse.extract("我在上海送外卖 想给我儿子登记一下 平时是他表哥照看", set())
    assert facts["parent"]["city"] == "上海" and facts["guardian"]["relation"] == "表哥"


def _to_guardian_question(t: Talk, first: str, kids: str, home: str, phone: str) -> str:
    reply = t.say(first)
    for said in (kids, home, phone):
        assert "由谁照顾" not in reply and "叫什么名字？能说的都一起说" not in reply, reply
        reply = t.say(said)
    return reply


def test_an_elder_sister_named_as_the_guardian_is_not_another_child(engine, api_children):  # noqa: F811
    t = Talk(engine, "wx-elder-sister")
    reply = _to_guardian_question(t, "我们两口子去成都打工了 想登记一下孩子", "冯小宇 男 9岁 青山镇石桥村小学三年级",
                                  "青山镇石桥村", "13500044601")
    assert "由谁照顾" in reply, reply
    summary = t.say("老大 冯小玲 16岁 在家 电话13500044602 跟弟弟住一起")
    assert "请核对登记信息" in summary, summary  # nothing about the guardian asked again
    assert "冯小玲，电话 13500044602，16岁" in summary and "孩子：冯小宇，男孩9岁" in summary
    done = t.say("确认")
    assert "未满18岁" in done
    [child] = api_children()
    e = child["entrustment"]
    assert (e["guardian_name"], e["guardian_age"], e["guardian_phone"]) == ("冯小玲", 16, "13500044602")


def test_the_grandfather_as_his_grandchildren_say_it(engine, api_children):  # noqa: F811
    t = Talk(engine, "wx-ta-ye")
    reply = t.say("俺跟孩子他爹都在北京干保洁 俩孩子在老家跟着他爷 想报个备")
    summary = answer(t, reply, {
        "孩子叫什么名字": "牛佳豪 男 12岁 青山镇中学初一\n牛佳怡 女 9岁 青山镇石桥村小学三年级",
        "哪个村": "青山镇白沙村", "手机号": "13500088001",
        "叫什么名字？能说的都一起说": "他爷 牛满仓 69岁 身体还中 电话13500088002 跟孩子们一块住"})
    # the city, the other parent and the grandfather were in the first message: not asked
    assert t.n == 5, summary
    assert "爷爷 牛满仓，电话 13500088002，69岁" in summary and "在北京打工" in summary
    t.say("确认")
    e = api_children()[0]["entrustment"]
    assert (e["guardian_relation"], e["guardian_name"], e["other_parent"]) == ("爷爷", "牛满仓", "away")


def test_all_details_in_two_messages_complete_without_re_asking(engine):
    t = Talk(engine, "wx-two-messages")
    reply = t.say("俺两口子要去北京干装修了 娃得留给他奶奶 咋登记")
    assert "孩子叫什么名字" in reply, reply
    summary = t.say("孩子刘小军，男，8岁，家在柳河乡李家村，我电话13500026601，奶奶常桂香 电话13500026602")
    assert "请核对登记信息" in summary, summary
    assert t.n == 2


def test_an_update_that_says_the_change_first_asks_only_about_the_new_guardian(engine):
    t = Talk(engine, "wx-update-first")
    reply = answer(t, t.say("我要登记委托监护"), {
        "孩子叫什么名字": "鲍天宇 男 10岁", "哪个乡镇": "青山镇石桥村", "手机号": "13500000201",
        "哪个城市": "北京", "另一位家长": "也在外地打工", "由谁照顾": "爷爷 鲍大山 电话13500000202"})
    assert "请核对登记信息" in reply
    assert "已登记" in t.say("确认")
    reply = t.say("我们家娃现在不跟他爷爷了 改成他表姐照看 要改一下")
    assert "表姐叫什么名字" in reply, reply  # not "要改什么" with the old registration
    reply = t.say("表姐 鲍婷婷 24岁 在镇上上班 电话13500000203 跟孩子住一块")
    if "还住在" in reply:
        reply = t.say("是")
    assert "要改成这样" in reply and "表姐 鲍婷婷" in reply, reply
    assert "已更新（第2版" in t.say("确认")


def test_a_guardian_line_with_commas_keeps_its_phone_and_the_grandmothers_past_is_not_mine():
    line = "奶奶 常桂香 66岁 前年中风，半边身子不灵便，走路要拄拐 电话13500026676 跟孩子住一起"
    g = entrust_parse.extract(line, set(), about="guardian")["guardian"]
    assert (g["name"], g["phone"], g["age"], g["health"], g["lives_with"]) == ("常桂香", "13500026676", 66, "ill", True)
    slots = entrust_slots.new_slots()
    gaz = places.Gazetteer({"红星镇": []}, [("东风村", "红星镇", [])])
    entrust_slots.merge(slots, "过完年我就要去郑州干活了，就是他奶奶前年中风过", gaz, date(2026, 12, 3))
    assert slots["parent"]["left_on"] == "2027-02-15"  # the coming new year, not the stroke's 前年


def test_a_parent_arranging_care_before_leaving_registers_though_it_reads_like_a_report(engine):
    t = Talk(engine, "wx-arranges-care")
    reply = t.say("过完年我就要去郑州干活了，孩子只能让他奶奶带，就是他奶奶前年中风过，半边身子不太灵便")
    assert "我来帮您登记" in reply and "孩子叫什么名字" in reply, reply


def test_a_guardian_line_broken_by_spaces_keeps_its_phone():
    line = "奶奶 姚淑英 66岁 前年中风过 半边身子不利索 自己都得人扶着 电话13500066852 跟孩子住一起"
    g = entrust_parse.extract(line, set())["guardian"]
    assert (g["name"], g["phone"], g["lives_with"]) == ("姚淑英", "13500066852", True)


def test_the_other_parent_in_another_city_or_separated():
    from handlers import entrust_answer, entrust_people
    assert entrust_people.other_parent("孩子妈妈在广东，我们分开了") == "none"
    slots = entrust_slots.new_slots()
    assert entrust_answer._other_parent(slots, "孩子爸爸在厦门开货车，一直在那边", []) is None
    assert slots["other_parent"] == "away"
