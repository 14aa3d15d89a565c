"""A photo sent during a report is fetched from WeChat, stored encrypted, shown to staff in scope."""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from core.messages import Media
from core.models import Attachment
from tests.channels.conftest import configure
from tests.conversations.test_engine_real_nlu import Talk

PHOTO = b"\xff\xd8\xff\xe0fictional-jpeg-bytes-of-a-bruise-photo"


def _login(client, username):
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/admin/login", data={"username": username, "password": "correct horse battery",
                                      "csrf_token": token})


def test_photo_is_fetched_encrypted_and_scoped(settings, runtime, engine, client, httpserver, make_staff):
    configure(settings, safe=False, api_base=httpserver.url_for("").rstrip("/"))
    httpserver.expect_request("/cgi-bin/token").respond_with_json({"access_token": "T", "expires_in": 7200})
    httpserver.expect_request("/cgi-bin/media/get", query_string={"access_token": "T", "media_id": "MEDIA-1"}
                              ).respond_with_data(PHOTO, content_type="image/jpeg")
    t = Talk(engine, "wx-doctor")
    summary = t.say("我是红星镇卫生院的张医生，电话13800001234，有个9岁女孩身上有很多淤青，疑似家暴，住红星镇东风村")
    if "孩子现在有危险吗" in summary:  # the danger question, when the model is unsure
        summary = t.say("没有")
    if "对吗" in summary:  # the category below category_confirm_below: one tap confirms it
        summary = t.say("1")
    assert "请核对" in summary
    assert "附件：1个" in t.say("", media=Media(kind="image", ref="MEDIA-1", content_type="image/jpeg"))
    number = re.search(r"BG-\d{8}-\d{4}", t.say("确认提交")).group(0)

    assert runtime.queue.drain() >= 1
    with runtime.sessions() as s:
        att = s.scalar(select(Attachment).where(Attachment.kind == "image"))
        stored = Path(att.stored_path).read_bytes()
    assert stored and PHOTO not in stored  # encrypted at rest

    make_staff("hx_police", "police", township="红星镇")
    make_staff("qs_police", "police", township="青山镇")
    _login(client, "hx_police")
    page = client.get(f"/admin/cases/{number}").get_data(as_text=True)
    link = re.search(r'href="(/admin/attachments/\d+)"', page).group(1)
    resp = client.get(link)
    assert resp.status_code == 200 and resp.data == PHOTO and resp.mimetype == "image/jpeg"

    other = client.application.test_client()
    _login(other, "qs_police")
    assert other.get(link).status_code == 404
    runtime.close()
