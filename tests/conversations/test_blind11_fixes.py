"""Registrations that went wrong in the spent blind11 cards, in new fictional words: a parent
asking in dialect whether to register ("先登记上行不", "中不中"), a parent writing in English,
and a home village cut by jieba into a place word plus 村 taken as the work city."""
from __future__ import annotations

import pytest

from handlers import entrust_parse as p
from handlers.describe import asks_to_register
from tests.conversations.test_engine_real_nlu import Talk


@pytest.mark.parametrize("said", ["俺过完年得上新疆干活 娃还没寻着人看 先登记上行不",
                                  "我要去外地打工了，孩子先登记一下中不中"])
def test_a_dialect_yes_no_question_about_registering_is_asking(said):
    assert asks_to_register(said)


def test_a_statement_without_a_question_is_not_asking():
    assert not asks_to_register("我出去打工了，孩子他奶奶带，我来登记")


def test_asking_in_dialect_starts_the_registration_not_a_report(engine):
    reply = Talk(engine, "wx-b11-dialect-register").say("俺过完年得上新疆干活 娃还没寻着人看 先登记上行不")
    assert "我来帮您登记" in reply, reply
    assert "对吗" not in reply and "哪个乡镇、哪个村" not in reply


def test_a_parent_registering_in_english_is_not_asked_about_danger(engine):
    reply = Talk(engine, "wx-b11-english-register").say("hello, I need to register my two kids, I am going to 广州 for work")
    assert "有危险吗" not in reply and "110" not in reply, reply
    assert "我来帮您登记" in reply


def test_an_emergency_in_english_is_still_asked_about(engine):
    reply = Talk(engine, "wx-b11-english-danger").say("my little brother is locked in the shed and he is crying, nobody is home")
    assert "有危险吗" in reply or "110" in reply, reply


def test_a_home_village_cut_in_two_is_not_the_work_city():
    facts = p.extract("我过了元宵去天津的工地干活，孩子跟我妈过。我妈今年六十九，家在青山镇石桥村，孩子在镇中学上学。",
                      {"青山镇", "石桥村"})
    assert facts["parent"].get("city") == "天津", facts


def test_a_fear_after_the_danger_question_keeps_the_case_urgent(engine, api_cases):
    """"两天了还没找着，怕出事" is not a clear answer: read with the first message, it is
    danger; the 110 guidance is given and the case the police receive says urgent."""
    talk = Talk(engine, "wx-b11-fear-urgent")
    reply = talk.say("前年俺们村有个娃跑丢过，后来寻回来了，这回又没影了，一天一夜了")
    assert "有危险吗" in reply, reply
    reply = talk.say("一天一夜还没寻着，怕出事")
    assert "110" in reply, reply
    for said in ("青山镇石桥村", "十二三岁", "确认"):
        reply = talk.say(said)
        if "请核对" in reply:
            break
    if "已提交" not in reply:
        reply = talk.say("确认")
    assert "已提交" in reply, reply
    assert api_cases()[-1]["urgency"] == "urgent"


def test_a_child_who_does_not_know_whom_to_tell_is_asked_and_heard(engine):
    """The menu ends on its question, so the last thing read is "遇到什么事了？"; what the
    child then says starts a report, danger first."""
    talk = Talk(engine, "wx-b11-whom-to-tell")
    reply = talk.say("我不知道该跟谁说")
    assert reply.split(" [")[0].strip().endswith("遇到什么事了？"), reply
    reply = talk.say("网上有个人逼我拍照片 说不给钱就发到班级群里 今晚就发 我不想活了")
    assert "110" in reply or "有危险吗" in reply, reply


@pytest.mark.parametrize("said", ["浙江义乌 在市场里给人搬货", "在浙江义乌打零工"])
def test_a_city_jieba_tags_nz_after_its_province_is_the_city(said):
    """义乌 is not a place word to jieba (nz): right after 浙江 it is still the city, and the
    province is never repeated as the city ("在浙江浙江打工")."""
    assert p.work_place(said, set(), "浙江") == {"province": "浙江", "city": "义乌"}


def test_a_kin_house_as_a_landmark_is_not_a_new_guardian():
    """"搬到他舅舅家隔壁了" says where the family lives now; the guardian has not changed."""
    from handlers.entrust_people import guardian_subject
    assert not guardian_subject("现在搬到石桥村他舅舅家隔壁了")
    assert guardian_subject("现在孩子住到他舅舅家了，舅舅带")
