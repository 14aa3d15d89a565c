"""The visit plan page worked out in SQL (core/services/visit_plan_sql.py) against the plan
worked out child by child in Python (visit_plan.plan): the same rows, the same order, the
same counts per village, for each kind of scope, at clocks on and around the boundaries."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import transaction
from core.models import Entrustment, Township
from core.services import visit_plan, visit_plan_sql
from core.services.cases import CaseDraft, submit_case
from core.services.scope import child_scope
from core.services.visit_plan import Rules
from core.services.visits import WEATHER, VisitInput, record_visit, weather_round
from tests.children.helpers import T0, register, staff_in

RULES = Rules()
ALL_WELL = {"safety": "ok", "guardianship": "ok", "health": "ok", "schooling": "ok"}
D = timedelta(days=1)
ROLES = (("vp_county", "civil_affairs", {}), ("vp_town", "township", {"township": "红星镇"}),
         ("vp_village", "village", {"township": "红星镇", "village": "东风村"}),
         ("vp_school", "school", {"township": "红星镇", "school": "红星镇中心小学"}),
         ("vp_far", "township", {"township": "青山镇"}))


def _visit(runtime, kid, kind, at, **findings):
    with transaction(runtime.sessions) as s:
        record_visit(s, staff_in(s, "vp_county"), kid, VisitInput(kind=kind, at=at, visitor="虚构儿童主任",
                                                                    findings={**ALL_WELL, **findings}), now=at)


@pytest.fixture
def ledger(runtime, jurisdiction, make_staff):
    """Fourteen fictional children: at risk (each reason) or not, visits of each kind, some
    exactly on a boundary, some at odd microseconds, none at all, an extreme-weather round."""
    for username, role, where in ROLES:
        make_staff(username, role, **where)
    kids = []
    for i in range(14):
        place = {"village": "石桥村", "township": "青山镇", "school": None} if i % 4 == 3 else {}
        kids.append(register(runtime, name=f"虚构孩子{i}", phone=f"1380000{i:04d}", now=T0 + i * 3 * D,
                             guardian={"age": 76} if i % 5 == 0 else None, **place))
    # registered again later (version 2): the plan still counts from the first registration
    assert register(runtime, name="虚构孩子12", phone="13800000012", now=T0 + 60 * D) == kids[12]
    _visit(runtime, kids[1], "contact", T0 + 10 * D)
    _visit(runtime, kids[2], "home_visit", T0 + 10 * D)
    _visit(runtime, kids[3], "home_visit", T0 + 5 * D, safety="concern")  # flagged, then
    _visit(runtime, kids[3], "contact", T0 + 20 * D)                       # all well
    _visit(runtime, kids[4], "contact", T0 + 12 * D + timedelta(microseconds=123457), health="concern")
    _visit(runtime, kids[6], "home_visit", T0 + 2 * D)
    _visit(runtime, kids[6], "contact", T0 + 40 * D + timedelta(microseconds=999999))
    _visit(runtime, kids[7], "home_visit", T0 + 30 * D, schooling="concern")
    _visit(runtime, kids[8], "contact", T0 + 25 * D)
    _visit(runtime, kids[8], "contact", T0 + 25 * D, guardianship="concern")  # two at the same time
    _visit(runtime, kids[9], "home_visit", T0 + 3 * D)
    _visit(runtime, kids[5], "contact", T0 + 35 * D)  # at risk: the home visit falls due first
    _visit(runtime, kids[11], "contact", T0 + 110 * D)  # not at risk: so does the quarterly one
    with transaction(runtime.sessions) as s:
        submit_case(s, CaseDraft(category="guardian_unfit", urgency="normal", reporter_role="teacher",
                                 description="虚构：孩子没人管", township="红星镇", village="东风村",
                                 child_name="虚构孩子10"), now=T0)
        town = s.scalar(select(Township).where(Township.name == "青山镇"))
        weather_round(s, staff_in(s, "vp_county"), town.id, WEATHER[0], now=T0 + 45 * D)
    return kids


# the boundaries: a contact due exactly now (T0+10+30 for kids[1]), a weather visit exactly
# weather_visit_hours old, microsecond due dates just before and after, the far future
CLOCKS = (T0, T0 + 24 * D, T0 + 40 * D, T0 + 40 * D + timedelta(microseconds=1), T0 + 45 * D,
          T0 + 46 * D, T0 + 46 * D + timedelta(microseconds=1), T0 + 52 * D + timedelta(microseconds=123457),
          T0 + 70 * D + timedelta(microseconds=999999), T0 + 100 * D, T0 + 400 * D)


def _python(s, user, now, village_id, show_all):
    rows = visit_plan.plan(s, child_scope(user), now, RULES)
    listed = [r for r in rows if (village_id is None or r.village_id == village_id)
              and (show_all or r.state(now, RULES) != "ok")]
    return listed, visit_plan.by_village(rows, now, RULES)


@pytest.mark.parametrize("username", [r[0] for r in ROLES])
def test_the_sql_plan_is_the_python_plan_row_for_row(runtime, ledger, username):
    compared = 0
    for now in CLOCKS:
        with transaction(runtime.sessions) as s:
            user = staff_in(s, username)
            villages = {None} | {r.village_id for r in visit_plan.plan(s, child_scope(user), now, RULES)}
            for village_id in villages:
                for show_all in (False, True):
                    listed, counts = _python(s, user, now, village_id, show_all)
                    got = visit_plan_sql.page(s, child_scope(user), now, RULES, village_id=village_id,
                                              show_all=show_all, per_page=100)
                    assert got.rows == listed, (now, village_id, show_all)
                    assert got.counts == counts and got.total == len(listed)
                    compared += len(listed)
    assert compared > 0


def test_the_ledger_covers_every_case_the_rule_knows(runtime, ledger):
    """The comparison above means something only if the dataset has each kind of row."""
    with transaction(runtime.sessions) as s:
        versions = s.scalars(select(Entrustment.version).where(Entrustment.child_id == ledger[12])).all()
        assert sorted(versions) == [1, 2]
    seen_risks, seen_needs, seen_states = set(), set(), set()
    with transaction(runtime.sessions) as s:
        for now in CLOCKS:
            for r in visit_plan.plan(s, child_scope(staff_in(s, "vp_county")), now, RULES):
                seen_risks.update(r.risks)
                seen_needs.add(r.need)
                seen_states.add(r.state(now, RULES))
    assert seen_risks == set(visit_plan.RISKS)
    assert seen_needs == set(visit_plan.NEEDS) and seen_states == set(visit_plan.STATES)


def test_paging_returns_each_child_once_in_plan_order(runtime, ledger):
    now = T0 + 52 * D
    with transaction(runtime.sessions) as s:
        user = staff_in(s, "vp_county")
        listed, _ = _python(s, user, now, None, True)
        first = visit_plan_sql.page(s, child_scope(user), now, RULES, show_all=True, per_page=3)
        assert first.pages == -(-len(listed) // 3) and first.total == len(listed) == 14
        seen = []
        for n in range(1, first.pages + 1):
            got = visit_plan_sql.page(s, child_scope(user), now, RULES, show_all=True, page=n, per_page=3)
            assert got.page == n and len(got.rows) == (3 if n < first.pages else len(listed) - 3 * (n - 1))
            seen += got.rows
        assert [r.child_id for r in seen] == [r.child_id for r in listed]
        assert len({r.child_id for r in seen}) == len(seen)
        past = visit_plan_sql.page(s, child_scope(user), now, RULES, show_all=True, page=99, per_page=3)
        assert past.page == first.pages and past.rows == seen[3 * (first.pages - 1):]
