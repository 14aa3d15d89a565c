"""Registration answers about the children and the guardian that went wrong in real-looking
conversations: a rare surname before 闺女, a parent who does not know the child's age, the
guardian's name after "就是我弟弟", the child's own name given as the guardian's, a teenage
brother's age in Chinese numerals with his phone on the same line. Through the real engine
and NLU; all names and numbers fictional."""
from __future__ import annotations

from handlers import entrust_people
from tests.conversations.test_engine_real_nlu import Talk


def _to_summary(t: Talk, reply: str, answers: dict[str, str], turns: int = 8) -> str:
    """Answer each question by the first key found in it, until the summary shows."""
    for _ in range(turns):
        if "请核对登记信息" in reply:
            return reply
        said = next((a for k, a in answers.items() if k in reply), None)
        assert said is not None, reply
        reply = t.say(said)
    return reply


def test_a_rare_surname_before_guinv_keeps_the_name_and_the_age(engine):
    t = Talk(engine, "wx-rare-surname")
    t.say("登记一下")
    reply = t.say("郗晓萌 闺女 7岁 红星镇中心小学一年级")
    assert "没听清孩子的名字" not in reply, reply
    assert "出生" not in reply and "几岁" not in reply, reply
    reply = _to_summary(t, reply, {"哪个村": "红星镇向阳村", "姓名和手机号": "13600071234",
                                   "哪个城市": "江苏苏州", "另一位家长": "也在外地打工",
                                   "由谁照顾": "奶奶 郗桂英 66岁 电话13600071235 住一起"})
    assert "郗晓萌，女孩7岁" in reply, reply


def test_not_knowing_the_childs_age_is_asked_once_more_then_accepted(engine):
    t = Talk(engine, "wx-age-unknown")
    t.say("登记一下")
    reply = t.say("王小禾 女 红星镇中心小学二年级")
    reply = _to_summary(t, reply, {"哪个村": "红星镇向阳村", "出生": "不知道", "说个大概": "不知道",
                                   "姓名和手机号": "13600072234", "哪个城市": "江苏苏州",
                                   "另一位家长": "也在外地打工",
                                   "由谁照顾": "奶奶 王桂英 66岁 电话13600072235 住一起"})
    assert "请核对登记信息" in reply and "王小禾" in reply, reply
    assert t.say("确认").startswith("已登记"), "the registration is saved without the age"


def test_the_guardians_name_after_jiushi_wo_didi(engine):
    entry = entrust_people.guardian_entry("孩子舅舅，就是我弟弟 钱守业 56岁 腿脚不好 电话13600073235 跟孩子住")
    assert (entry["relation"], entry["name"], entry["age"], entry["phone"]) == ("舅舅", "钱守业", 56, "13600073235")


def test_the_child_is_never_taken_as_the_guardian(engine):
    t = Talk(engine, "wx-child-not-guardian")
    t.say("我要去成都打工了，孩子留给他舅舅照顾，麻烦登记。")
    reply = t.say("钱小川 男 11岁 红星镇初级中学初一")
    answers = {"哪个村": "红星镇向阳村", "姓名和手机号": "13600073234", "另一位家长": "孩子爸爸在外地开车"}
    for _ in range(5):
        if "舅舅" in reply and "名字" in reply or "姓名" in reply and "照顾" in reply:
            break
        reply = t.say(next(a for k, a in answers.items() if k in reply))
    reply = t.say("钱小川")
    assert "请核对登记信息" not in reply and "钱小川" in reply, reply
    assert "舅舅 钱小川" not in reply
    reply = t.say("舅舅 钱守业 电话13600073235")
    assert "舅舅 钱守业" in reply, reply


def test_a_teenage_brother_in_chinese_numerals_with_his_phone(engine):
    t = Talk(engine, "wx-teen-brother")
    t.say("我们要出去打工 娃儿交给他哥哥带 要不要登记")
    reply = t.say("孙小川 男 9岁 红星镇中心小学三年级")
    reply = _to_summary(t, reply, {"哪个村": "红星镇东风村", "姓名和手机号": "13600074234",
                                   "哪个城市": "广东中山 灯具厂", "另一位家长": "也在外地打工",
                                   "哥哥叫什么": "他大哥哥孙小峰 今年十六岁 在镇上读高一 电话13600074236 平时住家里"})
    assert "哥哥 孙小峰，电话 13600074236，16岁" in reply, reply
    done = t.say("确认")
    # the policy check guardian_young (core/services/left_behind): told to the parent at once
    assert done.startswith("已登记") and "未满18岁" in done, done


def test_the_other_parent_going_along_said_in_dialect():
    """"她娘也去 俩人一块" answers "the other parent?": away with the speaker."""
    from handlers import entrust_answer, entrust_slots
    slots = entrust_slots.new_slots()
    assert entrust_answer.direct(slots, "other_parent", None, "他娘也去 俩人一块", None, [], None) is None
    assert slots["other_parent"] == "away"
