"""Who is asking, for the overview pages (dashboard, exports, audit, users): the signed-in
staff row, refused with 403 when the permission table does not give their role the action."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, request
from flask_login import current_user

from core import localtime, permissions
from core.models import StaffUser
from core.services import dashboard_summary


def staff(session, action: str | None = None) -> StaffUser:
    user = session.get(StaffUser, int(current_user.id))
    if user is None or (action is not None and not permissions.allowed(user.role, action)):
        abort(403)
    return user


def actor(user: StaffUser) -> str:
    return f"staff:{user.id}"


def source() -> str | None:
    return request.remote_addr


def timezone_name() -> str:
    """The configured timezone for what staff read (config `timezone`, core/localtime.py)."""
    runtime = current_app.extensions.get("shouhu")
    return localtime.of_settings(getattr(runtime, "settings", None)).key


def dashboard_max_age() -> timedelta:
    """How old a dashboard summary may be to be shown (config `dashboard`); zero when the
    summary is switched off (refresh_minutes: 0)."""
    runtime = current_app.extensions.get("shouhu")
    cfg = dashboard_summary.options(getattr(runtime, "settings", None))
    return timedelta(minutes=cfg["max_age_minutes"] if cfg["refresh_minutes"] else 0)
