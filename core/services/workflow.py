"""The case workflow the policy prescribes, one step at a time.

Which steps exist, the statuses they join and who may take them where are the permission
table's (core/permissions.py); this module only carries a status change out. Police accept
(受理) and respond (出警/应急处置), then notify the township (通报乡镇); the township assesses
(调查评估) and arranges help or guardianship intervention (帮扶/监护干预); the village
committee follows up (随访); the case is closed (结案). An office routing assigned the case
to (a village's 儿童主任, a school, civil affairs) may take every step of it itself.

The staff pages take steps with their structured content through core/services/case_steps.py.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from core import labels, permissions
from core.models import Case, StaffUser
from core.permissions import Action
from core.services import audit
from core.services.cases import add_event
from core.services.errors import Forbidden, Invalid
from core.services.reporting import accept_case, close_case

Step = Action  # a workflow step is a permission-table action with a status change


def next_steps(case: Case, user: StaffUser) -> list[Action]:
    return permissions.next_actions(user, case)


def move(session: Session, case: Case, user: StaffUser, to: str, note: str | None = None,
         now: datetime | None = None, source: str | None = None, detail: dict | None = None):
    """Carry out a status change the caller has checked: the event, the reporter's message
    on acceptance and closure, the audit entry."""
    by = f"{user.username}"
    note = (note or "").strip()[:1000] or None
    if to == "accepted":
        accept_case(session, case, by, note, now, detail)
    elif to == "closed":
        close_case(session, case, by, note, now, detail)
    elif to == "merged":
        original = session.get(Case, case.duplicate_of_id)
        add_event(session, case, "merged", by, status_to="merged", now=now, detail=detail,
                  note=note or (f"并入{original.number}" if original is not None else None))
        if original is not None:
            add_event(session, original, "duplicate_merged", by, note=f"{case.number}已并入本案", now=now)
    else:
        add_event(session, case, to, by, note=note, status_to=to, now=now, detail=detail)
    audit.record(session, f"staff:{user.id}", "update", "case", case.id, source=source,
                 detail=f"status -> {to}")
    return case


def advance(session: Session, case: Case, user: StaffUser, to: str, note: str | None = None,
            now: datetime | None = None, source: str | None = None) -> Case:
    """Move a case one step; raise Forbidden/Invalid (in words staff read) rather than skip
    or guess."""
    step = permissions.step_to(case, to)
    if step is None:
        raise Invalid(f"这个案件现在是“{labels.STATUS.get(case.status, case.status)}”，"
                      f"不能直接改为“{labels.STATUS.get(to, to)}”。")
    reason = permissions.refusal(user, step.code, case)
    if reason:
        raise Forbidden(reason)
    if to == "merged" and not case.duplicate_of_id:
        raise Invalid("这个案件没有关联的原报告：请在案件页面填写要并入的案件编号。")
    return move(session, case, user, to, note, now, source)


__all__ = ["Step", "advance", "move", "next_steps"]
