"""Sessions end on the server (logout, password change, idle) and pages carry safe headers."""
from __future__ import annotations

from datetime import timedelta

from core.db import transaction, utcnow
from core.services import staff as staff_service
from core.services import staff_sessions
from tests.admin.login_helpers import CSRF_LOGIN, csrf_of, logout, post_login, signed_in

PW = "correct horse battery"
NEW_PW = "river lantern 47 quietly"


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, value: str):
    """A new browser that presents an old session cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_logout_ends_the_session_on_the_server(client, app, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    post_login(client, "hx_town", PW)
    assert signed_in(client)
    stolen = _cookie(client)
    assert logout(client).status_code == 302
    replay = _replay(app, stolen).get("/admin/")
    assert replay.status_code == 302 and "/admin/login" in replay.location


def test_password_change_ends_every_other_session(client, app, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    other = app.test_client()
    post_login(client, "hx_town", PW)
    post_login(other, "hx_town", PW)
    before = _cookie(client)
    csrf = csrf_of(client, "/admin/account/password")
    resp = client.post("/admin/account/password", data={
        "current": PW, "new": NEW_PW, "again": NEW_PW, "csrf_token": csrf})
    assert resp.status_code == 302
    assert signed_in(client)  # this browser got a fresh session
    assert not signed_in(other)
    assert not signed_in(_replay(app, before))
    assert post_login(app.test_client(), "hx_town", NEW_PW).status_code == 302


def test_password_change_page_applies_the_policy(client, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    post_login(client, "hx_town", PW)
    csrf = csrf_of(client, "/admin/account/password")
    for new, message in (("1234567890", "不能全是数字"), ("hx_town-2026!", "不能包含用户名"),
                         ("password123", "太容易被猜到")):
        page = client.post("/admin/account/password", data={
            "current": PW, "new": new, "again": new, "csrf_token": csrf}).get_data(as_text=True)
        assert message in page, new
    page = client.post("/admin/account/password", data={
        "current": "not my password", "new": NEW_PW, "again": NEW_PW, "csrf_token": csrf})
    assert "现在的密码不对" in page.get_data(as_text=True)
    assert signed_in(client)


def test_cli_style_password_change_ends_sessions(client, runtime, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    post_login(client, "hx_town", PW)
    with transaction(runtime.sessions) as session:
        staff_service.set_password_by_name(session, "hx_town", NEW_PW)
    assert not signed_in(client)


def test_idle_session_ends(client, make_staff, monkeypatch):
    make_staff("hx_town", "township", township="红星镇")
    post_login(client, "hx_town", PW)
    start = utcnow()
    monkeypatch.setattr(staff_sessions, "now", lambda: start + timedelta(minutes=29))
    assert signed_in(client)  # activity within the 30 idle minutes keeps it open...
    monkeypatch.setattr(staff_sessions, "now", lambda: start + timedelta(minutes=58))
    assert signed_in(client)  # ...and counts from the last request
    monkeypatch.setattr(staff_sessions, "now", lambda: start + timedelta(minutes=89))
    resp = client.get("/admin/")
    assert resp.status_code == 302 and "/admin/login" in resp.location
    monkeypatch.setattr(staff_sessions, "now", lambda: start + timedelta(minutes=90))
    assert not signed_in(client)  # ended for good, not only refused once


def test_session_has_a_longest_lifetime(client, make_staff, monkeypatch):
    make_staff("hx_town", "township", township="红星镇")
    post_login(client, "hx_town", PW)
    start = utcnow()
    for minutes in range(20, 600, 20):
        monkeypatch.setattr(staff_sessions, "now", lambda m=minutes: start + timedelta(minutes=m))
        assert signed_in(client), minutes
    monkeypatch.setattr(staff_sessions, "now", lambda: start + timedelta(minutes=610))
    assert not signed_in(client)


def _assert_safe_headers(resp, no_store: bool = True):
    h = resp.headers
    csp = h["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert h["X-Frame-Options"] == "DENY"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "no-referrer"
    if no_store:
        assert h["Cache-Control"] == "no-store"


def test_headers_on_admin_pages_api_and_chat(client, make_staff, make_token):
    make_staff("hx_town", "township", township="红星镇")
    _assert_safe_headers(client.get("/admin/login"))
    post_login(client, "hx_town", PW)
    for path in ("/admin/", "/admin/cases", "/admin/account/password"):
        _assert_safe_headers(client.get(path))
    token = make_token("hx_town")
    _assert_safe_headers(client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}))
    _assert_safe_headers(client.get("/"))
    _assert_safe_headers(client.post("/api/chat", json={"user_id": "web-h", "text": "你好"}))
    css = client.get("/admin/static/admin.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    _assert_safe_headers(css, no_store=False)


def test_no_inline_code_in_pages(client, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    pages = [client.get("/").get_data(as_text=True), client.get("/admin/login").get_data(as_text=True)]
    post_login(client, "hx_town", PW)
    pages.append(client.get("/admin/").get_data(as_text=True))
    for page in pages:
        assert "<script>" not in page and "<style" not in page and " style=" not in page
        assert " onclick=" not in page and " onsubmit=" not in page
    js = client.get("/chat-static/chat.js")
    assert js.status_code == 200 and "msg_id" in js.get_data(as_text=True)


def test_session_cookie_is_secure_over_https(client, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    plain = post_login(client, "hx_town", PW)
    assert "Secure" not in plain.headers["Set-Cookie"]
    tls = client.application.test_client()
    page = tls.get("/admin/login", base_url="https://localhost")
    assert "Secure" in page.headers["Set-Cookie"]
    csrf = CSRF_LOGIN.search(page.get_data(as_text=True)).group(1)
    resp = tls.post("/admin/login", base_url="https://localhost",
                    headers={"Referer": "https://localhost/admin/login"},
                    data={"username": "hx_town", "password": PW, "csrf_token": csrf})
    assert resp.status_code == 302
    assert "Secure" in resp.headers["Set-Cookie"] and "HttpOnly" in resp.headers["Set-Cookie"]
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")


def test_guessing_the_current_password_is_throttled(client, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    post_login(client, "hx_town", PW)
    csrf = csrf_of(client, "/admin/account/password")
    form = {"new": NEW_PW, "again": NEW_PW, "csrf_token": csrf}
    for i in range(5):
        client.post("/admin/account/password", data={**form, "current": f"guess number {i}"})
    page = client.post("/admin/account/password", data={**form, "current": PW})
    assert "已暂时锁定" in page.get_data(as_text=True)
    assert post_login(client.application.test_client(), "hx_town", NEW_PW).status_code != 302
