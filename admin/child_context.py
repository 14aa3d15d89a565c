"""What the child-file, visit and task pages share: the signed-in staff row, the visit
rules and the reporting settings from the runtime, and times in the configured zone."""
from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, request
from flask_login import current_user

from core import localtime, permissions
from core.models import StaffUser
from core.services.visit_plan import Rules


def staff(session, action: str | None = None) -> StaffUser:
    """The signed-in staff member; 403 when the permission table refuses their role `action`."""
    user = session.get(StaffUser, int(current_user.id))
    if user is None or (action is not None and not permissions.allowed(user.role, action)):
        abort(403)
    return user


def runtime():
    return current_app.extensions["shouhu"]


def rules() -> Rules:
    return Rules.from_config(runtime().settings.section("visits"))


def source() -> str | None:
    return request.remote_addr


def zone():
    return localtime.of_settings(runtime().settings)


def when(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (naive UTC) time as staff read it, in the configured zone."""
    return localtime.local(value, zone()).strftime(fmt) if value is not None else ""


def day(value: datetime | None) -> str:
    return when(value, "%Y-%m-%d")
