"""The one table of who may do what, and where: role × action × scope.

The case workflow (core/services/workflow.py), the case and child scoping of every staff
read (core/services/scope.py), the admin pages, the REST API and the on-duty alerts
(core/services/notifications.py) all read GRANTS; none keeps a role list of its own.

The workflow follows the policy: the police accept (受理) and respond (出警/应急处置), then
notify the township (通报乡镇); the township assesses (调查评估), arranges help or
guardianship intervention (帮扶/监护干预) and follow-up (随访), and closes (结案). An office
that routing assigns a case to (a village's 儿童主任, a school, civil affairs) works that
case to the end itself; the police hand theirs to the township (HANDOVER).

Scopes, seen from the staff member's office:
  region    anywhere in the region
  township  cases or children in the staff member's township
  village   cases or children in the staff member's village
  school    cases assigned to, or children attending, the staff member's school
  assigned  cases whose assigned unit is the staff member's own office (OFFICES)
An action on a case also needs the case in the role's `view_case` scope.

Functions take any objects with the attributes of StaffUser and Case (duck-typed, so
this module imports no models and tests can use plain namespaces).
"""
from __future__ import annotations

from dataclasses import dataclass

from core import categories, labels

ROLES = ("police", "township", "village", "civil_affairs", "school", "admin")
REGION, TOWNSHIP, VILLAGE, SCHOOL, ASSIGNED = "region", "township", "village", "school", "assigned"
SCOPES = (REGION, TOWNSHIP, VILLAGE, SCHOOL, ASSIGNED)
OPEN = ("submitted", "accepted", "responding", "referred", "assessing", "assisting", "monitoring")

# The units each office answers for, as routing templates (core/categories.py). Routing
# may only name these (core/settings.py checks it), so a case never lands on a desk
# nobody sits at. A township answers for its own name and for its 儿童主任 (督导).
OFFICES: dict[str, tuple[str, ...]] = {
    "police": ("{police_station}",),
    "township": ("{township}", "{township}儿童主任"),
    "village": ("{township}儿童主任",),
    "school": ("{school}",),
    "civil_affairs": ("{region}民政局",),
}
# Whose work continues a case an office was assigned, after it takes its own steps.
HANDOVER = {"police": "township"}


@dataclass(frozen=True)
class Action:
    code: str
    label: str                            # what staff press or read
    from_statuses: tuple[str, ...] = ()   # workflow steps: the statuses it leaves
    to: str | None = None                 # workflow steps: the status it reaches
    duplicates_only: bool = False         # only for a case linked to an earlier report


ACTIONS: tuple[Action, ...] = (
    Action("accept", "受理", ("submitted",), "accepted"),
    Action("respond", "出警/核查", ("accepted",), "responding"),
    Action("refer", "通报乡镇", ("accepted", "responding"), "referred"),
    Action("assess", "调查评估", ("referred",), "assessing"),
    Action("assist", "安排帮扶/监护干预", ("assessing",), "assisting"),
    Action("monitor", "无需帮扶，转入随访", ("assessing",), "monitoring"),
    Action("follow_up", "帮扶已安排，转入随访", ("assisting",), "monitoring"),
    Action("visit", "随访记录", ("assisting", "monitoring")),       # an event, no status change
    Action("close", "结案", ("monitoring",), "closed"),
    Action("merge", "作为重复报告并入另一案件", OPEN, "merged"),
    Action("unlink", "解除重复关联", OPEN, duplicates_only=True),
    Action("view_case", "查看案件"),
    Action("view_child", "查看儿童档案"),
    Action("view_tasks", "查看和完成待办"),
    Action("record_visit", "记录走访"),
    Action("weather_round", "发起极端天气走访"),
    Action("view_audit", "查看审计日志"),
    Action("export", "导出"),
    Action("api_read", "通过接口读取"),
    Action("manage_users", "管理账号"),
    Action("rebind_entrust", "把委托监护登记转到家长的新账号（当面核实后）"),
    Action("receive_alert", "接收值班提醒"),
    Action("view_jobs", "查看和重发发送失败的任务"),
)
BY_CODE: dict[str, Action] = {a.code: a for a in ACTIONS}
WORKFLOW: tuple[Action, ...] = tuple(a for a in ACTIONS if a.to)
# Everything staff do to a case: the workflow steps and the steps that only add an event.
STEPS: tuple[Action, ...] = tuple(a for a in ACTIONS if a.from_statuses)

_ = None
R, T, V, S, A = REGION, TOWNSHIP, VILLAGE, SCHOOL, ASSIGNED
# One row per action, one column per role (in ROLES order); None = refused.
#                   police township village civil_affairs school admin
GRANTS: dict[str, tuple[str | None, ...]] = {
    "accept":        (T, T, A, R, A, R),
    "respond":       (T, _, _, _, _, R),
    "refer":         (T, A, A, A, A, R),
    "assess":        (_, T, A, R, A, R),
    "assist":        (_, T, A, R, A, R),
    "monitor":       (_, T, A, R, A, R),
    "follow_up":     (_, T, V, R, A, R),
    "visit":         (_, T, V, R, A, R),
    "close":         (_, T, A, R, A, R),
    "merge":         (T, T, A, R, A, R),
    "unlink":        (T, T, A, R, A, R),
    "view_case":     (T, T, V, R, S, R),
    "view_child":    (T, T, V, R, S, R),
    "view_tasks":    (T, T, V, R, S, R),
    "record_visit":  (_, T, V, R, S, R),
    "weather_round": (_, T, _, R, _, R),
    "view_audit":    (_, _, _, R, _, R),
    "export":        (T, T, V, R, S, R),
    "api_read":      (T, T, V, R, S, R),
    "manage_users":  (_, _, _, _, _, R),
    "rebind_entrust": (_, T, V, R, _, R),
    "receive_alert": (A, A, A, R, A, R),
    "view_jobs":     (_, _, _, R, _, R),
}


