"""Staff login for the web UI (Flask-Login sessions, CSRF-protected forms)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core.db import transaction
from core.models import StaffUser
from core.services import audit
from core.services import staff as staff_service


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired(), Length(max=200)])


class SessionUser(UserMixin):
    """What the session remembers: ids only; the row is re-read per request."""

    def __init__(self, staff: StaffUser):
        self.id = str(staff.id)
        self.username = staff.username
        self.role = staff.role


def init_login(app, sessions) -> LoginManager:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "请先登录。"

    @manager.user_loader
    def load(user_id: str):
        with transaction(sessions) as session:
            staff = session.get(StaffUser, int(user_id)) if user_id.isdigit() else None
            return SessionUser(staff) if staff is not None and staff.active else None

    return manager


def make_blueprint(sessions) -> Blueprint:
    bp = Blueprint("auth", __name__, url_prefix="/admin")

    @bp.route("/login", methods=["GET", "POST"])
    def login():
        form = LoginForm()
        if form.validate_on_submit():
            with transaction(sessions) as session:
                staff = staff_service.authenticate(session, form.username.data, form.password.data)
                audit.record(session, f"staff:{staff.id}" if staff else "anonymous",
                             "login" if staff else "login_failed", "staff_user",
                             staff.id if staff else None, source=request.remote_addr)
                if staff is not None:
                    login_user(SessionUser(staff))
                    return redirect(url_for("admin.dashboard"))
            flash("用户名或密码不对，请再试一次。")
        return render_template("admin/login.html", form=form)

    @bp.post("/logout")
    @login_required
    def logout():
        logout_user()
        return redirect(url_for("auth.login"))

    return bp
