"""Whole conversations that stay short: nothing already said is asked again, only what the
case needs is asked at all, and nothing the user said is dropped on the way.

Through the real engine and the real NLU; all people, phones and places are fictional.
"""
from __future__ import annotations

from sqlalchemy import select

from core.models import Case
from tests.conversations.test_engine_real_nlu import Talk


def _case(runtime) -> Case:
    with runtime.sessions() as session:
        case = session.scalars(select(Case)).one()
        session.expunge(case)
        return case


def _until_summary(t: Talk, reply: str, answers: dict[str, str]) -> str:
    for _ in range(8):
        if "请核对" in reply:
            return reply
        if "对吗" in reply:  # the model's category, when it is not sure: one tap keeps it
            reply = t.say("1")
            continue
        key = next((k for k in answers if k in reply), None)
        assert key is not None, reply
        reply = t.say(answers[key])
    return reply


def test_a_mandatory_reporter_is_asked_only_for_a_phone(engine, runtime):
    t = Talk(engine, "wx-phone-only")
    reply = t.say("我是红星镇中心小学的老师，我们班一个9岁男生在红星镇向阳村，爸妈在外地，一个人住了两个星期")
    reply = _until_summary(t, reply, {"电话": "13800002101"})
    assert t.n <= 2  # the first message, then the phone: no question for the name or the unit
    assert "联系方式：红星镇中心小学，13800002101" in reply  # the unit from the first message
    assert "BG-" in t.say("确认提交")
    case = _case(runtime)
    assert (case.reporter_unit, case.reporter_phone, case.mandatory_reporter) == ("红星镇中心小学", "13800002101", True)


def test_a_name_said_after_the_title_is_kept(engine, runtime):
    t = Talk(engine, "wx-title-name")
    reply = t.say("我是红星镇卫生院医生李建华，今天接诊一名6岁男童，右臂骨折，身上有多处旧伤，"
                  "陪同的父亲说法前后矛盾。孩子家在红星镇东风村。")
    reply = _until_summary(t, reply, {"危险": "没有", "电话": "13800003421"})
    assert "李建华，红星镇卫生院，13800003421" in reply
    assert "BG-" in t.say("确认提交")
    assert _case(runtime).reporter_name == "李建华"


def test_a_role_named_at_the_head_of_the_message_is_not_asked(engine):
    t = Talk(engine, "wx-role-head")
    reply = t.say("紅星鎮初級中學 班主任 報告一個學生長期沒來上課")
    reply = _until_summary(t, reply, {"哪个村": "红星镇东风村", "几岁": "13岁", "电话": "13800001313"})
    assert t.n == 4 and "学校或幼儿园老师" in reply  # place, age, phone: never 您是孩子的什么人


def test_a_role_in_their_own_words_is_taken_not_asked_again(engine, runtime):
    t = Talk(engine, "wx-own-role")
    reply = t.say("李家村有个孩子的爸妈在外地 他一个人住了一个月 没人管")
    reply = _until_summary(t, reply, {"几岁": "7岁", "什么人": "我是村里开小卖部的"})
    assert "其他（我是村里开小卖部的）" in reply
    assert "BG-" in t.say("确认提交")
    assert "我是村里开小卖部的" in _case(runtime).description


def test_the_details_of_a_place_answer_stay_on_the_case(engine, runtime):
    t = Talk(engine, "wx-address")
    reply = t.say("有个孩子爸妈都在外地 一个人住了一个月没人管")
    reply = _until_summary(t, reply, {"哪个乡镇": "青山镇白沙村，村口往里第三家", "几岁": "10岁", "什么人": "邻居"})
    assert "村口往里第三家" in reply
    assert "BG-" in t.say("确认提交")
    case = _case(runtime)
    assert "村口往里第三家" in (case.address_text or "")


def test_not_knowing_the_category_goes_on_as_other(engine, api_cases):
    t = Talk(engine, "wx-no-cat")
    reply = t.say("我要报告")
    assert "发生了什么" in reply
    reply = t.say("邻居家那个小孩最近怪怪的 我有点担心")
    if "危险" in reply:
        reply = t.say("没有")
    if "对吗" in reply:  # the model's unsure guess: not it
        reply = t.say("都不是")
    if "哪种情况" in reply:  # every category: they do not know which
        reply = t.say("不知道")
    assert "哪种情况" not in reply and "对吗" not in reply  # never asked round in circles
    reply = _until_summary(t, reply, {"哪个乡镇": "红星镇东风村", "几岁": "8岁", "什么人": "邻居"})
    assert "BG-" in t.say("确认提交")
    assert "怪怪的" in api_cases()[0]["description"]


