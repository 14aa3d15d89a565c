"""The engine in transcripts: push a message, read the reply."""
from __future__ import annotations

from sqlalchemy import select, text

from core.messages import Inbound, Location
from core.models.channel import ChannelUser, ConversationState, InboundMessage
from tests.channels.fakes import make_engine
from tests.engine.conftest import Chat


def test_greeting_shows_menu_and_110(chat):
    reply = chat.say("你好")[0]
    assert "110" in reply.text
    assert [b.title for b in reply.buttons] == ["我要报告", "监护登记", "政策咨询", "我的进度"]


def test_report_flow_with_numbered_and_word_answers(chat, engine):
    assert "哪个村" in chat.text("我要报告")          # menu words -> /report
    assert "什么人" in chat.text("红星镇东风村")
    assert "报告已提交（红星镇东风村，teacher）" in chat.text("1")  # "1" -> first button's payload
    flow = engine.flows["report"]
    assert flow.calls[-1] == ("role", "teacher")


def test_button_words_map_to_payload(chat, engine):
    chat.say("/report")
    chat.say("向阳村")
    assert "relative" in chat.text("亲属")


def test_location_answers_the_place_question(chat):
    chat.say("/report")
    assert "什么人" in chat.text(location=Location(26.1, 119.3, "东风村村委会"))
    assert "东风村村委会" in chat.text("其他人")


def test_danger_first_then_report_starts(chat):
    replies = chat.say("快来人，孩子被他爸打得流血了")
    assert "110" in replies[0].text and "120" in replies[0].text
    assert "哪个村" in replies[1].text


def test_danger_inside_a_flow_continues_the_flow(chat):
    chat.say("/report")
    replies = chat.say("孩子掉河里了，在东风村")
    assert "110" in replies[0].text
    assert "什么人" in replies[1].text


def test_danger_words_do_not_fire_on_everyday_words(chat):
    from nlu.danger import check
    for words in ("我在外地打工，想登记一下谁照看孩子", "我想打电话问补助", "打算下个月回家"):
        assert check(words) is None, words
    assert "【紧急】" not in chat.text("我在外地打工，想登记一下谁照看孩子")


def test_suicide_and_missing_and_fire(chat):
    assert "12355" in chat.say("孩子说不想活了")[0].text
    assert "110" in chat.say("我孙子不见了，找不到人")[0].text
    assert "119" in chat.say("家里着火了")[0].text


def test_cancel_in_any_state(chat, engine, runtime):
    chat.say("/report")
    assert "取消" in chat.text("取消")
    with runtime.sessions() as s:
        assert s.scalar(select(ConversationState.flow)) is None
    assert "哪个村" not in chat.text("东风村")  # no flow any more


def test_help_keeps_the_flow(chat):
    chat.say("/report")
    assert "转人工" in chat.text("帮助")
    assert "什么人" in chat.text("东风村")


def test_human_handoff_notifies_and_gives_phones(chat, notifier):
    chat.say("/report")
    reply = chat.text("转人工")
    assert "0000-1234567" in reply and "12345" in reply and "110" in reply
    assert notifier.sent and notifier.sent[0][3] == "high"
    assert "什么人" in chat.text("东风村")  # the report is still there


def test_uncertain_intent_asks_with_two_options(chat):
    reply = chat.say("我也说不清")[0]
    assert [b.title for b in reply.buttons][:2] == ["我要报告", "政策咨询"]
    assert "哪个村" in chat.text("1")


def test_unregistered_flow_points_to_a_phone(chat):
    assert "0000-1234567" in chat.text("监护登记")


def test_smalltalk(chat):
    assert "不客气" in chat.text("谢谢")
    assert "再见" in chat.text("再见")
    assert "没太明白" in chat.text("今天天气怎么样")


