"""Every category and every reporter role ends in exactly the expected case in the API."""
from __future__ import annotations

import pytest

from tests.conversations.drive import drive

CATEGORY_CASES = [
    # first message, extra answers, category, urgency, assigned unit
    ("邻居家的孩子一个人住了好几天，没人照顾", {}, "child_alone", "high", "红星派出所"),
    ("村里有个孩子失踪了，两天没回家", {}, "child_missing", "urgent", "红星派出所"),
    ("孩子的爷爷瘫痪在床，根本管不了孩子吃饭上学", {}, "guardian_unfit", "normal", "红星派出所"),
    # Happening again right now: the danger check gives 110 first and the case is urgent.
    ("隔壁孩子又被他爸打了，打得很凶", {}, "domestic_violence", "urgent", "红星派出所"),
    ("我看到那个孩子腿上好多淤青，走路一瘸一拐", {}, "injury_or_harm", "high", "红星派出所"),
    ("有个孩子开学一个月了都不上学，在家放羊", {}, "dropout", "normal", "红星镇中心小学"),
    ("孩子在网上被人骗了钱，整天躲在屋里", {"category": "7"}, "other", "normal", "红星镇儿童主任"),
]


# An urgent report is not asked who reports (only where and which child): 其他 unless the
# first message says it ("隔壁孩子…": a neighbour).
URGENT_ROLE = {"child_missing": "other", "domestic_violence": "citizen"}


@pytest.mark.parametrize("first,answers,category,urgency,unit", CATEGORY_CASES,
                         ids=[c[2] for c in CATEGORY_CASES])
def test_each_category_becomes_a_routed_case(chat, api_cases, first, answers, category, urgency, unit):
    c = chat()
    drive(c, first, **answers)
    assert "已提交" in c.transcript[-1] or any("已提交" in t for t in c.transcript[-3:])
    cases = api_cases()
    assert len(cases) == 1
    case = cases[0]
    assert (case["category"], case["urgency"], case["township"], case["village"], case["reporter_role"],
            case["mandatory_reporter"], case["assigned_unit"]) == (
        category, urgency, "红星镇", "向阳村", URGENT_ROLE.get(category, "citizen") if urgency == "urgent" else "citizen",
        False, unit)
    assert case["child"]["age"] == 9


ROLE_CASES = [
    ("老师", "teacher", True), ("医生", "medical", True), ("村干部", "village_cadre", True),
    ("社工", "social_worker", True), ("我是他奶奶", "relative", False), ("邻居", "citizen", False),
    ("孩子本人", "child_self", False), ("我是孩子妈妈", "parent", False), ("其他", "other", False),
]


@pytest.mark.parametrize("answer,role,mandatory", ROLE_CASES, ids=[r[1] for r in ROLE_CASES])
def test_each_reporter_role(chat, api_cases, runtime, answer, role, mandatory):
    c = chat()
    steps = drive(c, "孩子一个人住在家里，父母都在外地打工", role=answer)
    assert ("contact" in steps) is mandatory  # only mandatory reporters must give name/unit/phone
    case = api_cases()[0]
    assert (case["reporter_role"], case["mandatory_reporter"], case["category"]) == (role, mandatory, "child_alone")
    from core.models import Case
    with runtime.sessions() as s:
        row = s.query(Case).one()
        if mandatory:
            assert (row.reporter_name, row.reporter_unit, row.reporter_phone) == (
                "李老师", "红星镇中心小学", "13800001234")
        else:
            assert row.reporter_name is None and row.reporter_phone is None


def test_menu_start_asks_what_happened_then_only_what_is_missing(chat, api_cases):
    c = chat()
    assert "发生了什么" in c.say("/report")
    reply = c.say("向阳村有个8岁的男孩一个人在家住，爸妈在广东打工")
    assert c.step == "role" and "什么人" in reply  # place, age and category were already said
    c.say("邻居")
    reply = c.say("确认")
    assert "BG-" in reply
    case = api_cases()[0]
    assert (case["category"], case["village"], case["child"]) == ("child_alone", "向阳村", {"age": 8, "gender": "male"})


def test_citizen_is_told_reporters_are_protected_and_may_stay_anonymous(chat):
    c = chat()
    c.say("邻居家孩子一个人住，红星镇东风村，10岁")
    summary = c.transcript[-1]
    assert "匿名" in summary and "保密" in summary and "表彰" in summary
    done = c.say("确认")
    assert "保密" in done and "表彰" in done


def test_a_citizen_may_leave_a_name_and_phone_at_the_summary(chat, api_cases, runtime):
    c = chat()
    c.say("邻居家孩子一个人住，红星镇东风村，10岁")
    reply = c.say("我叫张大妈，电话13900001111")
    assert c.step == "confirm" and "张大妈" in reply and "13900001111" in reply
    c.say("确认")
    case = api_cases()[0]
    assert (case["reporter_role"], case["mandatory_reporter"]) == ("citizen", False)
    assert "13900001111" not in str(case)  # the API list does not expose the reporter's phone
    from core.models import Case
    with runtime.sessions() as s:
        row = s.query(Case).one()
        assert (row.reporter_name, row.reporter_phone) == ("张大妈", "13900001111")
