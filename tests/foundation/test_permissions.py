"""The one table of role × action × scope (core/permissions.py) against the workflow.

Pure: staff and cases are plain namespaces with the attributes the table reads."""
from __future__ import annotations

import itertools
import re
from types import SimpleNamespace as NS

import pytest

from core import categories, labels, permissions
from core.models.cases import STATUSES
from core.permissions import OFFICES, ROLES, WORKFLOW

REGION = NS(name="示例县")
TOWN = NS(name="红星镇", police_station="红星派出所", region=REGION)
OTHER_TOWN = NS(name="青山镇", police_station="青山派出所", region=REGION)
SCHOOL = NS(name="红星镇中心小学")
PLACES = {TOWN.name: 1, OTHER_TOWN.name: 2}


def staff(role, town=TOWN, village_id=None, school=None):
    return NS(role=role, username=role, township=town, township_id=PLACES[town.name] if town else None,
              village_id=village_id, school=school, school_id=7 if school else None)


# One member of each role at the desks of 红星镇 (village: 东风村 = id 11).
DESK = {"police": staff("police"), "township": staff("township"), "village": staff("village", village_id=11),
        "school": staff("school", school=SCHOOL), "civil_affairs": staff("civil_affairs", town=None),
        "admin": staff("admin", town=None)}


def case(unit, status="submitted", town=TOWN, village_id=11, duplicate_of_id=None):
    return NS(status=status, assigned_unit=unit, township=town, township_id=PLACES[town.name],
              village_id=village_id, duplicate_of_id=duplicate_of_id, number="BG-20261123-0001")


def unit_of(template, town=TOWN):
    return categories.fill(template, police_station=town.police_station, township=town.name,
                           school=SCHOOL.name, region=REGION.name)


def reachable(team, unit) -> set[str]:
    """Every status the team can bring a case routed to `unit` to, from submitted."""
    seen, todo = {"submitted"}, ["submitted"]
    while todo:
        status = todo.pop()
        for user in team:
            for step in permissions.next_actions(user, case(unit, status)):
                if step.to not in seen:
                    seen.add(step.to)
                    todo.append(step.to)
    return seen


def test_the_table_is_complete_and_well_formed():
    assert set(permissions.GRANTS) == set(permissions.BY_CODE)
    for action, row in permissions.GRANTS.items():
        assert len(row) == len(ROLES), action
        assert all(s is None or s in permissions.SCOPES for s in row), action
    assert set(labels.ROLE) == set(ROLES)
    assert set(OFFICES) <= set(ROLES)
    for action in permissions.ACTIONS:
        assert re.search(r"[\u4e00-\u9fff]", action.label), action.code


def test_every_status_transition_has_an_action_that_some_role_may_take():
    for step in WORKFLOW:
        assert set(step.from_statuses) <= set(STATUSES) and step.to in STATUSES, step.code
        assert permissions.roles_for(step.code), f"nobody may {step.code}"
    chain = ("submitted", "accepted", "responding", "referred", "assessing", "assisting", "monitoring", "closed")
    for before, after in itertools.pairwise(chain):
        assert any(before in s.from_statuses and s.to == after for s in WORKFLOW), f"{before} -> {after}"
    assert {s.to for s in WORKFLOW} == set(STATUSES) - {"submitted"}
    assert {f for s in WORKFLOW for f in s.from_statuses} == set(permissions.OPEN)


@pytest.mark.parametrize("template", sorted(permissions.routable_units()))
def test_every_office_routing_can_assign_to_works_its_case_to_the_end(template):
    unit = unit_of(template)
    holders = [r for r, units in OFFICES.items() if template in units]
    assert holders, template
    for role in holders:
        team = [DESK[role]] + ([DESK[permissions.HANDOVER[role]]] if role in permissions.HANDOVER else [])
        assert "closed" in reachable(team, unit), f"{role} cannot finish a case routed to {unit}"


@pytest.mark.parametrize("row", categories.TABLE, ids=categories.CODES)
def test_every_category_default_route_is_workable(row):
    holders = [r for r, units in OFFICES.items() if row.routing in units]
    assert holders and all("closed" in reachable([DESK[r], DESK["township"]], unit_of(row.routing))
                           for r in holders)


def test_a_case_routed_to_the_childrens_director_no_longer_sticks_after_acceptance():
    unit = unit_of("{township}儿童主任")
    village = DESK["village"]
    def forward(c):  # the steps onward (merging as a duplicate is offered on every open case)
        return [s.code for s in permissions.next_actions(village, c) if s.code != "merge"]
    assert forward(case(unit)) == ["accept"]
    assert forward(case(unit, "accepted")) == ["refer"]
    assert reachable([village], unit) >= {"accepted", "referred", "assessing", "monitoring", "closed"}
    # ...but only the 儿童主任 of the child's own village: 向阳村 (12) is not 东风村's.
    assert permissions.next_actions(village, case(unit, village_id=12)) == []


