"""A staff member's own account: change the password (ends every other session)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask import session as cookie
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from admin.auth import SessionUser, locked_message
from admin.security import LoginThrottle
from core.db import transaction
from core.models import StaffUser
from core.services import passwords, staff_sessions
from core.services import staff as staff_service
from core.services.errors import Invalid


class PasswordForm(FlaskForm):
    current = PasswordField("现在的密码", validators=[DataRequired(), Length(max=200)])
    new = PasswordField("新密码", validators=[DataRequired(), Length(max=200)])
    again = PasswordField("再输一次新密码", validators=[
        DataRequired(), EqualTo("new", message="两次输入的新密码不一样。")])


def make_blueprint(sessions, throttle: LoginThrottle) -> Blueprint:
    bp = Blueprint("account", __name__, url_prefix="/admin/account")

    @bp.route("/password", methods=["GET", "POST"])
    @login_required
    def password():
        form = PasswordForm()
        with transaction(sessions) as session:
            user = session.get(StaffUser, int(current_user.id))
            if form.validate_on_submit():
                # Guessing the current password counts like a failed login: a borrowed
                # session cannot be used to try passwords without limit.
                which = throttle.blocked(user.username, request.remote_addr)
                ok = not which and passwords.verify(user.password_hash, form.current.data)[0]
                if not ok and not which:
                    throttle.failed(user.username, request.remote_addr)
                try:
                    if which:
                        raise Invalid(locked_message(throttle, which))
                    if not ok:
                        raise Invalid("现在的密码不对。")
                    staff_service.change_password(session, user, form.new.data,
                                                  actor=f"staff:{user.id}", source=request.remote_addr)
                except Invalid as exc:
                    flash(str(exc))
                else:
                    # Every session ended, this one too: this browser gets a fresh one.
                    cookie.clear()
                    cookie["sid"] = staff_sessions.start(session, user.id)
                    login_user(SessionUser(user))
                    flash("密码已修改。其他地方登录的会话都已退出。")
                    return redirect(url_for("admin.dashboard"))
            return render_template("admin/password.html", form=form, user=user)

    return bp
