"""Staff login for the web UI: password (throttled), optional one-time code, and
server-side sessions that logout, a password change or inactivity end for good."""
from __future__ import annotations

import time
from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask import session as cookie
from flask_login import LoginManager, UserMixin, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from admin.security import LoginThrottle
from core.db import transaction
from core.models import StaffUser
from core.services import audit, staff_sessions, totp
from core.services import staff as staff_service

SECOND_STEP_SECONDS = 300
WRONG = "用户名或密码不对，请再试一次。"


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired(), Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField("动态验证码（6 位数字）", validators=[DataRequired(), Length(max=10)])


class SessionUser(UserMixin):
    """What the session remembers: ids only; the row is re-read per request."""

    def __init__(self, staff: StaffUser):
        self.id = str(staff.id)
        self.username = staff.username
        self.role = staff.role


def init_login(app, sessions, admin_cfg: dict) -> LoginManager:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "请先登录。"
    idle = timedelta(minutes=int(admin_cfg.get("idle_minutes") or 30))
    longest = timedelta(minutes=int(admin_cfg.get("session_minutes") or 600))

    @manager.user_loader
    def load(user_id: str):
        if not user_id.isdigit():
            return None
        with transaction(sessions) as session:
            staff = session.get(StaffUser, int(user_id))
            if staff is None or not staff.active or not staff_sessions.check(
                    session, cookie.get("sid"), staff.id, idle, longest):
                cookie.clear()
                return None
            return SessionUser(staff)

    return manager


def locked_message(throttle: LoginThrottle, which: str) -> str:
    if which == "account":
        return (f"这个账号登录失败次数太多，已暂时锁定。请约 {throttle.minutes} 分钟后再试；"
                "如果忘记了密码，请联系系统管理员重置。")
    return f"这台电脑登录失败次数太多，已暂时不能登录。请约 {throttle.minutes} 分钟后再试。"


def too_many(_error):
    """Flask-Limiter's answer when one address sends login forms too fast."""
    form = LoginForm()
    flash("登录尝试太频繁，请稍等一分钟再试。")
    return render_template("admin/login.html", form=form), 429


def _start_session(session, staff: StaffUser, throttle: LoginThrottle) -> None:
    cookie.clear()  # a new session, never one an attacker may have planted
    token = staff_sessions.start(session, staff.id)
    login_user(SessionUser(staff))
    cookie["sid"] = token
    throttle.succeeded(staff.username)
    audit.record(session, f"staff:{staff.id}", "login", "staff_user", staff.id,
                 source=request.remote_addr)


def _failed(session, throttle: LoginThrottle, username: str, action: str = "login_failed") -> None:
    throttle.failed(username, request.remote_addr)
    audit.record(session, "anonymous", action, "staff_user", None, source=request.remote_addr)


def make_blueprint(sessions, limiter, throttle: LoginThrottle, ip_attempts: str) -> Blueprint:
    bp = Blueprint("auth", __name__, url_prefix="/admin")

    @bp.route("/login", methods=["GET", "POST"])
    @limiter.limit(ip_attempts, methods=["POST"])
    def login():
        form = LoginForm()
        if not form.validate_on_submit():
            return render_template("admin/login.html", form=form)
        username = form.username.data.strip()
        which = throttle.blocked(username, request.remote_addr)
        if which:
            with transaction(sessions) as session:
                audit.record(session, "anonymous", "login_locked", "staff_user", None,
                             source=request.remote_addr, detail=which)
            flash(locked_message(throttle, which))
            return render_template("admin/login.html", form=form), 429
        with transaction(sessions) as session:
            staff = staff_service.authenticate(session, username, form.password.data)
            if staff is None:
                _failed(session, throttle, username)
            elif staff.totp_secret:
                cookie.clear()
                cookie["pending"] = {"user": staff.id, "at": int(time.time())}
                return redirect(url_for("auth.second_step"))
            else:
                _start_session(session, staff, throttle)
                return redirect(url_for("admin.dashboard"))
        flash(WRONG)
        return render_template("admin/login.html", form=form)

    @bp.route("/login/code", methods=["GET", "POST"])
    @limiter.limit(ip_attempts, methods=["POST"])
    def second_step():
        pending = cookie.get("pending") or {}
        if not pending or time.time() - pending.get("at", 0) > SECOND_STEP_SECONDS:
            cookie.pop("pending", None)
            flash("请重新登录。")
            return redirect(url_for("auth.login"))
        form = CodeForm()
        if not form.validate_on_submit():
            return render_template("admin/code.html", form=form)
        with transaction(sessions) as session:
            staff = session.get(StaffUser, pending.get("user"))
            which = staff is None or throttle.blocked(staff.username, request.remote_addr)
            if which:
                cookie.pop("pending", None)
                flash(locked_message(throttle, which) if staff else "请重新登录。")
                return redirect(url_for("auth.login"))
            if staff.active and totp.verify(staff, form.code.data):
                _start_session(session, staff, throttle)
                return redirect(url_for("admin.dashboard"))
            _failed(session, throttle, staff.username, "login_code_failed")
        flash("动态验证码不对或已用过，请看验证器里最新的 6 位数字再试。")
        return render_template("admin/code.html", form=form)

    @bp.post("/logout")
    @login_required
    def logout():
        with transaction(sessions) as session:
            staff_sessions.end(session, cookie.get("sid"), "logout")
        logout_user()
        cookie.clear()
        flash("已退出。")  # after clear(): the message lives in the new, empty session
        return redirect(url_for("auth.login"))

    return bp
