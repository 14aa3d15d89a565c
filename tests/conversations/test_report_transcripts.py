"""Transcripts of the report conversation: corrections, cancellation, places, media, re-asks."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.db import transaction
from core.messages import Location, Media
from core.models import Attachment, Case, ReportDraft
from core.services.jurisdiction import load_jurisdiction

FULL_TEACHER_REPORT = ("我是红星镇中心小学的李老师，电话13800001234。我们班一个8岁的男孩住向阳村，"
                       "父母都在外地打工，他一个人住了一个星期")


def test_everything_in_the_first_message_is_filed_in_three_turns(chat, api_cases):
    c = chat()
    summary = c.say(FULL_TEACHER_REPORT)
    assert c.step == "confirm"  # nothing left to ask
    assert "向阳村" in summary and "8岁" in summary and "李老师" in summary and "13800001234" in summary
    done = c.say("确认")
    assert c.state is None and c.turns == 2  # first message, confirmation -> done
    assert "BG-" in done and "红星派出所" in done and "通报红星镇" in done
    case = api_cases()[0]
    assert (case["category"], case["urgency"], case["township"], case["village"], case["reporter_role"],
            case["mandatory_reporter"], case["assigned_unit"]) == (
        "child_alone", "high", "红星镇", "向阳村", "teacher", True, "红星派出所")
    assert case["child"] == {"age": 8, "gender": "male"}


def test_corrections_in_plain_words_change_one_field(chat, api_cases):
    c = chat()
    c.say("邻居家孩子一个人住了好几天，在红星镇东风村，大概10岁")
    assert c.step == "confirm"
    reply = c.say("年龄说错了，是8岁")
    assert c.step == "confirm" and "已改好" in reply and "8岁" in reply
    reply = c.say("地点改成向阳村")
    assert "红星镇向阳村" in reply
    reply = c.say("不是一个人住，是被人欺负受伤了")
    assert "意外伤害或不法侵害" in reply
    c.say("确认提交")
    case = api_cases()[0]
    assert (case["category"], case["village"], case["child"]["age"], case["reporter_role"]) == (
        "injury_or_harm", "向阳村", 8, "citizen")
    assert case["description"] == "邻居家孩子一个人住了好几天，在红星镇东风村，大概10岁"


def test_cancel_creates_nothing_and_points_to_the_phone(chat, api_cases, runtime):
    c = chat()
    c.say("我们班有个孩子好几天没来上课了")
    assert c.step == "place"
    reply = c.say("取消")
    assert c.state is None and "已取消" in reply and "110" in reply
    assert api_cases() == []
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReportDraft)) == 0


def test_cancel_button_at_the_summary(chat, api_cases):
    c = chat()
    c.say("邻居家孩子一个人住，红星镇东风村，10岁")
    c.say("3")  # 取消
    assert c.state is None and api_cases() == []


def test_ambiguous_village_is_chosen_from_a_short_list(chat, api_cases, jurisdiction):
    with transaction(jurisdiction.sessions) as s:  # a second 东风村, in 柳河乡
        load_jurisdiction(s, {"region": "示例县", "townships": [{
            "name": "柳河乡", "aliases": ["柳河镇"], "police_station": "柳河派出所", "schools": ["柳河乡小学"],
            "villages": ["李家村", "王庄村", "东风村"]}]})
    c = chat()
    c.say("邻居家孩子一个人住了一个星期，9岁")
    reply = c.say("东风村")
    assert "有几个地方叫“东风村”" in reply and "东风村（红星镇）" in reply and "东风村（柳河乡）" in reply
    c.say("2")
    assert c.step == "confirm"
    c.say("确认")
    case = api_cases()[0]
    assert (case["township"], case["village"], case["assigned_unit"]) == ("柳河乡", "东风村", "柳河派出所")


def test_unknown_place_gets_the_closest_names(chat, api_cases):
    c = chat()
    c.say("邻居家孩子一个人住了一个星期，9岁")
    reply = c.say("李庄村")
    assert "没有在本县找到“李庄村”" in reply and "李家村（柳河乡）" in reply and "王庄村（柳河乡）" in reply
    assert c.step == "place"
    c.say("王庄村")
    c.say("确认")
    case = api_cases()[0]
    assert (case["township"], case["village"], case["assigned_unit"]) == ("柳河乡", "王庄村", "柳河派出所")


def test_township_only_asks_for_the_village_with_buttons(chat, api_cases):
    c = chat()
    c.say("邻居家孩子一个人住了一个星期，9岁，在青山镇")
    assert c.step == "place" and [b.title for b in c.buttons] == ["石桥村（青山镇）", "白沙村（青山镇）", "不清楚是哪个村"]
    c.say("3")  # the neighbour does not know the village: the township is enough to route
    c.say("确认")
    case = api_cases()[0]
    assert (case["township"], case["village"], case["assigned_unit"]) == ("青山镇", None, "青山派出所")


def test_a_location_message_becomes_the_place_and_attaches(chat, api_cases, runtime):
    c = chat()
    c.say("邻居家孩子一个人住了一个星期，9岁")
    assert c.step == "place"
    c.send(location=Location(lat=34.71, lng=113.62, label="示例县青山镇石桥村村口"))
    assert c.step == "confirm"
    c.say("确认")
    case = api_cases()[0]
    assert (case["township"], case["village"], case["assigned_unit"]) == ("青山镇", "石桥村", "青山派出所")
    with runtime.sessions() as s:
        row = s.scalars(select(Case)).one()
        assert (row.lat, row.lng) == (34.71, 113.62)
        assert [a.kind for a in row.attachments] == ["location"]


def test_photos_sent_during_the_conversation_attach_to_the_case(chat, runtime):
    c = chat()
    c.say("隔壁孩子被他爸打了，身上都是伤")
    reply = c.say(media=Media(kind="image", ref="media-001", content_type="image/jpeg"))
    assert "收到" in reply and c.step == "place"  # the question is asked again
    c.say("红星镇东风村")
    c.send(media=Media(kind="image", ref="media-002", content_type="image/jpeg"))
    c.say("7岁")  # "隔壁" already said who is reporting: a neighbour
    assert c.step == "confirm" and "附件：2个" in c.transcript[-1]
    c.say("确认")
    with runtime.sessions() as s:
        refs = [a.media_ref for a in s.scalars(select(Attachment).order_by(Attachment.id))]
    assert refs == ["media-001", "media-002"]


def test_bad_answers_are_reasked_with_an_example_never_accepted(chat, api_cases):
    c = chat()
    c.say("有个孩子一个人住了一个星期，红星镇东风村")
    assert c.step == "child"
    reply = c.say("150岁")
    assert c.step == "child" and "0到18岁" in reply and "例如" in reply
    reply = c.say("-3")
    assert c.step == "child" and "110" in reply  # the second time: how to report by phone
    c.say("八岁")
    assert c.step == "role"
    c.say("老师")
    reply = c.say("李老师，红星镇中心小学，12345")
    assert c.step == "contact" and "11位" in reply
    c.say("13800001234")
    assert c.step == "confirm"
    c.say("确认")
    assert api_cases()[0]["child"]["age"] == 8


def test_empty_description_is_reasked(chat):
    c = chat()
    c.say("/report")
    reply = c.say("。。。")
    assert c.step == "describe" and "例如" in reply


def test_a_draft_is_kept_and_can_be_continued_later(chat, api_cases):
    c = chat()
    c.say("邻居家孩子一个人住了一个星期")
    c.say("红星镇东风村")
    assert c.step == "child"
    c.now += timedelta(hours=20)  # the user wandered off and comes back through the menu
    reply = c.say("/report")
    assert "接着填" in reply
    reply = c.say("1")  # 继续填写
    assert c.step == "child" and "几岁" in reply
    c.say("9岁")
    c.say("确认")
    assert api_cases()[0]["village"] == "东风村"


def test_an_old_draft_expires(chat):
    c = chat()
    c.say("邻居家孩子一个人住了一个星期")
    c.now += timedelta(hours=73)  # config: conversation.draft_hours = 72
    reply = c.say("/report")
    assert c.step == "describe" and "发生了什么" in reply


def test_answering_another_question_keeps_the_fact_and_asks_again(chat, api_cases):
    c = chat()
    c.say("邻居家孩子一个人住了一个星期")
    c.say("青山镇")
    reply = c.say("十岁左右")  # the age, while the bot asked for the village
    assert c.step == "place" and "是青山镇的哪个村" in reply
    c.say("白沙村")
    assert c.step == "confirm" and "10岁" in c.transcript[-1]