def test_an_urgent_report_asks_where_and_which_child_only(engine, runtime):
    """After the 110 guidance only what the police need first is asked (where, which child);
    who reports is left to the summary, where it can be added, and the case says 其他."""
    t = Talk(engine, "wx-urgent-short")
    reply = t.say("邻居家两个小孩在屋里，屋里烧着炭盆门窗关死了，敲门没人应")
    if "有危险吗" in reply:
        reply = t.say("是")
    assert "110" in reply and "哪个村" in reply, reply
    reply = t.say("红星镇东风村")
    assert "几岁" in reply, reply
    summary = t.say("一个五岁一个三岁")
    assert "请核对" in summary and "孩子的什么人" not in summary and "对吗" not in summary, summary
    assert "报告人：热心群众" in summary  # "邻居家…": said, so kept
    assert "BG-" in t.say("确认")
    case = _case(runtime)
    assert (case.urgency, case.reporter_role, case.child_age) == ("urgent", "citizen", 5)


def test_an_urgent_report_that_does_not_say_who_reports_files_as_other(engine, runtime):
    t = Talk(engine, "wx-urgent-nobody")
    reply = t.say("有个小孩掉进河里了，还没捞上来")
    if "有危险吗" in reply:
        reply = t.say("是")
    for said in ("红星镇东风村", "7岁"):
        assert "孩子的什么人" not in reply, reply
        if "请核对" not in reply:
            reply = t.say(said)
    assert "请核对" in reply and "报告人：未说" in reply, reply
    assert "BG-" in t.say("确认")
    assert _case(runtime).reporter_role == "other"


def test_a_parent_asking_what_to_do_about_their_own_child_is_helped_to_report(engine, runtime):
    """"我儿子…被欺负…不知道怎么办" is not a policy question: the report is taken."""
    t = Talk(engine, "wx-what-to-do")
    reply = t.say("我儿子在学校老被同学欺负，我在外地打工，不知道怎么办")
    assert "别着急" in reply and "哪个村" in reply, reply
    reply = t.say("红星镇东风村")
    summary = _until_summary(t, t.say("11岁") if "几岁" in reply else reply, {"什么人": "我是他爸爸"})
    assert "请核对" in summary and "被同学欺负" in summary, summary
    assert "BG-" in t.say("确认")
    assert _case(runtime).child_age == 11


def test_a_plea_for_help_is_asked_what_happened_and_the_answer_starts_a_report(engine):
    """"有人能帮帮我吗" shows what the bot can do, with 110 first for danger, and asks what
    happened; the answer is taken as a report, not met with the menu again."""
    t = Talk(engine, "wx-plea")
    reply = t.say("有人能帮帮我吗")
    assert "110" in reply and "发生了什么" in reply
    reply = t.say("我们村有个8岁的女孩爸妈都在外地，她一个人在家住了一个多星期了，没人管")
    assert any(w in reply for w in ("哪个乡镇", "哪个村", "危险", "请核对", "对吗")), reply
    assert "我可以帮您" not in reply


def test_the_childs_name_said_to_the_place_question_is_kept(engine, runtime):
    """Asked where, a grandparent answers with the child: name, gender, age and school.
    Nothing said is lost: the name is the child's, not only the age and gender."""
    t = Talk(engine, "wx-name-at-place")
    reply = t.say("邻居家的娃爸妈都去外地了，一个人在家住了半个月没人管")
    reply = _until_summary(t, reply, {"哪个乡镇": "韩子涵 女 9岁 青山镇中心小学",
                                      "哪个村": "青山镇白沙村", "几岁": "9岁", "什么人": "邻居",
                                      "危险": "没有"})
    assert "韩子涵" in reply.split("孩子：")[1].split("\n")[0]
    assert "BG-" in t.say("确认提交")
    assert _case(runtime).child_name == "韩子涵"


def test_a_first_message_name_beside_an_age_is_not_taken_for_the_child(engine, runtime):
    t = Talk(engine, "wx-first-name")
    reply = t.say("我是白沙村的韩春梅 邻居家9岁的娃爸妈都去外地了 一个人在家住了半个月")
    reply = _until_summary(t, reply, {"哪个乡镇": "青山镇白沙村", "几岁": "9岁", "什么人": "邻居",
                                      "危险": "没有", "名字": "不知道"})
    assert "韩春梅" not in reply.split("孩子：")[1].split("\n")[0]
