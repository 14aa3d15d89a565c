"""Migrant parents register and keep current who looks after their children (委托监护),
through the real engine and the real NLU; each test reads the result back through
GET /api/v1/children (current entrustment and history)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.models import FollowUpTask, OutboundJob
from tests.conversations.test_engine_real_nlu import Talk

ONE_MESSAGE = ("我叫张建国，电话13800001111，在浙江宁波工地上干活，去年3月出来的，过年回去。孩子王小雨10岁女孩，"
               "在红星镇中心小学三年级，家在东风村，孩子妈妈也在外面打工。由奶奶李桂兰照顾，奶奶电话13900002222，"
               "68岁身体还行，跟孩子住一起。我是孩子爸爸")


@pytest.fixture
def api_children(client, make_staff, make_token):
    state = {}

    def get():
        if "token" not in state:
            make_staff("ent-admin", "admin")
            state["token"] = make_token("ent-admin")
        resp = client.get("/api/v1/children", headers={"Authorization": f"Bearer {state['token']}"})
        assert resp.status_code == 200
        return resp.get_json()["children"]
    return get


def answer(t: Talk, reply: str, answers: dict[str, str], limit: int = 20) -> str:
    """Answer each question by the first fragment it contains, until a summary shows."""
    for _ in range(limit):
        if "请核对登记信息" in reply or "要改成这样" in reply:
            return reply
        key = next((k for k in answers if k in reply), None)
        assert key, reply
        reply = t.say(answers[key])
    raise AssertionError(reply)


def register_in_one_message(t: Talk) -> str:
    summary = t.say(ONE_MESSAGE)
    assert "请核对登记信息" in summary, summary
    return t.say("确认登记")


def test_one_message_registration(engine, api_children, jurisdiction):
    t = Talk(engine, "wx-one")
    done = register_in_one_message(t)
    assert "已登记" in done and t.n == 2
    [child] = api_children()
    e = child["entrustment"]
    assert (child["name"], child["gender"], child["school"], child["school_class"], child["village"]) == (
        "王小雨", "female", "红星镇中心小学", "三年级", "东风村")
    assert (e["work_city"], e["work_province"], e["work_country"], e["parent_phone"]) == (
        "宁波", "浙江", None, "13800001111")
    assert (e["guardian_name"], e["guardian_relation"], e["guardian_phone"], e["guardian_age"],
            e["guardian_health"], e["guardian_lives_with_child"]) == ("李桂兰", "奶奶", "13900002222", 68, "good", True)
    assert e["other_parent"] == "away" and e["left_on"].startswith("2025-03") and e["concerns"] == []
    assert child["left_behind"] is True and len(child["entrustment_history"]) == 1
    with jurisdiction.sessions() as s:  # the village committee and the school are told
        units = {t.assigned_unit for t in s.scalars(select(FollowUpTask))}
    assert units == {"东风村村委会", "红星镇中心小学"}


def test_step_by_step_with_two_children_and_a_city_alone(engine, api_children):
    t = Talk(engine, "wx-steps")
    reply = t.say("我要登记委托监护")
    assert "孩子叫什么名字" in reply
    summary = answer(t, reply, {
        "孩子叫什么名字": "王小雨 10岁，王小雷 7岁", "哪个乡镇": "青山镇白沙村", "您的姓名": "刘芳",
        "您的手机号": "13800002222", "哪个城市": "在东莞", "另一位家长": "也在外地打工", "由谁照顾": "外婆 陈秀珍",
        "外婆的电话": "13900003333"})
    assert "王小雨" in summary and "王小雷" in summary and "东莞" in summary
    # Only what the policy needs was asked: the children, home, name, phone, city, the other
    # parent, who and their phone (9 turns with the first, one answer each); school, dates
    # and the guardian's age are offered once.
    assert t.n == 9 and "孩子在哪上学" in summary and "外婆的年纪" in summary, summary
    again = t.say("王小雨在青山镇中学读初一")
    assert "青山镇中学初一" in again and "想补充" not in again, again
    assert "已登记" in t.say("确认登记")
    kids = api_children()
    assert [k["name"] for k in kids] == ["王小雨", "王小雷"]
    assert all(k["entrustment"]["work_city"] == "东莞" and k["entrustment"]["guardian_name"] == "陈秀珍"
               for k in kids)
    assert kids[0]["school"] == "青山镇中学"


def test_abroad_and_a_guardian_named_after_a_relation_word(engine, api_children):
    t = Talk(engine, "wx-abroad")
    reply = t.say("我在日本大阪打工，想登记孩子由谁照顾")
    summary = answer(t, reply, {
        "孩子叫什么名字": "赵小兰 9岁 女孩", "哪个乡镇": "柳河乡李家村", "在哪个学校": "柳河乡小学三年级",
        "爸爸还是妈妈": "爸爸", "您的姓名": "赵建国", "您的手机号": "13800003333",
        "什么时候出去": "去年春节后", "另一位家长": "在家，但照顾不了孩子", "由谁照顾": "姑姑 赵红梅",
        "姑姑的电话": "13900004444", "多大年纪": "45", "身体怎么样": "身体好", "住在一起": "是"})
    assert "日本大阪" in summary and "姑姑 赵红梅" in summary
    t.say("确认登记")
    e = api_children()[0]["entrustment"]
    assert (e["work_city"], e["work_country"], e["guardian_relation"], e["guardian_name"]) == (
        "大阪", "日本", "姑姑", "赵红梅")


def test_updates_from_the_account_that_registered(engine, api_children):
    t = Talk(engine, "wx-upd")
    register_in_one_message(t)
    reply = t.say("从宁波换到天津工作了")
    assert "要改成这样" in reply and "天津" in reply
    assert "第2版" in t.say("确认修改")
    reply = t.say("电话换了")
    assert "您的新手机号码" in reply
    assert "要改成这样" in t.say("13600009999")
    t.say("确认修改")
    reply = t.say("孩子改由外婆照顾")
    summary = answer(t, reply, {"外婆叫什么名字": "刘秀英", "外婆的电话": "13700003333", "多大年纪": "66岁",
                                "身体怎么样": "身体好", "住在一起": "是", "还住在": "是"})
    assert "外婆 刘秀英" in summary
    t.say("确认修改")
    reply = t.say("更新一下，孩子转学到青山镇中学了")
    assert "要改成这样" in reply, reply
    t.say("确认修改")
    [child] = api_children()
    e = child["entrustment"]
    assert (e["version"], e["work_city"], e["parent_phone"], e["guardian_name"]) == (5, "天津", "13600009999", "刘秀英")
    assert child["school"] == "青山镇中学"
    history = child["entrustment_history"]
    assert [h["work_city"] for h in history] == ["宁波", "天津", "天津", "天津", "天津"]
    assert all(h["superseded_at"] for h in history[:-1]) and history[-1]["superseded_at"] is None


def test_return_home_ends_the_entrustment(engine, api_children):
    t = Talk(engine, "wx-home")
    register_in_one_message(t)
    assert "不再外出" in t.say("我们回老家了，不出去了")
    assert "委托监护已结束" in t.say("是")
    [child] = api_children()
    assert child["left_behind"] is False and child["entrustment"]["ended_at"]
    assert len(child["entrustment_history"]) == 2


def test_update_from_a_new_device_is_confirmed_with_a_code(engine, api_children, jurisdiction):
    register_in_one_message(Talk(engine, "wx-old-phone"))
    t = Talk(engine, "wx-new-phone")
    reply = t.say("我是王小雨的爸爸，之前登记过，现在换到惠州上班了")
    assert "手机号" in reply
    reply = t.say("13800001111")
    assert "确认码" in reply
    with jurisdiction.sessions() as s:
        job = s.scalars(select(OutboundJob).where(OutboundJob.kind == "reporter_message")).all()[-1]
        code = re.search(r"\d{6}", job.body).group()
    reply = t.say(code)
    assert "要改成这样" in reply and "惠州" in reply
    t.say("确认修改")
    e = api_children()[0]["entrustment"]
    assert (e["version"], e["work_city"]) == (2, "惠州")


def test_another_family_cannot_read_or_change_by_guessing(engine, api_children):
    register_in_one_message(Talk(engine, "wx-family"))
    stranger = Talk(engine, "wx-stranger")
    reply = stranger.say("我之前登记过，孩子王小雨，电话13800001111，现在换到惠州了")
    assert "确认码" in reply and "李桂兰" not in reply and "13900002222" not in reply
    assert "不对" in stranger.say("123456")
    assert "不对" in stranger.say("654321")
    reply = stranger.say("000000")
    assert "没有改动" in reply or "不对" in reply
    [child] = api_children()
    assert child["entrustment"]["version"] == 1 and child["entrustment"]["work_city"] == "宁波"


@pytest.mark.parametrize("said, concern, words", [
    ("由爷爷王大山照顾，爷爷电话13900005555，75岁，身体还行，跟孩子住一起", "guardian_old", "超过70岁"),
    ("由奶奶李桂兰照顾，奶奶电话13900002222，60岁，身体不好，跟孩子住一起", "guardian_unable", "身体不好"),
    ("由姑姑赵红梅照顾，姑姑电话13900006666，40岁，身体好，不住一起", "guardian_apart", "不和孩子住在一起"),
    ("由哥哥王大力照顾，哥哥电话13900007777，16岁，身体好，跟孩子住一起", "guardian_young", "未满18岁"),
])
def test_policy_concerns_are_saved_told_and_tasked(engine, api_children, jurisdiction, said, concern, words):
    t = Talk(engine, "wx-policy")
    summary = t.say("我叫张建国，电话13800001111，在东莞打工，去年3月出来的，孩子王小雨10岁女孩，"
                    "在红星镇中心小学三年级，家在东风村，孩子妈妈也在外面打工，我是孩子爸爸。" + said)
    assert "请核对登记信息" in summary, summary
    done = t.say("确认登记")
    assert "已登记" in done and words in done
    [child] = api_children()
    assert child["entrustment"]["concerns"] == [concern]
    with jurisdiction.sessions() as s:
        units = {t.assigned_unit for t in s.scalars(select(FollowUpTask).where(FollowUpTask.kind == "entrust_concern"))}
    assert units == {"东风村村委会", "红星镇"}


def test_no_guardian_for_a_young_child_is_a_concern(engine, api_children):
    t = Talk(engine, "wx-noone")
    reply = t.say("我叫张建国，电话13800001111，在东莞打工，去年3月出来的，孩子王小雨10岁女孩，"
                  "在红星镇中心小学三年级，家在东风村，孩子妈妈也在外面打工，我是孩子爸爸")
    assert "由谁照顾" in reply
    assert "请核对登记信息" in t.say("没有人照顾")
    done = t.say("确认登记")
    assert "不能让孩子单独居住生活" in done
    assert api_children()[0]["entrustment"]["concerns"] == ["no_guardian"]


def test_a_second_parent_joins_with_a_one_time_code(engine, api_children, jurisdiction):
    first = Talk(engine, "wx-dad")
    register_in_one_message(first)
    reply = first.say("让孩子妈妈也加入登记")
    code = re.search(r"加入码：(\d{6})", reply).group(1)
    mum = Talk(engine, "wx-mum")
    assert "已加入王小雨的登记" in mum.say(f"我是孩子妈妈，加入登记 {code}")
    reply = mum.say("监护登记")
    assert "这是您现在的登记" in reply and "李桂兰" in reply
    assert "已用过" in Talk(engine, "wx-someone").say(f"加入登记 {code}")  # single use
    with jurisdiction.sessions() as s:
        from core.models import EntrustCode
        assert code not in s.scalar(select(EntrustCode)).code_hash  # hashed at rest
    [child] = api_children()
    assert sorted(p["relation"] for p in child["parents"]) == ["father", "mother"]
