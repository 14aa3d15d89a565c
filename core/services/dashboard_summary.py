"""The dashboard's summary tables (core/models/summary.py): recomputed by a periodic task,
read by the dashboard while they are fresh.

A refresh is a full recompute in SQL (DELETE, then INSERT … SELECT grouped by month,
place, office, category and status) in one transaction, with the very expressions the
live dashboard counts with (core/services/stats.py), so a fresh summary gives the numbers
the live count gave at the refresh. Readers see the old rows until the refresh commits.

The dashboard reads the summary when it is at most `dashboard.max_age_minutes` old and
was counted in the dashboard's timezone (a case's month is a local month), shows
"数据更新于 HH:MM", and otherwise counts live (e.g. the embedded profile before its first
refresh). Scoping is the same filter as the live one (core/services/scope.py, `on=`), on
the place columns each summary row keeps. The inbox and a child's file are always live.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from core import localtime, permissions
from core.db import transaction, utcnow
from core.models import (
    Case,
    CaseMonthSummary,
    CaseTownMonthSummary,
    Child,
    ChildPlaceSummary,
    DashboardRefresh,
    StaffUser,
)
from core.services import stats
from core.services.scope import case_scope, child_scope
from core.services.visit_plan import DEFAULT_RULES, Rules

log = logging.getLogger(__name__)
REFRESH_ID = 1
DEFAULTS = {"refresh_minutes": 10, "max_age_minutes": 30}


def options(settings) -> dict:
    """config.yaml `dashboard`: refresh_minutes (0 = no summary: always count live) and
    max_age_minutes (older summaries are not shown)."""
    cfg = {**DEFAULTS, **(settings.section("dashboard") if settings is not None else {})}
    for name in DEFAULTS:
        value = cfg[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"dashboard.{name} must be a whole number of minutes, not {value!r}")
    return cfg


def _count(cond):
    return func.sum(case((cond, 1), else_=0))


def _claim(session: Session, now: datetime, tz_name: str) -> None:
    """Write the refresh row first: its row lock makes concurrent refreshes wait in turn
    (each then deletes what the one before inserted)."""
    done = session.execute(update(DashboardRefresh).where(DashboardRefresh.id == REFRESH_ID)
                           .values(refreshed_at=now, tz=tz_name, took_ms=0)).rowcount
    if not done:
        session.add(DashboardRefresh(id=REFRESH_ID, refreshed_at=now, tz=tz_name, took_ms=0))
        session.flush()


def recompute(session: Session, now: datetime, tz_name: str, rules: Rules = DEFAULT_RULES) -> None:
    """Replace the summaries with the counts as of `now`, inside the caller's transaction."""
    tz = ZoneInfo(tz_name)
    offset = stats._offset(tz, now)
    today = (now + offset).date()
    _claim(session, now, tz_name)
    session.execute(delete(CaseMonthSummary))
    session.execute(delete(CaseTownMonthSummary))
    session.execute(delete(ChildPlaceSummary))
    first = stats.first_accepted()
    due, on_time = stats.acceptance_terms(first, now)
    month = stats._month_of(session, Case.created_at, offset)
    group = (month, Case.township_id, Case.village_id, Case.assigned_unit, Case.category, Case.status)
    cases = (select(*group, func.count(), _count(due), _count(on_time), _count(stats.late_unaccepted(now)))
             .select_from(Case).outerjoin(first, first.c.case_id == Case.id).group_by(*group))
    s = CaseMonthSummary
    session.execute(insert(s).from_select(
        [s.month, s.township_id, s.village_id, s.assigned_unit, s.category, s.status,
         s.cases, s.due, s.on_time, s.late_unaccepted], cases))
    t, by = CaseTownMonthSummary, (s.month, s.township_id, s.assigned_unit, s.category, s.status)
    session.execute(insert(t).from_select(
        [t.month, t.township_id, t.assigned_unit, t.category, t.status, t.cases, t.due, t.on_time,
         t.late_unaccepted],
        select(*by, func.sum(s.cases), func.sum(s.due), func.sum(s.on_time), func.sum(s.late_unaccepted))
        .group_by(*by)))
    p = ChildPlaceSummary
    children = stats.left_behind_counts(now, today, Child.township_id, Child.village_id, Child.school_id,
                                        rules=rules)
    session.execute(insert(p).from_select(
        [p.township_id, p.village_id, p.school_id, p.left_behind, p.contact_overdue, p.home_visit_overdue],
        children))


