"""The overview pages, added to the staff UI's blueprint by admin/views.py: dashboard,
Excel exports, the audit screen and user management; and the rule that an account with a
temporary password changes it before anything else."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from admin import audit_view, dashboard, exports, users
from core.db import transaction
from core.models import StaffUser

ROUTES = (*dashboard.ROUTES, *exports.ROUTES, *audit_view.ROUTES, *users.ROUTES)


def require_own_password(sessions):
    """A before_request hook: staff signed in with a temporary password (set by an
    administrator) are sent to change it first."""
    def hook():
        if request.endpoint == "admin.static" or not current_user.is_authenticated:
            return None
        with transaction(sessions) as session:
            user = session.get(StaffUser, int(current_user.id))
            must = user is not None and user.must_change_password
        if must:
            flash("您现在用的是临时密码，请先改成只有您自己知道的新密码。")
            return redirect(url_for("account.password"))
        return None
    return hook
