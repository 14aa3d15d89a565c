"""REST API for police and civil-affairs systems: bearer tokens, jurisdiction-scoped."""
from __future__ import annotations

from datetime import datetime
from functools import wraps

from flask import Blueprint, g, jsonify, request

from admin.params import MAX_ID, add_converters, int_arg
from core import permissions
from core.categories import CODES as CATEGORIES
from core.db import transaction
from core.models.cases import STATUSES
from core.services import cases as case_service
from core.services import children as child_service
from core.services import staff as staff_service
from core.services.errors import NotFound

MAX_LIMIT = 500


def _error(status: int, message: str):
    return jsonify({"error": message}), status


def make_blueprint(sessions) -> Blueprint:
    bp = Blueprint("api", __name__, url_prefix="/api/v1")
    bp.record_once(add_converters)
    for rule, view, action in (("/cases", cases, "view_case"),
                               ("/cases/<case_number:number>", case, "view_case"),
                               ("/children", children, "view_child"),
                               ("/children/<id:child_id>", child, "view_child")):
        bp.add_url_rule(rule, view.__name__, _authenticated(sessions, view, action), methods=["GET"])
    return bp


def _authenticated(sessions, view, action: str):
    """A bearer token whose role the permission table lets read the API and take `action`."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        with transaction(sessions) as session:
            user = staff_service.user_for_token(session, token)
            if user is None:
                resp = _error(401, "missing, wrong or revoked token")
                resp[0].headers["WWW-Authenticate"] = 'Bearer realm="shouhu"'
                return resp
            for needed in ("api_read", action):
                if not permissions.allowed(user.role, needed):
                    return _error(403, f"role {user.role} may not {needed.replace('_', ' ')}")
            g.session, g.user = session, user
            return view(*args, **kwargs)
    return wrapper


def _case_filters(args) -> dict | str:
    """The list filters of GET /cases, or the error message for a 400."""
    if args.get("status") and args["status"] not in STATUSES:
        return f"status must be one of {', '.join(STATUSES)}"
    if args.get("category") and args["category"] not in CATEGORIES:
        return f"category must be one of {', '.join(CATEGORIES)}"
    since = None
    if args.get("since"):
        try:
            since = datetime.fromisoformat(args["since"].replace("Z", ""))
        except ValueError:
            return "since must be an ISO date or datetime, e.g. 2026-11-01"
    try:
        limit = int_arg(args, "limit", 100, 1, MAX_LIMIT, clamp=True)
        offset = int_arg(args, "offset", 0, 0, MAX_ID)
    except ValueError as exc:
        return str(exc)
    return {"status": args.get("status"), "category": args.get("category"),
            "township": args.get("township"), "since": since, "limit": limit, "offset": offset}


def cases():
    filters = _case_filters(request.args)
    if isinstance(filters, str):
        return _error(400, filters)
    rows = case_service.list_cases(g.session, g.user, source=request.remote_addr, **filters)
    return jsonify({"cases": [case_service.case_to_dict(c) for c in rows], "count": len(rows)})


def case(number: str):
    try:
        row = case_service.get_case(g.session, g.user, number, source=request.remote_addr)
    except NotFound:
        return _error(404, "no such case in your jurisdiction")
    return jsonify(case_service.case_to_dict(row))


def children():
    rows = child_service.list_children(g.session, g.user, source=request.remote_addr)
    return jsonify({"children": [child_service.child_to_dict(c) for c in rows], "count": len(rows)})


def child(child_id: int):
    try:
        row = child_service.get_child(g.session, g.user, child_id, source=request.remote_addr)
    except NotFound:
        return _error(404, "no such child in your jurisdiction")
    return jsonify(child_service.child_to_dict(row))
