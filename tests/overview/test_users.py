"""User management: an administrator creates, disables, resets and re-scopes accounts;
temporary passwords are shown once and must be changed; everything is audited."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.db import transaction
from core.models import AuditEntry, StaffSession, StaffUser, Township, Village
from core.services import passwords
from tests.admin.login_helpers import csrf_of, post_login

PASSWORD = "correct horse battery"


def _row(runtime, username) -> StaffUser:
    with transaction(runtime.sessions) as s:
        return s.scalar(select(StaffUser).where(StaffUser.username == username))


def _ids(runtime, township, village=None):
    with transaction(runtime.sessions) as s:
        t = s.scalar(select(Township.id).where(Township.name == township))
        v = s.scalar(select(Village.id).where(Village.name == village)) if village else None
    return t, v


def _admin(client, make_staff):
    make_staff("root", "admin")
    post_login(client, "root", PASSWORD)
    return csrf_of(client, "/admin/users")


def _audit(runtime, action):
    with transaction(runtime.sessions) as s:
        return s.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_admin_creates_a_village_account_and_its_owner_must_change_the_password(app, client, runtime, make_staff):
    csrf = _admin(client, make_staff)
    town, village = _ids(runtime, "红星镇", "东风村")
    resp = client.post("/admin/users/new", data={"csrf_token": csrf, "username": "df_director", "role": "village",
                                                 "township": str(town), "village": str(village)})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    temp = re.search(r'id="temp-password">([^<]+)<', page).group(1)
    passwords.check_policy(temp, "df_director")  # the policy accepts it
    row = _row(runtime, "df_director")
    assert (row.role, row.township_id, row.village_id, row.must_change_password) == ("village", town, village, True)
    assert temp not in row.password_hash and temp not in client.get("/admin/users").get_data(as_text=True)
    created = _audit(runtime, "create")[-1]
    assert created.entity == "staff_user" and created.actor == f"staff:{_row(runtime, 'root').id}"
    # The new owner signs in with it and is sent to choose their own password first.
    owner = app.test_client()
    post_login(owner, "df_director", temp)
    resp = owner.get("/admin/children")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/account/password")
    token = csrf_of(owner, "/admin/account/password")
    owner.post("/admin/account/password", data={"csrf_token": token, "current": temp,
                                                "new": "violet lantern 4 harbor", "again": "violet lantern 4 harbor"})
    assert owner.get("/admin/children").status_code == 200
    assert _row(runtime, "df_director").must_change_password is False


def test_a_village_account_without_a_village_is_refused_in_chinese(client, runtime, make_staff):
    csrf = _admin(client, make_staff)
    town, _ = _ids(runtime, "红星镇")
    _, other_village = _ids(runtime, "青山镇", "石桥村")
    page = client.post("/admin/users/new", data={"csrf_token": csrf, "username": "nobody", "role": "village",
                                                 "township": str(town)}).get_data(as_text=True)
    assert "需要选择所在的村" in page and _row(runtime, "nobody") is None
    page = client.post("/admin/users/new", data={"csrf_token": csrf, "username": "nobody", "role": "village",
                                                 "township": str(town), "village": str(other_village)}
                       ).get_data(as_text=True)
    assert "不在这个乡镇" in page and _row(runtime, "nobody") is None
    page = client.post("/admin/users/new", data={"csrf_token": csrf, "username": "root", "role": "admin"}
                       ).get_data(as_text=True)
    assert "已经有人用了" in page


def test_disable_ends_the_sessions_and_the_login(app, client, runtime, make_staff):
    make_staff("hx_police", "police", township="红星镇")
    officer = app.test_client()
    post_login(officer, "hx_police", PASSWORD)
    assert officer.get("/admin/cases").status_code == 200
    csrf = _admin(client, make_staff)
    uid = _row(runtime, "hx_police").id
    client.post(f"/admin/users/{uid}/disable", data={"csrf_token": csrf})
    assert _row(runtime, "hx_police").active is False
    assert officer.get("/admin/cases").status_code == 302  # signed out
    assert "用户名或密码不对" in post_login(app.test_client(), "hx_police", PASSWORD).get_data(as_text=True)
    assert _audit(runtime, "disable")[0].detail == "sessions_ended=1"
    client.post(f"/admin/users/{uid}/enable", data={"csrf_token": csrf})
    assert _row(runtime, "hx_police").active is True and _audit(runtime, "enable")


def test_reset_gives_a_new_temporary_password_and_ends_every_session(app, client, runtime, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    owner = app.test_client()
    post_login(owner, "hx_town", PASSWORD)
    csrf = _admin(client, make_staff)
    uid = _row(runtime, "hx_town").id
    page = client.post(f"/admin/users/{uid}/reset", data={"csrf_token": csrf}).get_data(as_text=True)
    temp = re.search(r'id="temp-password">([^<]+)<', page).group(1)
    assert owner.get("/admin/cases").status_code == 302
    assert "用户名或密码不对" in post_login(app.test_client(), "hx_town", PASSWORD).get_data(as_text=True)
    post_login(app.test_client(), "hx_town", temp)
    with transaction(runtime.sessions) as s:
        open_sessions = s.scalars(select(StaffSession).where(StaffSession.user_id == uid,
                                                             StaffSession.ended_at.is_(None))).all()
        assert len(open_sessions) == 1  # only the login with the temporary password
    reset = _audit(runtime, "reset_password")
    assert len(reset) == 1 and reset[0].detail == "sessions_ended=1" and temp not in (reset[0].detail or "")


def test_change_scope_moves_an_account_to_another_township(client, runtime, make_staff):
    make_staff("mover", "township", township="红星镇")
    csrf = _admin(client, make_staff)
    uid = _row(runtime, "mover").id
    qs, _ = _ids(runtime, "青山镇")
    client.post(f"/admin/users/{uid}", data={"csrf_token": csrf, "role": "police", "township": str(qs)})
    row = _row(runtime, "mover")
    assert (row.role, row.township_id) == ("police", qs)
    assert "role=township" in _audit(runtime, "change_scope")[0].detail
    # An admin cannot take away their own admin role, nor disable themselves.
    root = _row(runtime, "root").id
    page = client.post(f"/admin/users/{root}", data={"csrf_token": csrf, "role": "township",
                                                     "township": str(qs)}).get_data(as_text=True)
    assert "不能取消自己的管理员角色" in page and _row(runtime, "root").role == "admin"
    client.post(f"/admin/users/{root}/disable", data={"csrf_token": csrf})
    assert _row(runtime, "root").active is True


def test_only_admins_manage_users(client, runtime, make_staff):
    make_staff("county", "civil_affairs")
    make_staff("victim", "village", township="红星镇", village="东风村")
    post_login(client, "county", PASSWORD)
    csrf = csrf_of(client, "/admin/")
    uid = _row(runtime, "victim").id
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users/new", data={"csrf_token": csrf, "username": "x", "role": "admin"}).status_code == 403
    assert client.post(f"/admin/users/{uid}/reset", data={"csrf_token": csrf}).status_code == 403
    assert client.post(f"/admin/users/{uid}/disable", data={"csrf_token": csrf}).status_code == 403
    assert _row(runtime, "victim").active is True and _row(runtime, "x") is None


def test_a_reset_lifts_the_accounts_lock_out(app, client, runtime, make_staff):
    """A clerk locked out after too many wrong passwords calls the admin, who resets the
    password: the temporary password works at once, not after the lock-out window."""
    make_staff("hx_locked", "township", township="红星镇")
    for _ in range(8):
        post_login(app.test_client(), "hx_locked", "wrong-password-1")
    locked = post_login(app.test_client(), "hx_locked", PASSWORD).get_data(as_text=True)
    assert "已暂时锁定" in locked
    csrf = _admin(client, make_staff)
    uid = _row(runtime, "hx_locked").id
    page = client.post(f"/admin/users/{uid}/reset", data={"csrf_token": csrf}).get_data(as_text=True)
    temp = re.search(r'id="temp-password">([^<]+)<', page).group(1)
    answer = post_login(app.test_client(), "hx_locked", temp).get_data(as_text=True)
    assert "已暂时锁定" not in answer
    with transaction(runtime.sessions) as s:
        assert s.scalars(select(StaffSession).where(StaffSession.user_id == uid)).all()
