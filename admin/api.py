"""REST API for police and civil-affairs systems: bearer tokens, jurisdiction-scoped."""
from __future__ import annotations

from datetime import datetime
from functools import wraps

from flask import Blueprint, g, jsonify, request

from core import permissions
from core.categories import CODES as CATEGORIES
from core.db import transaction
from core.models.cases import STATUSES
from core.services import cases as case_service
from core.services import children as child_service
from core.services import staff as staff_service
from core.services.errors import NotFound


def _error(status: int, message: str):
    return jsonify({"error": message}), status


def make_blueprint(sessions) -> Blueprint:
    bp = Blueprint("api", __name__, url_prefix="/api/v1")

    def authenticated(action: str):
        """A bearer token whose role the permission table lets read the API and take `action`."""
        def decorate(view):
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
        return decorate

    @bp.get("/cases")
    @authenticated("view_case")
    def cases():
        args = request.args
        if args.get("status") and args["status"] not in STATUSES:
            return _error(400, f"status must be one of {', '.join(STATUSES)}")
        if args.get("category") and args["category"] not in CATEGORIES:
            return _error(400, f"category must be one of {', '.join(CATEGORIES)}")
        since = None
        if args.get("since"):
            try:
                since = datetime.fromisoformat(args["since"].replace("Z", ""))
            except ValueError:
                return _error(400, "since must be an ISO date or datetime, e.g. 2026-11-01")
        try:
            limit = min(max(int(args.get("limit", 100)), 1), 500)
            offset = max(int(args.get("offset", 0)), 0)
        except ValueError:
            return _error(400, "limit and offset must be numbers")
        rows = case_service.list_cases(g.session, g.user, status=args.get("status"),
                                       category=args.get("category"), township=args.get("township"),
                                       since=since, limit=limit, offset=offset,
                                       source=request.remote_addr)
        return jsonify({"cases": [case_service.case_to_dict(c) for c in rows], "count": len(rows)})

    @bp.get("/cases/<number>")
    @authenticated("view_case")
    def case(number: str):
        try:
            row = case_service.get_case(g.session, g.user, number, source=request.remote_addr)
        except NotFound:
            return _error(404, f"no case {number} in your jurisdiction")
        return jsonify(case_service.case_to_dict(row))

    @bp.get("/children")
    @authenticated("view_child")
    def children():
        rows = child_service.list_children(g.session, g.user, source=request.remote_addr)
        return jsonify({"children": [child_service.child_to_dict(c) for c in rows], "count": len(rows)})

    @bp.get("/children/<int:child_id>")
    @authenticated("view_child")
    def child(child_id: int):
        try:
            row = child_service.get_child(g.session, g.user, child_id, source=request.remote_addr)
        except NotFound:
            return _error(404, f"no child {child_id} in your jurisdiction")
        return jsonify(child_service.child_to_dict(row))

    return bp
