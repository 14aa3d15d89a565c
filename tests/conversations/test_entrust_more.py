"""Entrustment, the rest of issue 10 (through the real engine and NLU, read back through
GET /api/v1/children or the database): updates said without "更新", the joining parent's
phone and workplace, the employer, Traditional characters, birth dates, and a lost account."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core.db import transaction
from core.models import AuditEntry, ChannelUser, EntrustCode, Parent, StaffUser
from core.services import entrust_rebind
from core.services.errors import Invalid, NotFound
from tests.conversations.test_engine_real_nlu import Talk
from tests.conversations.test_entrustment import (
    ONE_MESSAGE,
    answer,
    api_children,
    register_in_one_message,
)

__all__ = ["api_children"]  # the fixture, imported for this module


def register_two_children(t: Talk) -> None:
    summary = t.say("我叫刘芳，电话13800002222，在广东东莞打工，三个月前出来的。我是孩子妈妈。孩子爸爸也在外面打工。"
                    "老大王小雨10岁女孩，在红星镇中心小学四年级；老二王小雷7岁男孩，在红星镇中心小学一年级。家在东风村。"
                    "由外婆陈秀珍照顾，外婆电话13900003333，62岁，身体好，跟孩子住一起")
    assert "请核对登记信息" in summary, summary
    assert "已登记" in t.say("确认登记")


@pytest.mark.parametrize("said", ["孩子转学到青山镇中学了", "孩子转学到青山镇中学了。"])
def test_a_school_change_without_update_words_is_an_update(engine, api_children, said):
    t = Talk(engine, "wx-transfer")
    register_in_one_message(t)
    reply = t.say(said)
    assert "要改成这样" in reply and "青山镇中学" in reply and "报告" not in reply, reply
    assert "第2版" in t.say("确认修改")
    [child] = api_children()
    assert child["school"] == "青山镇中学" and child["entrustment"]["version"] == 2


def test_the_second_child_changes_school(engine, api_children):
    t = Talk(engine, "wx-laoer")
    register_two_children(t)
    reply = t.say("老二转学到镇中心小学了")
    assert "要改成这样" in reply and "报告" not in reply, reply
    t.say("确认修改")
    kids = {k["name"]: k for k in api_children()}
    assert kids["王小雷"]["school"] == "红星镇中心小学" and kids["王小雷"]["entrustment"]["version"] == 2


def test_the_same_words_from_someone_not_registered_are_not_an_update(engine):
    reply = Talk(engine, "wx-unknown").say("孩子转学到青山镇中学了")
    assert "要改成这样" not in reply and "这是您现在的登记" not in reply


def test_harm_from_a_registered_parent_is_still_a_report(engine):
    t = Talk(engine, "wx-harm")
    register_in_one_message(t)
    reply = t.say("孩子在学校被同学欺负，想转学")
    assert "要改成这样" not in reply and "这是您现在的登记" not in reply, reply


def test_a_joining_parent_gives_phone_and_workplace(engine, api_children, jurisdiction):
    first = Talk(engine, "wx-dad2")
    register_in_one_message(first)
    code = re.search(r"加入码：(\d{6})", first.say("让孩子妈妈也加入登记")).group(1)
    mum = Talk(engine, "wx-mum2")
    reply = mum.say(f"加入登记 {code}")
    assert "已加入王小雨的登记" in reply and "什么人" in reply
    assert "手机号" in mum.say("妈妈")
    assert "哪里打工" in mum.say("13700004444")
    assert "以后发“监护登记”" in mum.say("广东东莞，华美电子厂")
    with jurisdiction.sessions() as s:
        row = s.scalar(select(Parent).where(Parent.relation == "mother"))
        assert (row.phone, row.work_province, row.work_city, row.employer) == ("13700004444", "广东", "东莞", "华美电子厂")
        raw = s.connection().exec_driver_sql("SELECT employer, phone FROM parent WHERE relation = 'mother'").one()
        assert "华美" not in raw[0] and "13700004444" not in raw[1]  # encrypted at rest
    assert sorted(p["relation"] for p in api_children()[0]["parents"]) == ["father", "mother"]


@pytest.mark.parametrize("said", ["孩子爸让我发这个：加入 {code}", "你好 我是孩子他妈 他爸叫我加入 {code}"])
def test_a_join_code_in_any_wording_joins_whatever_the_intent_model_thinks(engine, said):
    first = Talk(engine, "wx-dad4")
    register_in_one_message(first)
    code = re.search(r"加入码：(\d{6})", first.say("让孩子妈妈也加入登记")).group(1)
    reply = Talk(engine, "wx-mum4").say(said.format(code=code))
    assert "已加入王小雨的登记" in reply, reply
    assert "我想确认一下" not in reply


def test_a_joining_grandmother_is_asked_her_phone_but_not_her_work(engine, jurisdiction):
    first = Talk(engine, "wx-dad3")
    register_in_one_message(first)
    code = re.search(r"加入码：(\d{6})", first.say("邀请奶奶加入")).group(1)
    nana = Talk(engine, "wx-nana")
    assert "手机号" in nana.say(f"我是孩子奶奶，加入登记 {code}")
    assert "以后发“监护登记”" in nana.say("13900002222")
    with jurisdiction.sessions() as s:
        assert s.scalar(select(Parent).where(Parent.relation == "奶奶")).phone == "13900002222"


def test_the_employer_is_asked_once_in_the_summary_and_stored_encrypted(engine, api_children, jurisdiction):
    t = Talk(engine, "wx-employer")
    summary = t.say(ONE_MESSAGE)
    assert "工作单位：未说" in summary and "不补也能登记：工作单位" in summary, summary
    reply = t.say("单位是宁波华美电子厂")
    assert "工作单位：宁波华美电子厂" in reply and "不补也能登记" not in reply
    t.say("确认登记")
    assert api_children()[0]["entrustment"]["employer"] == "宁波华美电子厂"
    with jurisdiction.sessions() as s:
        raw = s.connection().exec_driver_sql("SELECT employer FROM entrustment").scalar()
        assert "华美" not in raw


def test_skipping_the_employer_costs_no_turn(engine, api_children):
    t = Talk(engine, "wx-noemployer")
    assert "已登记" in register_in_one_message(t) and t.n == 2
    assert api_children()[0]["entrustment"]["employer"] is None


def test_traditional_characters_for_names_relations_and_places(engine, api_children):
    t = Talk(engine, "wx-trad")
    summary = t.say("我叫張建國，電話13800001111，在浙江寧波工地上幹活，去年3月出來的。孩子王小雨10歲女孩，"
                    "在紅星鎮中心小學三年級，家在東風村，孩子媽媽也在外面打工。由奶奶李桂蘭照顧，奶奶電話13900002222，"
                    "68歲身體還行，跟孩子住一起。我是孩子爸爸")
    assert "请核对登记信息" in summary, summary
    t.say("确认登记")
    [child] = api_children()
    e = child["entrustment"]
    assert (child["name"], child["village"], e["work_city"], e["guardian_name"], e["guardian_relation"]) == (
        "王小雨", "东风村", "宁波", "李桂兰", "奶奶")
    assert [p["name"] for p in child["parents"]] == ["张建国"]


def test_a_birth_date_said_is_kept_not_estimated(engine, api_children):
    t = Talk(engine, "wx-birth")
    summary = t.say(ONE_MESSAGE.replace("王小雨10岁女孩", "王小雨是女孩，2015年3月12日出生"))
    assert "2015年3月生" in summary, summary
    t.say("确认登记")
    assert api_children()[0]["birth_date"] == "2015-03-12"


def test_the_birth_date_is_asked(engine, api_children):
    t = Talk(engine, "wx-birth-asked")
    reply = t.say("我要登记委托监护")
    summary = answer(t, reply, {
        "孩子叫什么名字": "王小雨", "哪个乡镇": "红星镇东风村", "哪年哪月出生": "2016年9月",
        "是男孩还是女孩": "女孩", "在哪个学校": "红星镇中心小学三年级", "爸爸还是妈妈": "爸爸", "您的姓名": "张建国",
        "您的手机号": "13800001111", "哪个城市": "东莞", "什么时候出去": "去年3月", "另一位家长": "也在外地打工",
        "由谁照顾": "奶奶 李桂兰", "奶奶的电话": "13900002222", "多大年纪": "66岁", "身体怎么样": "身体好",
        "住在一起": "是"})
    assert "2016年9月生" in summary
    t.say("确认登记")
    assert api_children()[0]["birth_date"] == "2016-09-01"


def _stranger_reply(engine, user: str, phone: str) -> str:
    return Talk(engine, user).say(f"我之前登记过，孩子王小雨，电话{phone}，现在换到惠州了")


def test_the_chat_does_not_say_whether_a_child_and_phone_are_registered(engine):
    register_in_one_message(Talk(engine, "wx-real"))
    right = _stranger_reply(engine, "wx-guess1", "13800001111")
    wrong = _stranger_reply(engine, "wx-guess2", "13800009999")
    assert right == wrong and "确认码" in right and "李桂兰" not in right


def test_a_lost_account_is_rebound_by_village_staff_after_checking_in_person(engine, api_children, jurisdiction,
                                                                           make_staff, clock, monkeypatch):
    register_in_one_message(Talk(engine, "wx-lost-old"))
    new = Talk(engine, "wx-lost-new")
    new.say("我是王小雨的爸爸，之前登记过，电话13800001111，现在换到惠州上班了")
    reply = new.say("原来的账号用不了")
    assert "村委会" in reply
    code = re.search(r"绑定码告诉工作人员：(\d{6})", reply).group(1)
    child_id = api_children()[0]["id"]
    make_staff("dfc-village", "village", township="红星镇", village="东风村")
    make_staff("qs-village", "village", township="青山镇", village="白沙村")
    with transaction(jurisdiction.sessions) as s:
        outsider = s.scalar(select(StaffUser).where(StaffUser.username == "qs-village"))
        with pytest.raises(NotFound):  # another village's staff cannot
            entrust_rebind.rebind(s, outsider, child_id, "13800001111", code, clock())
        staff = s.scalar(select(StaffUser).where(StaffUser.username == "dfc-village"))
        with pytest.raises(Invalid):  # the phone must be the one registered
            entrust_rebind.rebind(s, staff, child_id, "13800009999", code, clock())
    import bot.cli as cli_mod
    monkeypatch.setattr(cli_mod, "_runtime", lambda create_secrets=False: (jurisdiction, {}))
    result = CliRunner().invoke(cli_mod.cli, ["entrust", "rebind", "--username", "dfc-village",
                                                     "--child", str(child_id), "--code", code],
                                input="13800001111\n")
    assert result.exit_code == 0, result.output
    reply = new.say("我换到惠州上班了")
    assert "要改成这样" in reply and "惠州" in reply
    new.say("确认修改")
    assert api_children()[0]["entrustment"]["work_city"] == "惠州"
    with jurisdiction.sessions() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "rebind"))
        staff_id = s.scalar(select(StaffUser.id).where(StaffUser.username == "dfc-village"))
        assert (entry.actor, entry.entity, entry.entity_id) == (f"staff:{staff_id}", "child", str(child_id))
        assert "13800001111" not in (entry.detail or "")
        assert s.scalar(select(EntrustCode).where(EntrustCode.purpose == "rebind")).used_at is not None
        new_account = s.scalar(select(ChannelUser.id).where(ChannelUser.id == new.engine.store.user_id(
            "wechat", "wx-lost-new")))
        assert s.scalar(select(Parent).where(Parent.relation == "father")).channel_user_id == new_account



def _unlock_from_new_device(engine, jurisdiction, first: str) -> Talk:
    t = Talk(engine, "wx-new-device")
    assert "手机号" in t.say(first)
    assert "确认码" in t.say("13800001111")
    with jurisdiction.sessions() as s:
        from core.models import OutboundJob
        job = s.scalars(select(OutboundJob).where(OutboundJob.kind == "reporter_message")).all()[-1]
        code = re.search(r"\d{6}", job.body).group()
    t.last = t.say(code)
    return t


@pytest.mark.parametrize("update, answers, check", [
    ("电话换了", {"新手机号码": "13600009999"}, lambda c: c["entrustment"]["parent_phone"] == "13600009999"),
    ("孩子改由外婆照顾", {"外婆叫什么名字": "刘秀英", "外婆的电话": "13700003333", "多大年纪": "66岁",
                      "身体怎么样": "身体好", "住在一起": "是", "还住在": "是"},
     lambda c: (c["entrustment"]["guardian_name"], c["entrustment"]["guardian_relation"]) == ("刘秀英", "外婆")),
    ("孩子转学到青山镇中学了", {}, lambda c: c["school"] == "青山镇中学"),
])
def test_each_update_from_a_new_device(engine, api_children, jurisdiction, update, answers, check):
    register_in_one_message(Talk(engine, "wx-first-device"))
    t = _unlock_from_new_device(engine, jurisdiction, f"我是王小雨的爸爸，之前登记过，{update}")
    assert "要改成这样" in answer(t, t.last, answers)
    assert "第2版" in t.say("确认修改")
    [child] = api_children()
    assert child["entrustment"]["version"] == 2 and check(child)


def test_coming_home_from_a_new_device(engine, api_children, jurisdiction):
    register_in_one_message(Talk(engine, "wx-first-device"))
    t = _unlock_from_new_device(engine, jurisdiction, "我是王小雨的爸爸，之前登记过，我们回老家了，不出去了")
    assert "不再外出" in t.last
    assert "委托监护已结束" in t.say("是")
    assert api_children()[0]["left_behind"] is False


def test_registering_anew_with_someone_elses_phone_changes_nothing_of_theirs(engine, api_children):
    register_in_one_message(Talk(engine, "wx-owner"))
    stranger = Talk(engine, "wx-pretender")
    assert "确认码" in stranger.say("我之前登记过，孩子王小雨，电话13800001111，现在换到惠州了")
    reply = stranger.say("重新登记")
    summary = answer(stranger, reply, {"哪个乡镇": "红星镇东风村", "今年几岁": "10岁", "哪年哪月出生": "10岁",
                                       "男孩还是女孩": "女孩", "在哪个学校": "没上学", "爸爸还是妈妈": "爸爸",
                                       "您的姓名": "李四", "哪个城市": "惠州", "什么时候出去": "去年3月",
                                       "另一位家长": "也在外地打工", "由谁照顾": "没有人照顾"})
    assert "请核对登记信息" in summary
    stranger.say("确认登记")
    files = api_children()
    original = next(c for c in files if c["entrustment"]["guardian_name"] == "李桂兰")
    assert original["entrustment"]["version"] == 1 and original["entrustment"]["work_city"] == "宁波"
    assert len(files) == 2  # the pretender's is a separate file, for the village to check


def test_a_child_named_alone_with_details_in_the_next_clauses_is_understood(engine, api_children):
    t = Talk(engine, "wx-clauses")
    t.say("我要登记，我在广州打工")
    reply = t.say("李小花，女，10岁，在红星镇中心小学四年级")
    assert "没听清孩子的名字" not in reply and "几岁" not in reply, reply


def test_dont_know_is_never_taken_as_a_childs_name_or_age(engine):
    t = Talk(engine, "wx-dontknow")
    t.say("我要登记，我在广州打工")
    assert "名字" in t.say("不知道")
    t.say("李小花")
    reply = t.say("红星镇东风村")
    assert "出生" in reply or "几岁" in reply, reply
    again = t.say("不知道")
    assert "说个大概" in again and "请说不知道" not in again, again


def test_not_knowing_the_other_parents_situation_moves_on(engine):
    t = Talk(engine, "wx-other-unknown")
    answers = [("爸爸还是妈妈", "我是爸爸"), ("您的姓名", "我叫李建军"), ("手机", "13600002222"),
               ("哪个村", "红星镇向阳村"), ("出生", "10岁")]
    reply = t.say("我要登记，我在广州打工，孩子李小花，女，10岁，在红星镇中心小学四年级")
    for _ in range(8):
        if "现在是什么情况" in reply:
            break
        reply = t.say(next((a for cue, a in answers if cue in reply), "不知道"))
    assert "现在是什么情况" in reply, reply
    after = t.say("不知道")
    assert "现在是什么情况" not in after and "请点下面" not in after, after
