"""User management for administrators (/admin/users): create, disable or enable, reset the
password (a temporary one, shown once) and change role and jurisdiction."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from admin.access import source, staff
from admin.security import THROTTLE_EXTENSION
from core.db import transaction
from core.models import School, Township, Village
from core.models.staff import ROLES
from core.services import staff_admin
from core.services.errors import Invalid, NotFound


def _places(session) -> dict:
    return {"townships": session.scalars(select(Township).order_by(Township.id)).all(),
            "villages": session.scalars(select(Village).order_by(Village.township_id, Village.id)).all(),
            "schools": session.scalars(select(School).order_by(School.township_id, School.id)).all()}


def _id(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        abort(400)
    return int(raw)


def _scope_from_form() -> staff_admin.Scope:
    role = request.form.get("role", "")
    return staff_admin.Scope(role=role if role in ROLES else "", township_id=_id("township"),
                             village_id=_id("village"), school_id=_id("school"))


def _account(session, user_id: int):
    try:
        return staff_admin.get(session, user_id)
    except NotFound:
        abort(404)


def users(sessions):
    with transaction(sessions) as session:
        admin = staff(session, "manage_users")
        return render_template("admin/users.html", user=admin, accounts=staff_admin.all_users(session))


def _shown_once(admin, account, password: str, created: bool):
    return render_template("admin/user_password.html", user=admin, account=account,
                           password=password, created=created)


def user_new(sessions):
    with transaction(sessions) as session:
        admin = staff(session, "manage_users")
        if request.method == "POST":
            try:
                account, password = staff_admin.create(session, admin, request.form.get("username", "")[:100],
                                                       _scope_from_form(), source=source())
            except Invalid as exc:
                flash(str(exc))
            else:
                return _shown_once(admin, account, password, created=True)
        return render_template("admin/user_form.html", user=admin, account=None, roles=ROLES,
                               form=request.form, **_places(session))


def user_edit(sessions, user_id: int):
    with transaction(sessions) as session:
        admin = staff(session, "manage_users")
        account = _account(session, user_id)
        if request.method == "POST":
            try:
                staff_admin.change_scope(session, admin, account, _scope_from_form(), source=source())
            except Invalid as exc:
                flash(str(exc))
                session.rollback()
                account = _account(session, user_id)
            else:
                flash(f"已保存 {account.username} 的角色和辖区。")
                return redirect(url_for("admin.users"))
        return render_template("admin/user_form.html", user=admin, account=account, roles=ROLES,
                               form=request.form, **_places(session))


def _set_active(sessions, user_id: int, active: bool):
    with transaction(sessions) as session:
        admin = staff(session, "manage_users")
        account = _account(session, user_id)
        try:
            staff_admin.set_active(session, admin, account, active, source=source())
        except Invalid as exc:
            flash(str(exc))
        else:
            flash(f"已{'启用' if active else '停用'}账号 {account.username}。"
                  + ("" if active else "它登录着的地方都已退出。"))
    return redirect(url_for("admin.users"))


def user_disable(sessions, user_id: int):
    return _set_active(sessions, user_id, False)


def user_enable(sessions, user_id: int):
    return _set_active(sessions, user_id, True)


def user_reset(sessions, user_id: int):
    with transaction(sessions) as session:
        admin = staff(session, "manage_users")
        account = _account(session, user_id)
        password = staff_admin.reset_password(session, admin, account, source=source())
        throttle = current_app.extensions.get(THROTTLE_EXTENSION)
        if throttle is not None:  # the owner can log in with the temporary password at once
            throttle.unlock(account.username)
        return _shown_once(admin, account, password, created=False)


GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
ROUTES = (
    ("/users", users, GET),
    ("/users/new", user_new, BOTH),
    ("/users/<id:user_id>", user_edit, BOTH),
    ("/users/<id:user_id>/disable", user_disable, POST),
    ("/users/<id:user_id>/enable", user_enable, POST),
    ("/users/<id:user_id>/reset", user_reset, POST),
)
