"""Staff web UI: dashboard, cases and the child ledger, scoped to the staff's jurisdiction."""
from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, abort, request
from flask_login import current_user, login_required

from admin import case_page, child_file, inbox, overview, tasks, visits
from admin.params import add_converters
from core import labels, permissions
from core.db import transaction
from core.models import StaffUser
from core.services import attachments as attachment_service
from core.services.errors import NotFound

OPEN = permissions.OPEN


def make_blueprint(sessions) -> Blueprint:
    bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates",
                   static_folder="static", static_url_path="/static")
    bp.record_once(add_converters)
    bp.app_context_processor(lambda: {"labels": labels, "allowed": permissions.allowed})
    for rule, view, methods in ROUTES:
        bp.add_url_rule(rule, view.__name__, login_required(partial(view, sessions)),
                        methods=methods)
    bp.before_request(overview.require_own_password(sessions))
    return bp


def staff(session, action: str | None = None) -> StaffUser:
    """The signed-in staff member; 403 when the permission table refuses their role `action`."""
    user = session.get(StaffUser, int(current_user.id))
    if action is not None and not permissions.allowed(user.role, action):
        abort(403)
    return user




def attachment(sessions, attachment_id: int):
    with transaction(sessions) as session:
        try:
            data, ctype = attachment_service.read_attachment(session, staff(session, "view_case"), attachment_id,
                                                             source=request.remote_addr)
        except NotFound:
            abort(404)
    return Response(data, mimetype=ctype, headers={"Cache-Control": "no-store",
                                                   "X-Content-Type-Options": "nosniff"})


GET, POST = ["GET"], ["POST"]
# Ids and case numbers use the checked converters of admin.params: a number the database
# cannot hold matches no route (404) instead of failing in the database (500).
ROUTES = (
    ("/cases", inbox.cases, GET),
    ("/cases/<case_number:number>", case_page.case, GET),
    ("/cases/<case_number:number>/steps/<code>", case_page.case_step, POST),
    ("/attachments/<id:attachment_id>", attachment, GET),
    *child_file.ROUTES, *visits.ROUTES, *tasks.ROUTES,  # the child ledger, visits, tasks
    *overview.ROUTES,  # dashboard, exports, audit, users
)
