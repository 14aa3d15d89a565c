"""The report and status flows behind the real engine and the real NLU (transcripts)."""
from __future__ import annotations

from sqlalchemy import select

from bot.engine import Engine
from bot.flows import build_registry
from core.db import transaction
from core.messages import Inbound, Location
from core.models import OutboundJob, ReportDraft, StaffUser
from core.services.notifications import Notifier


class Talk:
    def __init__(self, engine, user="wx-user-1", channel="wechat"):
        self.engine, self.user, self.channel, self.n = engine, user, channel, 0

    def say(self, text="", **kw) -> str:
        self.n += 1
        replies = self.engine.handle(Inbound(self.channel, self.user, text, msg_id=f"{self.user}-{self.n}", **kw))
        return "\n---\n".join(r.text + "".join(f" [{b.title}]" for b in r.buttons) for r in replies)


def test_teacher_full_report_in_three_turns(engine, api_cases):
    t = Talk(engine)
    summary = t.say("我是红星镇中心小学的李老师，电话13800001234。我们班有个8岁的男孩住在向阳村，"
                    "父母都在外地打工，他一个人住了一个星期了")
    if "对吗" in summary:  # the model's category below category_confirm_below: one tap confirms it
        summary = t.say("1")
    assert "请核对" in summary and "向阳村" in summary and "8岁" in summary
    done = t.say("1")  # "1" = the first button, 确认提交
    assert "BG-" in done and t.n <= 3
    case = api_cases()[0]
    assert (case["category"], case["urgency"], case["township"], case["village"], case["reporter_role"],
            case["mandatory_reporter"], case["assigned_unit"]) == (
        "child_alone", "high", "红星镇", "向阳村", "teacher", True, "红星派出所")


def test_grandmother_step_by_step_with_a_correction(engine, api_cases):
    t = Talk(engine, "wx-grandma")
    reply = t.say("我要报告")
    assert "发生了什么" in reply
    reply = t.say("我孙子他爸喝醉了就打他，身上青一块紫一块")
    if reply.startswith("孩子现在有危险吗？"):  # the danger decision may be unsure here: one tap
        reply = t.say("没有")
    assert "哪个乡镇" in reply
    reply = t.say("青山镇白沙村")
    assert "几岁" in reply
    reply = t.say("十岁")
    assert "请核对" in reply  # "我孙子" already said she is a relative
    reply = t.say("年龄说错了，是9岁")
    assert "已改好" in reply and "9岁" in reply
    assert "BG-" in t.say("确认")
    case = api_cases()[0]
    assert (case["category"], case["township"], case["village"], case["reporter_role"], case["child"]["age"],
            case["assigned_unit"], case["mandatory_reporter"]) == (
        "domestic_violence", "青山镇", "白沙村", "relative", 9, "青山派出所", False)


def test_urgent_report_alerts_the_police_station_on_duty(jurisdiction, real_parser, clock, api_cases, make_staff):
    make_staff("hx-police", "police", township="红星镇")
    with transaction(jurisdiction.sessions) as s:
        officer = s.scalar(select(StaffUser).where(StaffUser.username == "hx-police"))
        officer.on_duty, officer.notify_to = True, "telegram:4242"
    jurisdiction.settings.raw["notifications"]["channels"] = ["log", "telegram"]
    ctx = jurisdiction.flow_context()
    ctx.services["notifier"] = Notifier(jurisdiction.settings)
    t = Talk(Engine(ctx, build_registry(), real_parser.parse, real_parser.is_uncertain, clock=clock,
                    sessions=jurisdiction.sessions), "tg-1", "telegram")
    first = t.say("快来人！红星镇东风村有个7岁的孩子正在被他爸爸打，一直在哭喊，我是邻居")
    assert "110" in first
    done = t.say("确认")
    assert "BG-" in done and "110" in done
    case = api_cases()[0]
    assert (case["urgency"], case["assigned_unit"]) == ("urgent", "红星派出所")
    with jurisdiction.sessions() as s:
        jobs = s.scalars(select(OutboundJob).where(OutboundJob.kind == "notify:telegram")).all()
        assert [j.target for j in jobs] == ["4242"] and case["number"] in jobs[0].body


def test_cancel_through_the_engine_forgets_the_draft(engine, api_cases, jurisdiction):
    t = Talk(engine, "wx-cancel")
    t.say("邻居家的孩子一个人住了好几天")
    reply = t.say("取消")
    assert "已取消" in reply and "没有提交" in reply
    assert api_cases() == []
    with jurisdiction.sessions() as s:
        assert s.scalars(select(ReportDraft)).all() == []


def test_location_and_status_through_the_engine(engine, api_cases):
    t = Talk(engine, "tg-loc", "telegram")
    t.say("有个孩子好几天没人管了，一个人在家，9岁，我是村民")
    reply = t.say(location=Location(34.7, 113.6, "柳河乡李家村小卖部"))
    assert "请核对" in reply and "柳河乡李家村" in reply
    t.say("确认")
    number = api_cases()[0]["number"]
    assert number in t.say("我的报告")
    other = Talk(engine, "tg-other", "telegram")
    assert "没有找到您提交的" in other.say(f"查一下{number}")


def test_after_a_policy_answer_every_next_message_gets_an_answer(engine):
    """A policy answer leaves the ask flow waiting for a follow-up question; a message that
    is not one (thanks, a report) must be routed like any other, never met with silence."""
    t = Talk(engine, "wx-asker")
    assert "来源" in t.say("发现孩子被打老师必须报告吗")
    assert "来源" in t.say("要找哪个部门")
    thanks = t.say("好的谢谢")
    assert "不客气" in thanks
    t2 = Talk(engine, "wx-asker-2")
    assert "来源" in t2.say("留守儿童的监护人有哪些责任？")
    report = t2.say("我要报告，东风村有个孩子一个人在家好几天没人管了")
    assert "来源" not in report and "？" in report  # the report flow asks its first question
