"""The dashboard's numbers, every one inside the staff member's jurisdiction.

Counts only, never a name: cases by month (local time) and category, status and township;
the share of cases accepted (受理) within their deadline; children left behind per village
and those whose monthly contact (每月联系) or quarterly home visit (每季度入户走访) is overdue.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from core import labels
from core.db import utcnow
from core.models import Case, CaseEvent, Child, StaffUser, Township, Village, Visit
from core.permissions import OPEN
from core.services import left_behind_sql as lbsql
from core.services.scope import case_scope, child_scope
from core.services.visit_plan import DEFAULT_RULES, Rules

MONTHS = 12
DEFAULT_TZ = "Asia/Shanghai"


def month_keys(now_local: datetime, months: int = MONTHS) -> list[str]:
    y, m = now_local.year, now_local.month
    keys = []
    for _ in range(months):
        keys.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return keys[::-1]


def _offset(tz: ZoneInfo, now: datetime) -> timedelta:
    return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz).utcoffset()


def _month_of(session: Session, column, offset: timedelta):
    """'YYYY-MM' of a naive-UTC column in local time (the zone's offset now: China has no DST)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column + offset, "YYYY-MM")
    return func.strftime("%Y-%m", column, f"{int(offset.total_seconds() // 60):+d} minutes")


def _window_start(keys: list[str], offset: timedelta) -> datetime:
    """The first month's first local midnight, in naive UTC."""
    y, m = (int(p) for p in keys[0].split("-"))
    return datetime(y, m, 1) - offset


def _series(keys, counts: dict) -> list[int]:
    return [counts.get(k, 0) for k in keys]


def cases_over_time(session: Session, user: StaffUser, keys, start, offset) -> dict:
    month = _month_of(session, Case.created_at, offset).label("month")
    rows = session.execute(
        select(month, Case.category, Case.status, Case.township_id, func.count())
        .where(case_scope(user), Case.created_at >= start)
        .group_by(month, Case.category, Case.status, Case.township_id)).all()
    return cases_by(session, rows, keys)


def dimension_names(session: Session) -> dict:
    """How each chart dimension names its codes: category and status labels, township names."""
    towns = dict(session.execute(select(Township.id, Township.name)).all())
    return {"category": lambda code: labels.CATEGORY.get(code, code),
            "status": lambda code: labels.STATUS.get(code, code),
            "township": lambda town_id: towns.get(town_id, "未填乡镇")}


def series_by(keys, rows, name_of) -> dict:
    """(month, code, count) rows as one series per name, in name order."""
    groups: dict = {}
    for m, code, n in rows:
        cell = groups.setdefault(name_of(code), {})
        cell[m] = cell.get(m, 0) + int(n)
    return {name: _series(keys, counts) for name, counts in sorted(groups.items())}


def cases_by(session: Session, rows, keys) -> dict:
    """(month, category, status, township id, count) rows as the charts' series."""
    names = dimension_names(session)
    rows = list(rows)
    return {dim: series_by(keys, [(r[0], r[i], r[4]) for r in rows], names[dim])
            for i, dim in enumerate(("category", "status", "township"), 1)}


def first_accepted():
    """Each case's first acceptance (受理), to outer-join on case_id."""
    return (select(CaseEvent.case_id, func.min(CaseEvent.at).label("at"))
            .where(CaseEvent.status_to == "accepted").group_by(CaseEvent.case_id).subquery())


def acceptance_terms(first, now: datetime):
    """(due, on_time): a case is due for acceptance when it was accepted, or is past its
    deadline and still not accepted (merged ones aside); on time when accepted by then."""
    due = and_(Case.accept_deadline.is_not(None),
               or_(first.c.at.is_not(None), and_(Case.accept_deadline < now, Case.status != "merged")))
    return due, and_(due, first.c.at <= Case.accept_deadline)


def late_unaccepted(now: datetime):
    return and_(Case.status == "submitted", Case.accept_deadline < now)


def accepted_on_time(session: Session, user: StaffUser, keys, start, offset, now) -> dict:
    """Per month of filing: cases due for acceptance and how many of them were accepted
    by the deadline."""
    first = first_accepted()
    month = _month_of(session, Case.created_at, offset).label("month")
    due, on_time = acceptance_terms(first, now)
    rows = session.execute(
        select(month, func.count(), func.sum(case((on_time, 1), else_=0)))
        .select_from(Case).outerjoin(first, first.c.case_id == Case.id)
        .where(case_scope(user), Case.created_at >= start, due)
        .group_by(month)).all()
    return acceptance_by(rows, keys)


def acceptance_by(rows, keys) -> dict:
    """(month, due, on time) rows as the acceptance chart's series and share."""
    due_by, ok_by = {}, {}
    for m, n, k in rows:
        due_by[m], ok_by[m] = int(n or 0), int(k or 0)
    total, ok = sum(due_by.values()), sum(ok_by.values())
    return {"due": _series(keys, due_by), "on_time": _series(keys, ok_by),
            "total_due": total, "total_on_time": ok,
            "share": round(ok / total, 4) if total else None}


def _visited_since(since: datetime, kind: str | None = None):
    """EXISTS per child (an index lookup on visit.child_id) rather than aggregating the
    whole visit table: cheap for one village and for a county with a million children."""
    q = select(Visit.id).where(Visit.child_id == Child.id, Visit.at >= since)
    return exists(q.where(Visit.kind == kind) if kind else q)


def left_behind_counts(now: datetime, today: date, *group, rules: Rules = DEFAULT_RULES):
    """SELECT *group, left-behind children, contact overdue, home visit overdue, FROM the
    children with their current entrustment (group and scope them as you need). Overdue
    uses the visit plan's ordinary intervals (config `visits`: 儿童主任 contact monthly,
    home visit quarterly), so the dashboard and /admin/visits agree."""
    e = lbsql.current_entrustment()
    contact_since = now - timedelta(days=rules.contact_days)
    home_since = now - timedelta(days=rules.home_visit_days)
    # A child registered this month is not yet late for this month's contact.
    no_contact = and_(Child.created_at < contact_since, ~_visited_since(contact_since))
    no_home = and_(Child.created_at < home_since, ~_visited_since(home_since, "home_visit"))
    return (select(*group, func.count(), func.sum(case((no_contact, 1), else_=0)),
                   func.sum(case((no_home, 1), else_=0)))
            .select_from(Child).outerjoin(e, lbsql.join_condition(e))
            .where(lbsql.is_left_behind(e, today)).group_by(*group))


def children_by_village(session: Session, user: StaffUser, now: datetime, today: date,
                        rules: Rules = DEFAULT_RULES) -> dict:
    """Left-behind children per village, and those of them with a visit overdue."""
    rows = session.execute(left_behind_counts(now, today, Child.township_id, Child.village_id, rules=rules)
                           .where(child_scope(user))).all()
    return places_by(session, rows)


def places_by(session: Session, rows) -> dict:
    """(township id, village id, left behind, contact overdue, home visit overdue) rows."""
    towns = dict(session.execute(select(Township.id, Township.name)).all())
    villages = dict(session.execute(select(Village.id, Village.name)).all())
    places = []
    for town_id, village_id, n, late_contact, late_home in rows:
        name = villages.get(village_id, "未填村")
        places.append({"township": towns.get(town_id, ""), "village": name, "left_behind": int(n),
                       "contact_overdue": int(late_contact or 0), "home_visit_overdue": int(late_home or 0)})
    places.sort(key=lambda p: (-p["left_behind"], p["township"], p["village"]))
    return {"villages": places,
            "left_behind": sum(p["left_behind"] for p in places),
            "contact_overdue": sum(p["contact_overdue"] for p in places),
            "home_visit_overdue": sum(p["home_visit_overdue"] for p in places)}


def case_counts(session: Session, user: StaffUser, now: datetime) -> dict:
    by_status = dict(session.execute(
        select(Case.status, func.count()).where(case_scope(user)).group_by(Case.status)).all())
    late = session.scalar(select(func.count()).select_from(Case).where(case_scope(user), late_unaccepted(now)))
    return counts_by(by_status, late)


def counts_by(by_status: dict, late) -> dict:
    by_status = {k: int(v) for k, v in by_status.items()}
    return {"by_status": by_status, "open": sum(by_status.get(s, 0) for s in OPEN),
            "unaccepted_overdue": int(late or 0)}


def overview(session: Session, user: StaffUser, tz_name: str = DEFAULT_TZ,
             now: datetime | None = None, rules: Rules = DEFAULT_RULES) -> dict:
    """Everything the dashboard shows, as plain JSON-ready data."""
    now = now or utcnow()
    tz = ZoneInfo(tz_name or DEFAULT_TZ)
    offset = _offset(tz, now)
    local_now = now + offset
    keys = month_keys(local_now)
    start = _window_start(keys, offset)
    return {"months": keys,
            "cases": cases_over_time(session, user, keys, start, offset),
            "acceptance": accepted_on_time(session, user, keys, start, offset, now),
            "children": children_by_village(session, user, now, local_now.date(), rules),
            "counts": case_counts(session, user, now),
            "as_of": None}  # live; a summary's overview gives its refresh time here
