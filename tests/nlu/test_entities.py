import pytest


def ents(parser, text):
    return {(e["entity"], e["value"]) for e in parser.parse(text)["entities"]}


def test_category_synonyms(parser):
    assert ("category", "domestic_violence") in ents(parser, "他爸往死里打孩子")
    assert ("category", "child_alone") in ents(parser, "娃一个人住 没人管")
    assert ("category", "dropout") in ents(parser, "学生辍学了")
    assert ("category", "child_missing") in ents(parser, "我孙子走丢了")


@pytest.mark.parametrize("text", [
    "救命 孩子掉水里了", "快来人 他爸正在打孩子", "娃一整夜没回来", "孩子喝了农药",
    "我家孩子不见了 到处找", "孩子昏倒了叫不醒", "着火了 屋里有孩子", "救命啊我爸又在打我",
    "我孫子一整夜沒回來 快來人啊",
])
def test_emergencies_are_urgent(parser, text):
    assert ("urgency", "urgent") in ents(parser, text)


@pytest.mark.parametrize("text", [
    "家暴法是怎么规定的", "我要去深圳打工 登记一下", "紧急联系人是我老公 电话13812345678",
    "孩子失踪了政府的处置流程是什么", "谢谢", "我正在外地打工 想改照护人",
])
def test_no_false_alarm(parser, text):
    assert ("urgency", "urgent") not in ents(parser, text)


def test_entrustment_entities(parser):
    e = ents(parser, "我去東莞打工 娃交给他阿公 电话一三八一二三四五六七八")
    assert {("city", "东莞"), ("relation", "爷爷"), ("phone", "13812345678")} <= e


def test_age_gender_role_name(parser):
    e = ents(parser, "我是班主任 女学生王小花十二岁 好几天没来上学")
    assert ("age", "12") in e and ("gender", "female") in e and ("reporter_role", "teacher") in e
    assert ("person_name", "王小花") in ents(parser, "孩子叫王小花 9岁")


def test_relation_keeps_second_uncle_and_maps_dialect(parser):
    assert ("relation", "二叔") in ents(parser, "孩子交给二叔带")
    assert ("relation", "外婆") in ents(parser, "娃跟他姥姥住")


def test_landline_phone(parser):
    assert ("phone", "07551234567") in ents(parser, "打这个电话 0755-1234567")


def test_date(parser):
    assert ("date", "昨天") in ents(parser, "孩子昨天放学没回家")


def test_gazetteer_aliases_and_runtime_change(parser):
    assert {("township", "红星镇"), ("village", "东风村")} <= ents(parser, "红星乡东风村有个娃没人管")
    parser.set_gazetteer({"township": {"金沙镇": ["金沙"]}, "village": {}})
    try:
        e = ents(parser, "金沙那边有个娃没人管 红星镇的")
        assert ("township", "金沙镇") in e and ("township", "红星镇") not in e
    finally:
        from nlu import DEMO_GAZETTEER
        parser.set_gazetteer(DEMO_GAZETTEER)


def test_spans_index_the_original_text(parser):
    text = "ＳＯＳ 我孫子十二歲 在東風村 電話 一三八一二三四五六七八"
    for e in parser.parse(text)["entities"]:
        assert 0 <= e["start"] < e["end"] <= len(text)
    spans = {e["entity"]: text[e["start"]:e["end"]] for e in parser.parse(text)["entities"]}
    assert spans["age"] == "十二歲" and spans["village"] == "東風村"
    assert spans["phone"] == "一三八一二三四五六七八"
