"""The served app: health, the admin login, the web chat."""
from __future__ import annotations

import re


def test_healthz(client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["db"] == "ok"


def test_admin_login_page_and_login(client, make_staff):
    page = client.get("/admin/login")
    assert page.status_code == 200 and "登录" in page.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # not logged in
    make_staff("hx_town", "township", township="红星镇")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    bad = client.post("/admin/login", data={"username": "hx_town", "password": "wrong-password",
                                            "csrf_token": token.group(1)})
    assert "用户名或密码不对" in bad.get_data(as_text=True)
    ok = client.post("/admin/login", data={"username": "hx_town", "password": "correct horse battery",
                                           "csrf_token": token.group(1)})
    assert ok.status_code == 302
    assert "未结案件" in client.get("/admin/").get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    resp = client.post("/admin/login", data={"username": "hx_town", "password": "correct horse battery"})
    assert resp.status_code == 400


def test_web_chat_greets_with_menu(client):
    resp = client.post("/api/chat", json={"user_id": "web-test-1", "text": "你好"})
    assert resp.status_code == 200
    reply = resp.get_json()["replies"][0]
    assert "110" in reply["text"]
    assert "我要报告" in reply["buttons"]


def test_web_chat_rejects_bad_bodies(client):
    assert client.post("/api/chat", data="not json", content_type="application/json").status_code == 400
    assert client.post("/api/chat", json={"text": "hi"}).status_code == 400
    assert client.post("/api/chat", json={"user_id": "u", "text": 5}).status_code == 400
    assert client.post("/api/chat", json={"user_id": "u", "text": "x",
                                          "location": {"lat": "north"}}).status_code == 400
    big = client.post("/api/chat", json={"user_id": "u", "text": "字" * 2_000_000})
    assert big.status_code == 413
