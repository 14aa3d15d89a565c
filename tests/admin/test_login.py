"""Login: lock-out per account and per address, no username oracle, CSRF, Argon2, TOTP."""
from __future__ import annotations

import statistics
import time

import pyotp
from werkzeug.security import generate_password_hash

from core.db import transaction
from core.services import staff as staff_service
from core.services import totp
from tests.admin.login_helpers import csrf_of, post_login, signed_in

PW = "correct horse battery"


def test_account_locks_after_repeated_failures_even_for_the_right_password(client, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    make_staff("qs_police", "police", township="青山镇")
    for _ in range(5):
        assert "用户名或密码不对" in post_login(client, "hx_town", "wrong guess 1234").get_data(as_text=True)
    locked = post_login(client, "hx_town", PW)
    assert locked.status_code == 429
    assert "已暂时锁定" in locked.get_data(as_text=True)
    assert not signed_in(client)
    # Another account from the same address is not affected by this account's lock.
    assert post_login(client, "qs_police", PW).status_code == 302 and signed_in(client)


def test_unknown_usernames_lock_the_same_way(client):
    for _ in range(5):
        post_login(client, "no_such_user", "wrong guess 1234")
    assert "已暂时锁定" in post_login(client, "no_such_user", PW).get_data(as_text=True)


def test_address_is_blocked_after_many_failures_across_usernames(client, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    for i in range(30):  # 30 different usernames, so no single account locks
        post_login(client, f"guess_{i}", "wrong guess 1234")
    blocked = post_login(client, "hx_town", PW)
    assert blocked.status_code == 429 and "这台电脑" in blocked.get_data(as_text=True)
    assert not signed_in(client)
    other = client.application.test_client()
    ok = post_login(other, "hx_town", PW, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert ok.status_code == 302


def test_success_resets_the_account_counter(client, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    for _ in range(4):
        post_login(client, "hx_town", "wrong guess 1234")
    assert post_login(client, "hx_town", PW).status_code == 302
    for _ in range(4):
        post_login(client, "hx_town", "wrong guess 1234")
    assert post_login(client, "hx_town", PW).status_code == 302


def _median_seconds(runtime, username: str, runs: int = 9) -> float:
    times = []
    for _ in range(runs):
        with transaction(runtime.sessions) as session:
            start = time.perf_counter()
            assert staff_service.authenticate(session, username, "wrong guess 1234") is None
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_unknown_username_takes_as_long_as_a_known_one(jurisdiction, runtime, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    _median_seconds(runtime, "nobody", 2)  # warm-up: the dummy hash is made once
    known = _median_seconds(runtime, "hx_town")
    unknown = _median_seconds(runtime, "nobody")
    # Tolerant on a busy machine: before the fix the ratio was about 20 (123 ms vs 6 ms).
    assert 0.5 < unknown / known < 2.0, (known, unknown)


def test_login_form_needs_its_csrf_token(client, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    resp = client.post("/admin/login", data={"username": "hx_town", "password": PW})
    assert resp.status_code == 400 and not signed_in(client)
    forged = client.post("/admin/login", data={"username": "hx_town", "password": PW,
                                               "csrf_token": "forged"})
    assert forged.status_code == 400 and not signed_in(client)


def test_old_hash_still_works_and_is_upgraded_to_argon2(client, runtime, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    with transaction(runtime.sessions) as session:
        user = staff_service.find_user(session, "hx_town")
        assert user.password_hash.startswith("$argon2id$")
        user.password_hash = generate_password_hash(PW, method="pbkdf2:sha256")
    assert post_login(client, "hx_town", PW).status_code == 302 and signed_in(client)
    with transaction(runtime.sessions) as session:
        assert staff_service.find_user(session, "hx_town").password_hash.startswith("$argon2id$")


def _enrol(runtime, username: str) -> str:
    with transaction(runtime.sessions) as session:
        secret, uri = totp.enrol(session, staff_service.find_user(session, username))
    assert uri.startswith("otpauth://totp/")
    return secret


def _post_code(client, code: str):
    csrf = csrf_of(client, "/admin/login/code")
    return client.post("/admin/login/code", data={"code": code, "csrf_token": csrf})


def test_totp_is_a_second_step_and_a_code_works_once(client, runtime, make_staff):
    make_staff("county_admin", "admin")
    secret = _enrol(runtime, "county_admin")
    first = post_login(client, "county_admin", PW)
    assert first.status_code == 302 and first.location.endswith("/admin/login/code")
    assert not signed_in(client)  # the password alone is not enough
    wrong = _post_code(client, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    assert "动态验证码不对" in wrong.get_data(as_text=True) and not signed_in(client)
    code = pyotp.TOTP(secret).now()
    assert _post_code(client, code).status_code == 302 and signed_in(client)
    other = client.application.test_client()
    post_login(other, "county_admin", PW)
    assert "动态验证码不对" in _post_code(other, code).get_data(as_text=True)  # replayed
    assert not signed_in(other)


def test_code_page_without_a_password_step_goes_back_to_login(client):
    resp = client.get("/admin/login/code")
    assert resp.status_code == 302 and "/admin/login" in resp.location


def test_totp_can_be_turned_off(client, runtime, make_staff):
    make_staff("minzheng", "civil_affairs")
    _enrol(runtime, "minzheng")
    with transaction(runtime.sessions) as session:
        totp.disable(session, staff_service.find_user(session, "minzheng"))
    assert post_login(client, "minzheng", PW).location.endswith("/admin/")


def test_wrong_codes_lock_the_account_too(client, runtime, make_staff):
    make_staff("county_admin", "admin")
    secret = _enrol(runtime, "county_admin")
    post_login(client, "county_admin", PW)
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    for _ in range(5):
        _post_code(client, wrong)
    resp = _post_code(client, pyotp.TOTP(secret).now())
    assert resp.status_code == 302 and resp.location.endswith("/admin/login")
    assert not signed_in(client)
    assert "已暂时锁定" in post_login(client, "county_admin", PW).get_data(as_text=True)


def test_too_many_login_forms_from_one_address_get_a_chinese_answer(runtime, jurisdiction):
    from bot.app import create_app
    runtime.settings.raw.setdefault("admin", {})["login"] = {"ip_attempts": "3 per minute"}
    app = create_app(runtime.settings, runtime)
    client = app.test_client()
    for _ in range(3):
        assert post_login(client, "someone", "wrong guess 1234").status_code == 200
    resp = post_login(client, "someone", "wrong guess 1234")
    assert resp.status_code == 429 and "太频繁" in resp.get_data(as_text=True)
    assert "Content-Security-Policy" in resp.headers