def refresh(sessions, now: datetime | None = None, tz_name: str | None = None,
            rules: Rules = DEFAULT_RULES) -> int:
    """The periodic task: one transaction; returns the milliseconds it took."""
    now = now or utcnow()
    tz_name = localtime.zone(tz_name).key
    started = time.perf_counter()
    with transaction(sessions, write=True) as session:
        recompute(session, now, tz_name, rules)
        took = round((time.perf_counter() - started) * 1000)
        session.execute(update(DashboardRefresh).where(DashboardRefresh.id == REFRESH_ID).values(took_ms=took))
    log.info("dashboard summary refreshed in %d ms", took)
    return took


def fresh(session: Session, now: datetime, max_age: timedelta, tz_name: str) -> DashboardRefresh | None:
    """The last refresh, when it is recent enough and in this timezone; else None."""
    row = session.get(DashboardRefresh, REFRESH_ID)
    if row is None or row.tz != tz_name or not timedelta(0) <= now - row.refreshed_at <= max_age:
        return None
    return row


def summary_overview(session: Session, user: StaffUser, row: DashboardRefresh, now: datetime) -> dict:
    """stats.overview's data, read from the summary refreshed at `row.refreshed_at`."""
    tz = ZoneInfo(row.tz)
    keys = stats.month_keys(now + stats._offset(tz, now))
    # A village's rows are in the per-village table; every other scope reads the smaller
    # one without villages (a county's dashboard then sums ~7,000 rows, not ~50,000).
    village = permissions.scope_for(user.role, "view_case") == permissions.VILLAGE
    s, p = (CaseMonthSummary if village else CaseTownMonthSummary), ChildPlaceSummary
    scope, window = case_scope(user, on=s), s.month >= keys[0]
    names = stats.dimension_names(session)
    cases = {dim: stats.series_by(keys, session.execute(
                 select(s.month, col, func.sum(s.cases)).where(scope, window).group_by(s.month, col)).all(),
                 names[dim])
             for dim, col in (("category", s.category), ("status", s.status), ("township", s.township_id))}
    acceptance = session.execute(select(s.month, func.sum(s.due), func.sum(s.on_time))
                                 .where(scope, window, s.due > 0).group_by(s.month)).all()
    by_status = dict(session.execute(select(s.status, func.sum(s.cases)).where(scope).group_by(s.status)).all())
    late = session.scalar(select(func.sum(s.late_unaccepted)).where(scope))
    places = session.execute(select(p.township_id, p.village_id, func.sum(p.left_behind),
                                    func.sum(p.contact_overdue), func.sum(p.home_visit_overdue))
                             .where(child_scope(user, on=p)).group_by(p.township_id, p.village_id)).all()
    at = localtime.local(row.refreshed_at, tz)
    return {"months": keys,
            "cases": cases,
            "acceptance": stats.acceptance_by(acceptance, keys),
            "children": stats.places_by(session, places),
            "counts": stats.counts_by(by_status, late),
            "as_of": {"at": row.refreshed_at.isoformat() + "Z", "local": at.strftime("%H:%M"),
                      "date": at.date().isoformat()}}


def overview(session: Session, user: StaffUser, tz_name: str | None = None, now: datetime | None = None,
             max_age: timedelta = timedelta(minutes=DEFAULTS["max_age_minutes"]),
             rules: Rules = DEFAULT_RULES) -> dict:
    """The dashboard's data: from a fresh summary, else counted live."""
    now = now or utcnow()
    tz_name = localtime.zone(tz_name).key
    row = fresh(session, now, max_age, tz_name) if max_age > timedelta(0) else None
    if row is None:
        return stats.overview(session, user, tz_name, now, rules)
    return summary_overview(session, user, row, now)