# The role sets the workflow kept before the table; the table must keep every one of them.
BEFORE = {
    ("submitted", "accepted"): {"police", "township", "school", "civil_affairs", "admin"},
    ("accepted", "responding"): {"police", "admin"},
    ("accepted", "referred"): {"police", "school", "admin"},
    ("responding", "referred"): {"police", "admin"},
    ("referred", "assessing"): {"township", "civil_affairs", "admin"},
    ("assessing", "assisting"): {"township", "civil_affairs", "admin"},
    ("assessing", "monitoring"): {"township", "civil_affairs", "admin"},
    ("assisting", "monitoring"): {"township", "village", "civil_affairs", "admin"},
    ("monitoring", "closed"): {"township", "civil_affairs", "admin"},
}


def test_todays_steps_are_kept_and_new_grants_only_reach_the_assigned_office():
    police_case = unit_of("{police_station}")
    for (before, after), roles in BEFORE.items():
        step = permissions.step_to(case(police_case, before), after)
        for role in ROLES:
            user = DESK[role]
            # the school sees only its own cases; everyone else a police case in 红星镇
            c = case(SCHOOL.name if role == "school" else police_case, before)
            if role in roles:
                assert permissions.refusal(user, step.code, c) is None, (role, before, after)
            elif permissions.allowed(role, step.code):
                assert permissions.scope_for(role, step.code) == permissions.ASSIGNED, (role, step.code)
    # the police still hand over after 通报乡镇: assessing is the township's step
    assert [s.code for s in permissions.next_actions(DESK["police"], case(police_case, "referred"))
            if s.code != "merge"] == []


def test_illegal_steps_are_refused_in_chinese():
    unit = unit_of("{police_station}")
    reasons = [
        permissions.refusal(DESK["township"], "close", case(unit, "submitted")),  # skipping steps
        permissions.refusal(DESK["village"], "respond", case(unit, "accepted")),  # not the role's step
        permissions.refusal(DESK["school"], "accept", case(unit)),                # not the school's case
        permissions.refusal(staff("police", town=OTHER_TOWN), "accept", case(unit)),  # other township
        permissions.refusal(DESK["admin"], "unlink", case(unit)),                 # nothing linked to unlink
        permissions.refusal(DESK["police"], "visit", case(unit, "accepted")),     # not a follow-up yet
        permissions.refusal(DESK["admin"], "no_such_action", case(unit)),
    ]
    for reason in reasons:
        assert reason and re.search(r"[\u4e00-\u9fff]{4}", reason) and not re.search(r"[a-z]{3}", reason)
    assert permissions.refusal(DESK["police"], "accept", case(unit)) is None


def test_merge_is_offered_on_open_cases_and_unlink_only_for_a_linked_duplicate():
    unit = unit_of("{police_station}")
    assert [s.code for s in permissions.next_actions(DESK["police"], case(unit))] == ["accept", "merge"]
    linked = case(unit, duplicate_of_id=1)
    assert [s.code for s in permissions.next_actions(DESK["police"], linked)] == ["accept", "merge", "unlink"]
    assert permissions.next_actions(DESK["police"], case(unit, "closed", duplicate_of_id=1)) == []


def test_follow_up_visits_are_recorded_by_the_childs_village_not_the_police():
    unit = unit_of("{police_station}")
    for status in ("assisting", "monitoring"):
        assert "visit" in [s.code for s in permissions.next_actions(DESK["village"], case(unit, status))]
        assert "visit" in [s.code for s in permissions.next_actions(DESK["township"], case(unit, status))]
        assert "visit" not in [s.code for s in permissions.next_actions(DESK["police"], case(unit, status))]
    assert "visit" not in [s.code for s in permissions.next_actions(DESK["village"], case(unit, "assessing"))]


def test_helpers_answer_from_the_table(monkeypatch):
    assert permissions.allowed("admin", "manage_users") and not permissions.allowed("police", "manage_users")
    assert permissions.roles_for("respond") == ("police", "admin")
    assert permissions.alert_roles("{police_station}") == ("police",)
    assert permissions.alert_roles("{township}") == ("township", "village")
    assert permissions.roles_for("receive_alert", permissions.REGION) == ("civil_affairs", "admin")
    assert not permissions.allowed("nobody", "view_case") and permissions.scope_for("admin", "nothing") is None
    monkeypatch.setitem(permissions.GRANTS, "respond", (None,) * len(ROLES))
    assert permissions.roles_for("respond") == ()


def test_office_units_follow_the_staff_members_own_office():
    assert permissions.office_units(DESK["police"]) == {"红星派出所"}
    assert permissions.office_units(DESK["village"]) == {"红星镇儿童主任"}
    assert permissions.office_units(DESK["township"]) == {"红星镇", "红星镇儿童主任"}
    assert permissions.office_units(DESK["school"]) == {"红星镇中心小学"}
    assert permissions.office_units(DESK["civil_affairs"], case("x")) == {"示例县民政局"}
    assert permissions.office_units(DESK["admin"]) == set()
    with pytest.raises(ValueError, match="no staff role answers for"):
        permissions.check_routing({"dropout": "{township}人民政府"})