def scope_for(role: str, action: str) -> str | None:
    """Where `role` may take `action`, or None when it may not."""
    row = GRANTS.get(action)
    if row is None or role not in ROLES:
        return None
    return row[ROLES.index(role)]


def allowed(role: str, action: str) -> bool:
    """Whether `role` may take `action` anywhere at all."""
    return scope_for(role, action) is not None


def roles_for(action: str, scope: str | None = None) -> tuple[str, ...]:
    """The roles that may take `action` (only those with exactly `scope`, when given)."""
    return tuple(r for r in ROLES if scope_for(r, action) is not None
                 and (scope is None or scope_for(r, action) == scope))


def home_scope(role: str) -> str:
    """A role's own jurisdiction: where its view of the child ledger (一人一档) reaches.
    It decides which office an account needs (township, village, school)."""
    return scope_for(role, "view_child") or REGION


def alert_roles(office: str) -> tuple[str, ...]:
    """Roles alerted for a unit of this kind ("{police_station}", "{township}"…): those
    that receive alerts and answer for a unit template starting with `office`."""
    return tuple(r for r in roles_for("receive_alert", ASSIGNED)
                 if any(t.startswith(office) for t in OFFICES.get(r, ())))


def routable_units() -> set[str]:
    """Every unit template routing may name: the ones some office answers for."""
    return {t for units in OFFICES.values() for t in units}


def check_routing(routing: dict[str, str]) -> None:
    """ValueError when routing names a unit no office answers for."""
    allowed_units = routable_units()
    for code, template in routing.items():
        if template not in allowed_units:
            raise ValueError(f"cases.routing.{code} is '{template}', a unit no staff role answers for; "
                             f"route to one of: {', '.join(sorted(allowed_units))}")


def _names(user, case=None) -> dict[str, str | None]:
    town, school = getattr(user, "township", None), getattr(user, "school", None)
    place = town if town is not None else getattr(case, "township", None)
    region = getattr(place, "region", None)
    return {"police_station": town.police_station if town is not None else None,
            "township": town.name if town is not None else None,
            "school": school.name if school is not None else None,
            "region": region.name if region is not None else None}


def office_units(user, case=None) -> set[str]:
    """The unit names the user's office answers for (the region from the case's township
    when the user has none, e.g. county civil affairs)."""
    names = _names(user, case)
    units = set()
    for template in OFFICES.get(user.role, ()):
        needed = categories.template_names(template) - {"region"}
        if all(names.get(n) for n in needed):
            units.add(categories.fill(template, **names))
    return units


def in_scope(user, case, scope: str | None) -> bool:
    """Whether `case` lies inside `scope` as seen from `user`'s office."""
    if scope == REGION:
        return True
    if scope == TOWNSHIP:
        return user.township_id is not None and case.township_id == user.township_id
    if scope == VILLAGE:
        return user.village_id is not None and case.village_id == user.village_id
    if scope == SCHOOL:
        return user.school is not None and case.assigned_unit == user.school.name
    if scope == ASSIGNED:
        return case.assigned_unit in office_units(user, case)
    return False


def may(user, action: str, case=None) -> bool:
    """Whether the user may take `action` (on `case`, when given: in scope and visible)."""
    scope = scope_for(user.role, action)
    if scope is None:
        return False
    if case is None:
        return True
    return in_scope(user, case, scope) and (
        action == "view_case" or in_scope(user, case, scope_for(user.role, "view_case")))


def step_to(case, to: str) -> Action | None:
    """The workflow action that moves `case` from its status to `to`, if there is one."""
    return next((a for a in WORKFLOW if a.to == to and case.status in a.from_statuses), None)


def refusal(user, action: str, case) -> str | None:
    """Why the user may not take `action` on `case` now, in plain Chinese; None = allowed."""
    act = BY_CODE.get(action)
    if act is None:
        return "没有这项操作。"
    if act.from_statuses and case.status not in act.from_statuses:
        return f"这个案件现在是“{labels.STATUS.get(case.status, case.status)}”，不能“{act.label}”。"
    if act.duplicates_only and not getattr(case, "duplicate_of_id", None):
        return f"这个案件没有关联的原报告，不能“{act.label}”。"
    return office_refusal(user, action, case)


def office_refusal(user, action: str, case) -> str | None:
    """Why the user's office may not take `action` on `case` whatever its status; None = it may."""
    act = BY_CODE.get(action)
    if act is None:
        return "没有这项操作。"
    if not allowed(user.role, action):
        return f"{labels.ROLE.get(user.role, user.role)}账号不能“{act.label}”，这一步由其他单位处理。"
    if not may(user, action, case):
        return f"这个案件不归您的单位处置，不能“{act.label}”。"
    return None


def next_actions(user, case) -> list[Action]:
    """The steps this staff member may take on this case now, in workflow order: status
    changes and the steps that only add an event (a follow-up visit, unlinking)."""
    return [a for a in STEPS if refusal(user, a.code, case) is None]
