"""A Telegram reporter hears from the bot when staff accept and close their case."""
from __future__ import annotations

from sqlalchemy import select

from core.db import transaction
from core.models import Case, StaffUser
from core.services import workflow
from tests.channels.conftest import TG_TOKEN, configure
from tests.conversations.test_engine_real_nlu import Talk


def _sent_texts(httpserver) -> list[str]:
    out = []
    for request, _ in httpserver.log:
        if request.path.endswith("/sendMessage"):
            params = request.get_json() if request.is_json else request.form
            out.append((str(params["chat_id"]), params["text"]))
    return out


def test_accept_and_close_reach_the_reporter_on_telegram(settings, runtime, engine, httpserver, make_staff):
    configure(settings, safe=False, api_base=httpserver.url_for("").rstrip("/"))
    httpserver.expect_request(f"/bot{TG_TOKEN}/sendMessage").respond_with_json(
        {"ok": True, "result": {"message_id": 1, "date": 1, "chat": {"id": 4242, "type": "private"}, "text": "x"}})
    t = Talk(engine, user="4242", channel="telegram")
    first = t.say("我是东风村卫生室的张医生，电话13800001234，村里有个10岁男孩一个人住了半个月，在红星镇东风村")
    assert "请核对" in first, first
    assert "BG-" in t.say("确认提交")

    make_staff("hx_police", "police", township="红星镇")
    make_staff("hx_town", "township", township="红星镇")
    with transaction(runtime.sessions) as s:
        case = s.scalar(select(Case))
        police = s.scalar(select(StaffUser).where(StaffUser.username == "hx_police"))
        town = s.scalar(select(StaffUser).where(StaffUser.username == "hx_town"))
        for step in ("accepted", "referred"):
            workflow.advance(s, case, police, step)
        for step in ("assessing", "monitoring", "closed"):
            workflow.advance(s, case, town, step)
        number = case.number
    assert runtime.queue.drain() == 2
    texts = _sent_texts(httpserver)
    assert [chat for chat, _ in texts] == ["4242", "4242"]
    assert number in texts[0][1] and "受理" in texts[0][1]
    assert number in texts[1][1] and "结案" in texts[1][1]
    assert all("男孩" not in text for _, text in texts)  # nothing confidential
    runtime.close()
