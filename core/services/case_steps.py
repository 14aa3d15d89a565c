"""Staff take a step on a case, with what the step records: the one entry point of the
staff pages (admin/case_page.py, admin/inbox.py).

Order of checks: the step exists (Invalid), the staff member's office may take it on this
case (Forbidden), the case is in a state that allows it (Conflict), what was entered is
complete (Invalid). Then one event is appended, with the structured content in its
`detail`, and the change is audited. Acceptance and closure are told to the reporter by
core/services/reporting.py, without confidential details.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import permissions
from core.db import utcnow
from core.models import Case, CaseEvent, StaffUser
from core.services import audit, step_input, workflow
from core.services.cases import add_event
from core.services.errors import Conflict, Forbidden, Invalid
from core.services.reporting import tell_accepted
from core.services.scope import case_scope

STEP_CODES = tuple(a.code for a in permissions.STEPS)


def check_allowed(user: StaffUser, code: str, case: Case) -> None:
    """Raise why `user` may not take step `code` on `case` now (Forbidden or Conflict)."""
    if code not in STEP_CODES:
        raise Invalid("没有这项操作。")
    reason = permissions.office_refusal(user, code, case)
    if reason:
        raise Forbidden(reason)
    reason = permissions.refusal(user, code, case)
    if reason:
        raise Conflict(reason)


def take_step(session: Session, case: Case, user: StaffUser, code: str, fields: dict | None = None,
              now: datetime | None = None, source: str | None = None) -> CaseEvent:
    """Take step `code` with the entered `fields`; returns the event appended."""
    check_allowed(user, code, case)
    now = now or utcnow()
    note, detail = step_input.check(code, dict(fields or {}))
    if code == "visit":
        event = add_event(session, case, "visit", user.username, note=note, now=now, detail=detail)
        audit.record(session, f"staff:{user.id}", "update", "case", case.id, source=source,
                     detail="follow-up visit recorded")
        return event
    if code == "unlink":
        return _unlink(session, case, user, note, now, source)
    if code == "merge":
        _link_original(session, case, user, detail["original"])
        was_waiting = case.status == "submitted"
        original = session.get(Case, case.duplicate_of_id)
        workflow.move(session, case, user, "merged", note, now, source, detail)
        if was_waiting and original.status not in ("submitted", "merged"):
            # The original was accepted already: this reporter hears it now.
            tell_accepted(session, case, original.assigned_unit, now)
        return _last_event(session, case)
    step = permissions.BY_CODE[code]
    workflow.move(session, case, user, step.to, note, now, source, detail)
    return _last_event(session, case)


def _last_event(session: Session, case: Case) -> CaseEvent:
    return session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id)
                          .order_by(CaseEvent.id.desc()).limit(1))


def _link_original(session: Session, case: Case, user: StaffUser, number: str) -> None:
    """Point `case` at the report it duplicates: one the staff member can see, still a
    report of its own (not merged), and not the case itself or one of its duplicates."""
    original = session.scalar(select(Case).where(Case.number == number, case_scope(user)))
    if original is None:
        raise Invalid(f"找不到案件 {number}，或它不在您的辖区内。")
    if original.id == case.id:
        raise Invalid("不能把案件并入它自己。")
    if original.status == "merged":
        raise Invalid(f"{number} 已并入其他案件，请并入它的原案件。")
    if original.duplicate_of_id == case.id:
        raise Invalid(f"{number} 是本案的重复报告：请在 {number} 的页面把它并入本案。")
    case.duplicate_of_id = original.id


def _unlink(session: Session, case: Case, user: StaffUser, note: str | None, now: datetime,
            source: str | None) -> CaseEvent:
    original = session.get(Case, case.duplicate_of_id)
    case.duplicate_of_id = None
    event = add_event(session, case, "duplicate_unlinked", user.username, now=now,
                      note=f"与{original.number}不是同一事件：{note}" if original else note)
    if original is not None:
        add_event(session, original, "duplicate_unlinked", user.username, now=now,
                  note=f"{case.number}与本案不是同一事件，已解除关联")
    audit.record(session, f"staff:{user.id}", "update", "case", case.id, source=source,
                 detail="duplicate link removed")
    return event


def duplicates_of(session: Session, user: StaffUser, case: Case) -> list[Case]:
    """Reports linked to or merged into this one, as far as the staff member may see."""
    return list(session.scalars(select(Case).where(Case.duplicate_of_id == case.id, case_scope(user))
                                .order_by(Case.created_at, Case.id)))


def load_for_step(session: Session, user: StaffUser, number: str) -> Case | None:
    """The case, in the staff member's scope, locked for the step (FOR UPDATE on PostgreSQL;
    SQLite's write transaction serialises)."""
    return session.scalar(select(Case).where(Case.number == number, case_scope(user))
                          .with_for_update(of=Case))