def test_idle_expiry_offers_continue(chat, clock):
    chat.say("/report")
    clock.advance(minutes=31)
    reply = chat.say("东风村")[0]
    assert "继续还是重新开始" in reply.text
    replies = chat.say("1")
    assert "接着上次" in replies[0].text and "哪个村" in replies[1].text
    assert "什么人" in chat.text("东风村")


def test_idle_expiry_start_over(chat, clock):
    chat.say("/report")
    clock.advance(hours=5)
    chat.say("在吗")
    assert "请问您想做什么" in chat.text("重新开始")
    assert "哪个村" not in chat.text("东风村")


def test_not_idle_within_the_limit(chat, clock):
    chat.say("/report")
    clock.advance(minutes=29)
    assert "什么人" in chat.text("东风村")


def test_flow_exception_apologises_and_keeps_state(chat, runtime, caplog):
    chat.say("/broken")
    reply = chat.text("我叫张三")
    assert "抱歉" in reply and "0000-1234567" in reply
    assert "张三" not in caplog.text and "13800000000" not in caplog.text
    with runtime.sessions() as s:
        assert s.scalar(select(ConversationState.flow)) == "broken"
        assert s.scalars(select(InboundMessage.status)).all()[-1] == "failed"


def test_restart_continues_the_conversation(runtime, settings, clock):
    from bot.app import build_runtime
    Chat(make_engine(runtime, clock)).say("/report")
    Chat(make_engine(runtime, clock)).say("东风村")
    runtime2 = build_runtime(settings)  # a new process on the same database
    try:
        assert "报告已提交（东风村，teacher）" in Chat(make_engine(runtime2, clock)).text("1")
    finally:
        runtime2.db.dispose()


def test_retry_returns_stored_replies_without_reprocessing(engine):
    msg = Inbound("telegram", "42", "/report", msg_id="7")
    first = engine.process(msg)
    again = engine.process(msg)
    assert again.duplicate and again.replies == first.replies
    assert len(engine.flows["report"].calls) == 1


def test_same_msg_id_from_another_user_is_a_new_message(engine):
    engine.handle(Inbound("telegram", "1", "/report", msg_id="7"))
    assert not engine.process(Inbound("telegram", "2", "/report", msg_id="7")).duplicate


def test_bad_text_is_handled(chat):
    assert chat.say("")[0].buttons  # empty -> ask to type, with the menu
    assert chat.say("😀😀😀🙏")[0].text
    long = chat.say("孩" * 10_000)
    assert long and len(long[0].text) < 1000
    assert chat.say("\x00\x01\u200b")[0].text


def test_messages_and_ids_are_stored_encrypted(engine, runtime):
    Chat(engine, user="微信用户甲").say("我叫李四，电话13912345678")
    with runtime.db.connect() as conn:
        dump = " ".join(str(row) for t in ("inbound_message", "channel_user", "conversation_state")
                        for row in conn.execute(text(f"SELECT * FROM {t}")))
    assert "李四" not in dump and "13912345678" not in dump and "微信用户甲" not in dump
    with runtime.sessions() as s:
        assert s.scalar(select(InboundMessage.text)).startswith("我叫李四")
        assert s.scalar(select(ChannelUser.external_ref)) == "微信用户甲"


def test_web_and_console_messages_without_ids_are_all_logged(chat, runtime):
    chat.say("你好")
    chat.say("你好")
    with runtime.sessions() as s:
        assert len(s.scalars(select(InboundMessage)).all()) == 2


def test_users_are_separate(engine):
    a, b = Chat(engine, "a"), Chat(engine, "b")
    a.say("/report")
    assert "哪个村" not in b.text("东风村")
    assert "什么人" in a.text("东风村")


def test_database_down_still_answers_with_phones(runtime, clock):
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker
    engine = make_engine(runtime, clock)
    engine.store.sessions = sessionmaker(bind=create_engine("sqlite:////nonexistent/dir/x.db"))
    reply = engine.handle(Inbound("web", "x", "你好"))[0].text
    assert "0000-1234567" in reply and "110" in reply
