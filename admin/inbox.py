"""The case inbox (/admin/cases): urgent first, live acceptance deadlines, filters,
search by number, child name or reporter phone (keyed hashes), pages, one-click accept.

The countdown is admin/static/inbox.js (the CSP allows no inline script); the page also
reads correctly without it, as of the moment it was served.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from flask import abort, render_template, request
from sqlalchemy import select

from admin.case_page import clock, me, zone
from admin.params import MAX_ID, int_arg
from core import labels, permissions
from core.categories import CODES as CATEGORIES
from core.db import transaction, utcnow
from core.models import Township, Village
from core.models.cases import STATUSES
from core.services.case_search import ALL, OPEN, InboxQuery, inbox

FILTERS = ("status", "category", "township", "village", "from", "to", "q")


def _date(args, name: str) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, description="日期请写成 2026-12-02 这样。")


def parse_query(args) -> InboxQuery:
    """The inbox filters from the query string; 400 for values no form would send."""
    status = args.get("status") or OPEN
    category = args.get("category") or None
    if status not in (OPEN, ALL, *STATUSES) or (category and category not in CATEGORIES):
        abort(400, description="没有这个筛选条件。")
    try:
        return InboxQuery(status=status, category=category,
                          township_id=int_arg(args, "township", 0, 0, MAX_ID) or None,
                          village_id=int_arg(args, "village", 0, 0, MAX_ID) or None,
                          date_from=_date(args, "from"), date_to=_date(args, "to"),
                          q=(args.get("q") or "").strip()[:40],
                          page=int_arg(args, "page", 1, 1, MAX_ID, clamp=True))
    except ValueError:
        abort(400, description="页码或地点不对。")


def places(session, user) -> tuple[list[Township], list[Village]]:
    """The townships and villages the filter offers: those of the staff member's own
    jurisdiction (all of them for region-wide roles)."""
    towns = select(Township).order_by(Township.id)
    villages = select(Village).order_by(Village.township_id, Village.id)
    if user.village_id:
        towns, villages = towns.where(Township.id == user.township_id), villages.where(Village.id == user.village_id)
    elif user.township_id:
        towns = towns.where(Township.id == user.township_id)
        villages = villages.where(Village.township_id == user.township_id)
    return list(session.scalars(towns)), list(session.scalars(villages))


def deadline(case, now) -> dict | None:
    """Minutes left (negative: overdue) for a case still waiting for acceptance."""
    if case.status != "submitted" or case.accept_deadline is None:
        return None
    seconds = (case.accept_deadline - now).total_seconds()
    return {"iso": case.accept_deadline.isoformat() + "Z", "overdue": seconds < 0,
            "minutes": int(abs(seconds) // 60)}


def cases(sessions):
    query = parse_query(request.args)
    with transaction(sessions) as session:
        user = me(session)
        tz = zone()
        page = inbox(session, user, query, tz, source=request.remote_addr)
        towns, villages = places(session, user)
        now = utcnow()
        kept = {k: request.args[k] for k in FILTERS if request.args.get(k)}
        return render_template(
            "admin/cases.html", user=user, page=page, query=query, towns=towns, villages=villages,
            now=now, deadline=deadline, at=clock(tz), statuses=labels.STATUS, kept=kept,
            here=request.full_path.rstrip("?"), may_accept=lambda c: permissions.refusal(user, "accept", c) is None,
            page_url=lambda n: "?" + urlencode({**kept, "page": n}))
