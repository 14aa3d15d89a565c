"""The audit screen (/admin/audit): who read or changed which record, and when.
Admin and civil affairs only (the permission table's `view_audit`)."""
from __future__ import annotations

from datetime import date

from flask import abort, render_template, request

from admin.access import source, staff, timezone_name
from admin.params import int_arg
from core.db import transaction
from core.services import audit_search
from core.services.exports import Clock

MAX_PAGE = 100_000


def _day(name: str) -> tuple[date | None, str | None]:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None, None
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return None, f"日期“{raw[:20]}”看不懂，请按 2026-12-01 这样的格式填写。"


def _query() -> tuple[audit_search.Query, list[str]]:
    args = request.args
    try:
        page = int_arg(args, "page", 1, 1, MAX_PAGE, clamp=True)
    except ValueError:
        abort(400)
    (start, e1), (end, e2) = _day("from"), _day("to")
    entity = args.get("entity", "")
    q = audit_search.Query(person=args.get("person", "")[:100], record=args.get("record", "")[:64],
                           entity=entity if entity in audit_search.ENTITIES else "",
                           date_from=start, date_to=end, page=page)
    return q, [e for e in (e1, e2) if e]


def audit_log(sessions):
    q, problems = _query()
    tz = timezone_name()
    with transaction(sessions) as session:
        user = staff(session, "view_audit")
        page = audit_search.search(session, user, q, tz, source=source())
        return render_template("admin/audit.html", user=user, q=q, page=page, problems=problems,
                               local=Clock(tz).local, actions=audit_search.ACTIONS,
                               entities=audit_search.ENTITIES, args=request.args)


ROUTES = (("/audit", audit_log, ["GET"]),)
