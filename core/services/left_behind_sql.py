"""The left-behind definition of core/services/left_behind.py as a SQL condition, for
counting many children at once (the dashboard) without loading each one.

It is the same rule, not a second one: the two date limits below are found by asking
`left_behind.age_on` and `left_behind.months_between` themselves, and a property test
(tests/admin/test_stats.py) checks that SQL and Python agree child by child.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, func
from sqlalchemy.orm import aliased

from core.models import Child, Entrustment
from core.services import left_behind as lb

DAY = timedelta(days=1)


def _last_date(holds, start: date) -> date:
    """The last date from `start` on for which `holds` is still true (it is true at
    `start` and, once false, stays false: both limits below are monotone)."""
    day = start
    while holds(day + DAY):
        day += DAY
    return day


def youngest_too_old(today: date) -> date:
    """The latest birth date at which a child is LEFT_BEHIND_AGE or older today."""
    return _last_date(lambda b: lb.age_on(b, today) >= lb.LEFT_BEHIND_AGE,
                      date(today.year - lb.LEFT_BEHIND_AGE - 1, 1, 1))


def latest_away_since(today: date) -> date:
    """The latest departure date that is AWAY_MONTHS or more before today."""
    return _last_date(lambda s: lb.months_between(s, today) >= lb.AWAY_MONTHS,
                      today - timedelta(days=31 * lb.AWAY_MONTHS + 5))


def current_entrustment():
    """An alias of Entrustment to outer-join on `join_condition(alias)`: the child's
    current (not superseded) version, as children.current_entrustment picks it."""
    return aliased(Entrustment)


def join_condition(e):
    return and_(e.child_id == Child.id, e.superseded_at.is_(None))


def is_left_behind(e, today: date):
    """True in SQL exactly when left_behind.status(child, e, today).left_behind is."""
    return and_(e.id.is_not(None), e.ended_at.is_(None), e.other_parent.in_(lb.NO_CARE),
                Child.birth_date.is_not(None), Child.birth_date > youngest_too_old(today),
                func.coalesce(e.left_on, e.start_date) <= latest_away_since(today))
