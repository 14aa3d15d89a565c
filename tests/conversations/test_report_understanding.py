"""Names, roles, places and a declined phone, through the real engine and the real NLU.

Traditional place and unit names read like Simplified ones; "是" takes the one suggested
option; the reporter's own name is never the child's and "我是老师" is a role, not a name;
a mandatory reporter is asked for a phone only; one who would rather not leave it is asked
once more with the reason, then the report goes on and the case records that no contact was left.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import transaction
from core.models import Case
from core.services.jurisdiction import load_jurisdiction, parse_jurisdiction
from tests.conversations.test_engine_real_nlu import Talk

ONE_VILLAGE = """
region: 示例县
townships:
  - name: 白鹭镇
    police_station: 白鹭派出所
    schools: [白鹭镇小学]
    villages: [芦花荡村]
"""


@pytest.fixture
def one_village_township(jurisdiction):
    """A township with a single village (the demo's have two each)."""
    with transaction(jurisdiction.sessions) as session:
        load_jurisdiction(session, parse_jurisdiction(ONE_VILLAGE, "test"))
    return jurisdiction


def _case(runtime) -> Case:
    with runtime.sessions() as session:
        case = session.scalars(select(Case)).one()
        session.expunge(case)
        return case


def _calm(t: Talk, first: str) -> str:
    """A child living alone for a month may or may not be in danger now: the bot may ask
    (never tells to call 110 unasked); the reporter answers 没有, and the report goes on."""
    reply = t.say(first)
    assert "110" not in reply
    return t.say("没有") if "孩子现在有危险吗" in reply else reply


def _finish(t: Talk, reply: str, answers: dict[str, str]) -> str:
    for _ in range(8):
        if "请核对" in reply:
            return reply
        key = next((k for k in answers if k in reply), None)
        assert key is not None, reply
        reply = t.say(answers[key])
    return reply


def test_traditional_place_names_resolve_like_simplified(one_village_township, engine, api_cases):
    t = Talk(engine, "wx-trad-place")
    reply = t.say("白鷺鎮蘆花蕩村有個孩子 爸媽都在外地打工 他一個人住了一個月")
    assert "哪个乡镇" not in reply and "哪个村" not in reply and "没有在本县找到" not in reply
    reply = _finish(t, reply, {"几岁": "9歲", "什么人": "我是他鄰居"})
    assert "白鹭镇芦花荡村" in reply
    assert "BG-" in t.say("确认提交")
    assert (api_cases()[0]["township"], api_cases()[0]["village"]) == ("白鹭镇", "芦花荡村")


def test_a_traditional_answer_to_the_place_question(engine, api_cases):
    t = Talk(engine, "wx-trad-answer")
    reply = t.say("有个孩子爸妈都在外地 一个人住了一个月没人管")
    assert "哪个乡镇" in reply
    reply = t.say("紅星鎮東風村")
    assert "没有在本县找到" not in reply and "哪个村" not in reply
    _finish(t, reply, {"几岁": "9岁", "什么人": "邻居"})
    assert "BG-" in t.say("确认提交")
    assert api_cases()[0]["village"] == "东风村"


def test_a_traditional_unit_name_is_understood(engine, runtime):
    t = Talk(engine, "wx-trad-unit")
    reply = t.say("我是社工 白沙村有個女孩這學期沒去上學 在家帶弟弟 青山鎮白沙村 13歲")
    reply = _finish(t, reply, {"对吗": "1", "姓名": "林靜，示例縣陽光社工服務中心，13800005505"})
    assert "示例縣陽光社工服務中心" in reply
    assert "BG-" in t.say("确认提交")
    assert _case(runtime).reporter_unit == "示例縣陽光社工服務中心"


def test_yes_takes_the_single_suggested_option(one_village_township, engine, api_cases):
    t = Talk(engine, "wx-yes-one")
    reply = t.say("有个孩子爸妈都在外地 一个人住了一个月没人管")
    assert "哪个乡镇" in reply
    reply = t.say("白鹭镇")
    assert "白鹭镇的哪个村" in reply and "[芦花荡村（白鹭镇）]" in reply
    reply = t.say("是")
    assert "哪个村" not in reply and "几岁" in reply
    _finish(t, reply, {"几岁": "9岁", "什么人": "邻居"})
    assert "BG-" in t.say("确认提交")
    assert api_cases()[0]["village"] == "芦花荡村"


def test_the_reporters_own_name_is_not_the_childs(engine, runtime):
    t = Talk(engine, "wx-own-name")
    reply = t.say("红星镇向阳村有个孩子爸妈都在外地 一个人住了一个月没人管")
    assert "几岁" in reply
    reply = t.say("8岁 我的名字叫张红梅")
    reply = _finish(t, reply, {"什么人": "邻居"})
    assert "姓名未提供" in reply and "张红梅" not in reply.split("孩子：")[1].split("\n")[0]
    assert "BG-" in t.say("确认提交")
    assert _case(runtime).child_name is None


def test_a_role_is_not_a_name(engine, runtime):
    t = Talk(engine, "wx-role-name")
    reply = t.say("我是孩子的小姨 我外甥女在红星镇东风村 爸妈在外地 一个人住了一个月 她10岁")
    assert "请核对" in reply and "亲属" in reply  # 我是孩子的小姨: a relative, not the child
    t2 = Talk(engine, "wx-role-name-2")
    reply = _calm(t2, "我们班一个男生在红星镇向阳村 爸妈在外地 一个人住了一个月 9岁 我是班主任")
    assert "姓名" in reply
    reply = t2.say("我是老师，13800001234")
    assert "请核对" in reply and "联系方式：13800001234" in reply  # 老师 is the role, never the name
    reply = t2.say("我叫刘芳")  # a name is welcome at the summary, in one turn
    assert "联系方式：刘芳，13800001234" in reply
    assert "BG-" in t2.say("确认提交")
    assert _case(runtime).reporter_name == "刘芳"


def test_a_declined_phone_is_asked_once_more_then_recorded(engine, runtime):
    t = Talk(engine, "wx-no-phone")
    reply = _calm(t, "我们班一个男生在红星镇向阳村 爸妈在外地 一个人住了一个月 9岁 我是班主任")
    assert "电话" in reply
    reply = t.say("李老师，红星镇中心小学，不方便留电话")
    assert "保密" in reply and "电话" in reply and "请核对" not in reply  # once more, with the reason
    reply = t.say("还是不方便")
    assert "请核对" in reply and "李老师，红星镇中心小学，未留" in reply
    assert "BG-" in t.say("确认提交")
    case = _case(runtime)
    assert (case.reporter_name, case.reporter_unit, case.reporter_phone) == ("李老师", "红星镇中心小学", None)
    with runtime.sessions() as session:
        events = session.scalars(select(Case)).one().events
        declined = [e for e in events if e.action == "contact_declined"]
        assert len(declined) == 1 and "电话" in declined[0].note


def test_the_phone_is_all_a_mandatory_reporter_is_asked_for(engine, runtime):
    t = Talk(engine, "wx-unit-unknown")
    reply = _calm(t, "我们班一个男生在红星镇向阳村 爸妈在外地 一个人住了一个月 9岁 我是班主任")
    assert "电话" in reply
    reply = t.say("刘芳 13900002101")
    assert "请核对" in reply and "单位" not in reply.split("联系方式")[0]  # the unit is never asked on its own
    assert "BG-" in t.say("确认提交")
    case = _case(runtime)
    assert (case.reporter_name, case.reporter_phone, case.reporter_unit) == ("刘芳", "13900002101", None)
