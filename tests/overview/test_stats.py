"""Dashboard numbers: scoped by jurisdiction, and the left-behind count is the file's rule."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select

from core import labels
from core.db import transaction
from core.models import Child, StaffUser
from core.services import left_behind, left_behind_sql, stats
from core.services.children import current_entrustment
from core.services.visit_plan import Rules
from tests.overview.data import add_child, seed, visit

NOW = datetime(2026, 12, 2, 8, 0)


def _user(session, username):
    return session.scalar(select(StaffUser).where(StaffUser.username == username))


def test_a_township_head_counts_only_their_township(runtime, jurisdiction, make_staff):
    seed(runtime, NOW)
    make_staff("hx_head", "township", township="红星镇")
    make_staff("county", "civil_affairs")
    with transaction(runtime.sessions) as s:
        town = stats.overview(s, _user(s, "hx_head"), now=NOW)
        county = stats.overview(s, _user(s, "county"), now=NOW)
    assert town["months"][-1] == "2026-12" and len(town["months"]) == 12
    assert {name: series[-2] for name, series in town["cases"]["category"].items()} == {
        labels.CATEGORY["child_alone"]: 1, labels.CATEGORY["dropout"]: 1}
    assert town["cases"]["status"][labels.STATUS["accepted"]][-2] == 2
    assert set(town["cases"]["township"]) == {"红星镇"}
    assert set(county["cases"]["township"]) == {"红星镇", "青山镇"}
    assert town["counts"]["open"] == 2 and county["counts"]["open"] == 3
    assert town["counts"]["unaccepted_overdue"] == 0 and county["counts"]["unaccepted_overdue"] == 1
    # 2 cases filed in 2026-11 (local time), both due: one accepted in time, one late.
    assert town["acceptance"]["due"][-2] == 2 and town["acceptance"]["on_time"][-2] == 1
    assert town["acceptance"]["share"] == 0.5
    # The unaccepted 青山镇 case is due and late: 1 of 3 for the county.
    assert county["acceptance"]["total_due"] == 3 and county["acceptance"]["total_on_time"] == 1


def test_left_behind_children_per_village_and_overdue_visits(runtime, jurisdiction, make_staff):
    seed(runtime, NOW)
    make_staff("hx_head", "township", township="红星镇")
    with transaction(runtime.sessions) as s:
        kids = stats.overview(s, _user(s, "hx_head"), now=NOW)["children"]
    by_village = {p["village"]: p for p in kids["villages"]}
    assert set(by_village) == {"东风村", "向阳村"}  # 青山镇's child is outside the township
    assert by_village["东风村"]["left_behind"] == 2
    assert by_village["向阳村"]["left_behind"] == 1  # 虚构小北's mother is at home
    # 虚构小东: home visit 10 days ago (contact too). 虚构小西: a call 3 days ago, no home
    # visit for 200 days. 虚构小向: registered 5 days ago, not late yet.
    assert by_village["东风村"]["contact_overdue"] == 0
    assert by_village["东风村"]["home_visit_overdue"] == 1
    assert by_village["向阳村"]["contact_overdue"] == 0
    assert (kids["left_behind"], kids["contact_overdue"], kids["home_visit_overdue"]) == (3, 0, 1)



def test_the_dashboard_uses_the_visit_plans_intervals(runtime, jurisdiction, make_staff):
    """A home visit 90½ days ago is not yet overdue under the configured quarterly rule
    (91 days, as on /admin/visits); a county that sets 60 days sees it overdue."""
    make_staff("hx_head", "township", township="红星镇")
    with transaction(runtime.sessions) as s:
        child = add_child(s, "虚构小季", "红星镇", "东风村", created=NOW - timedelta(days=300))
        visit(s, child, "home_visit", NOW - timedelta(days=90, hours=12))
    quarterly = Rules.from_config(runtime.settings.section("visits"))
    with transaction(runtime.sessions) as s:
        user = _user(s, "hx_head")
        kids = stats.overview(s, user, now=NOW, rules=quarterly)["children"]
        strict = stats.overview(s, user, now=NOW, rules=Rules(home_visit_days=60))["children"]
    assert quarterly.home_visit_days == 91
    assert (kids["left_behind"], kids["home_visit_overdue"]) == (1, 0)
    assert (strict["left_behind"], strict["home_visit_overdue"]) == (1, 1)

def test_a_village_committee_sees_its_own_village_only(runtime, jurisdiction, make_staff):
    seed(runtime, NOW)
    make_staff("xiangyang", "village", township="红星镇", village="向阳村")
    with transaction(runtime.sessions) as s:
        data = stats.overview(s, _user(s, "xiangyang"), now=NOW)
    assert [p["village"] for p in data["children"]["villages"]] == ["向阳村"]
    assert data["counts"]["open"] == 0  # both 红星镇 cases are in 东风村


TODAYS = (date(2026, 12, 2), date(2028, 2, 29), date(2027, 3, 31), date(2026, 1, 1), date(2027, 5, 31))


def _boundary_dates(today: date, rnd: random.Random) -> tuple[date, date | None]:
    sixteen = today.replace(year=today.year - 16, day=min(today.day, 28))
    born = rnd.choice([sixteen + timedelta(days=d) for d in (-2, -1, 0, 1, 2, 400)] +
                      [date(2012, 2, 29), today - timedelta(days=3000)])
    away = rnd.choice([today - timedelta(days=d) for d in (88, 89, 90, 91, 92, 93, 10, 400)] + [None])
    return born, away


def test_the_sql_count_agrees_with_the_python_rule_child_by_child(runtime, jurisdiction):
    """Around every boundary (16th birthday, 3 months away, 29 February, month ends)."""
    rnd = random.Random(11)
    with transaction(runtime.sessions) as s:
        for i in range(120):
            today = TODAYS[i % len(TODAYS)]
            born, away = _boundary_dates(today, rnd)
            use_start = rnd.random() < 0.3
            add_child(s, f"虚构儿童{i}", born=born, other_parent=rnd.choice(["away", "unable", "none", "home", None]),
                      left_on=None if use_start else away, start_date=away if use_start else None,
                      ended=rnd.random() < 0.1)
    with transaction(runtime.sessions) as s:
        children = s.scalars(select(Child)).all()
        for today in TODAYS:
            e = left_behind_sql.current_entrustment()
            in_sql = set(s.scalars(select(Child.id).outerjoin(e, left_behind_sql.join_condition(e))
                                   .where(left_behind_sql.is_left_behind(e, today))))
            in_python = {c.id for c in children
                         if left_behind.status(c, current_entrustment(c), today).left_behind}
            assert in_sql == in_python, today
            assert 0 < len(in_python) < len(children)
