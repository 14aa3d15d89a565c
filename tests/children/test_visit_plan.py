"""The visit plan as of a moved clock: monthly contacts, quarterly home visits, shorter
intervals for children at risk, and the periodic job that turns overdue visits into tasks."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, true

from core.db import transaction
from core.models import Case, FollowUpTask
from core.services import visit_plan
from core.services.cases import CaseDraft, submit_case
from core.services.visit_plan import Rules
from core.services.visits import VisitInput, record_visit
from tests.children.helpers import T0, register, staff_in

RULES = Rules()
ALL_WELL = {"safety": "ok", "guardianship": "ok", "health": "ok", "schooling": "ok"}


def _plan(runtime, now, **kw):
    with transaction(runtime.sessions) as s:
        return {r.child_id: r for r in visit_plan.plan(s, true(), now, RULES, **kw)}


def _visit(runtime, child_id, kind, at, findings=None, username="df_village"):
    with transaction(runtime.sessions) as s:
        return record_visit(s, staff_in(s, username), child_id,
                            VisitInput(kind=kind, at=at, visitor="虚构儿童主任", findings=findings or ALL_WELL),
                            now=at).visit.id


def test_a_contact_is_due_monthly_and_a_home_visit_quarterly(runtime, jurisdiction, make_staff):
    make_staff("df_village", "village", township="红星镇", village="东风村")
    kid = register(runtime)
    row = _plan(runtime, T0 + timedelta(days=1))[kid]
    assert (row.need, row.due_at, row.at_risk) == ("contact", T0 + timedelta(days=30), False)
    assert row.state(T0 + timedelta(days=1), RULES) == "ok"
    assert _plan(runtime, T0 + timedelta(days=24))[kid].state(T0 + timedelta(days=24), RULES) == "due"
    late = T0 + timedelta(days=33)
    assert _plan(runtime, late)[kid].state(late, RULES) == "overdue"

    _visit(runtime, kid, "contact", late)  # a phone call: the contact is done, not the home visit
    row = _plan(runtime, late)[kid]
    assert row.contact_due == late + timedelta(days=30) and row.home_visit_due == T0 + timedelta(days=91)
    assert row.state(late, RULES) == "ok"
    later = T0 + timedelta(days=88)
    row = _plan(runtime, later)[kid]
    assert (row.need, row.state(later, RULES)) == ("contact", "overdue")  # day 63 passed
    _visit(runtime, kid, "home_visit", later)  # a home visit counts as the contact too
    row = _plan(runtime, later)[kid]
    assert row.contact_due == later + timedelta(days=30) and row.home_visit_due == later + timedelta(days=91)


@pytest.mark.parametrize("details", [
    {"other_parent": "home"},  # the other parent looks after the child
    {"left_days": 40},         # away for less than 3 months
    {"age": 16},               # 16 or older
], ids=["parent-at-home", "recently-left", "sixteen"])
def test_children_who_are_not_left_behind_are_not_in_the_plan(runtime, jurisdiction, details):
    kid = register(runtime, **details)
    assert kid not in _plan(runtime, T0)


def test_a_guardian_concern_makes_the_child_at_risk_and_due_every_two_weeks(runtime, jurisdiction):
    kid = register(runtime, guardian={"age": 76})  # a guardian over 70 is a policy concern
    row = _plan(runtime, T0)[kid]
    assert row.risks == ("concern",)
    assert row.contact_due == T0 + timedelta(days=14) and row.home_visit_due == T0 + timedelta(days=30)


def test_an_open_report_about_the_child_makes_them_at_risk_until_it_is_closed(runtime, jurisdiction):
    kid = register(runtime)
    with transaction(runtime.sessions) as s:
        case = submit_case(s, CaseDraft(category="guardian_unfit", urgency="normal", reporter_role="teacher",
                                        description="虚构：奶奶住院，孩子没人管", township="红星镇", village="东风村",
                                        child_name="虚构小雨"), now=T0)
        number = case.number
    assert _plan(runtime, T0)[kid].risks == ("open_case",)
    with transaction(runtime.sessions) as s:
        s.scalar(select(Case).where(Case.number == number)).status = "closed"
    assert _plan(runtime, T0)[kid].risks == ()


def test_a_visit_that_found_a_concern_flags_the_child_until_a_later_visit_finds_all_well(
        runtime, jurisdiction, make_staff):
    make_staff("df_village", "village", township="红星镇", village="东风村")
    kid = register(runtime)
    _visit(runtime, kid, "home_visit", T0 + timedelta(days=2), {**ALL_WELL, "health": "concern"})
    row = _plan(runtime, T0 + timedelta(days=3))[kid]
    assert row.risks == ("visit",) and row.contact_due == T0 + timedelta(days=16)
    _visit(runtime, kid, "contact", T0 + timedelta(days=10))
    assert _plan(runtime, T0 + timedelta(days=11))[kid].risks == ()


def test_the_periodic_job_turns_an_overdue_visit_into_one_village_task(runtime, jurisdiction, make_staff):
    make_staff("df_village", "village", township="红星镇", village="东风村")
    kid = register(runtime)
    register(runtime, name="虚构小石", village="石桥村", township="青山镇", school=None, phone="13800003333")
    assert visit_plan.send_reminders(runtime.sessions, T0 + timedelta(days=20)) == 0
    late = T0 + timedelta(days=31)
    assert visit_plan.send_reminders(runtime.sessions, late) == 2
    assert visit_plan.send_reminders(runtime.sessions, late + timedelta(days=1)) == 0  # one open task per child
    with transaction(runtime.sessions) as s:
        task = s.scalar(select(FollowUpTask).where(FollowUpTask.child_id == kid, FollowUpTask.kind == "visit_due"))
        assert task.assigned_unit == "东风村村委会" and task.due_at == T0 + timedelta(days=30)
        task_id = task.id
    _visit(runtime, kid, "contact", late + timedelta(days=1))
    with transaction(runtime.sessions) as s:
        task = s.get(FollowUpTask, task_id)
        assert task.done_at == late + timedelta(days=1) and task.outcome == "visited"


def test_the_rules_come_from_config_and_bad_values_are_refused(settings):
    rules = Rules.from_config(settings.section("visits"))
    assert (rules.contact_days, rules.home_visit_days) == (30, 91)
    assert Rules.from_config({"at_risk_contact_days": 7}).intervals(True)[0] == timedelta(days=7)
    with pytest.raises(ValueError, match="visits.contact_days"):
        Rules.from_config({"contact_days": 0})


def test_the_databases_overdue_filter_agrees_with_the_plan_at_every_clock(runtime, jurisdiction, make_staff):
    """The periodic job asks the database for overdue children only; it must find exactly
    the children the plan itself calls overdue, whatever the clock says."""
    make_staff("df_village", "village", township="红星镇", village="东风村")
    kids = [register(runtime, name=f"虚构孩子{i}", phone=f"1380000{i:04d}", now=T0 + timedelta(days=i * 9),
                     guardian={"age": 75} if i % 3 == 0 else None) for i in range(6)]
    _visit(runtime, kids[1], "contact", T0 + timedelta(days=20))
    _visit(runtime, kids[2], "home_visit", T0 + timedelta(days=40), {**ALL_WELL, "safety": "concern"})
    _visit(runtime, kids[4], "contact", T0 + timedelta(days=70))
    for day in range(0, 200, 4):
        now = T0 + timedelta(days=day, hours=5)
        with transaction(runtime.sessions) as s:
            every = visit_plan.plan(s, true(), now, RULES)
            overdue = visit_plan.plan(s, true(), now, RULES, overdue_only=True)
        expected = {r.child_id for r in every if min(r.contact_due, r.home_visit_due) < now}
        assert {r.child_id for r in overdue} == expected, day
