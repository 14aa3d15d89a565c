"""Follow-up tasks (核实委托监护、随访…) for the staff whose jurisdiction holds the child or case."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from core import permissions
from core.db import utcnow
from core.models import Case, Child, FollowUpTask, StaffUser
from core.services import audit
from core.services.errors import NotFound
from core.services.scope import case_scope, child_scope


def _scoped(user: StaffUser):
    if not permissions.allowed(user.role, "view_tasks"):
        return false()
    in_children = select(Child.id).where(child_scope(user))
    in_cases = select(Case.id).where(case_scope(user))
    return or_(FollowUpTask.child_id.in_(in_children), FollowUpTask.case_id.in_(in_cases))


def open_tasks(session: Session, user: StaffUser, source: str | None = None) -> list[FollowUpTask]:
    rows = session.scalars(select(FollowUpTask).where(_scoped(user), FollowUpTask.done_at.is_(None))
                           .order_by(FollowUpTask.due_at)).all()
    audit.record(session, f"staff:{user.id}", "list", "follow_up_task", source=source, detail=f"{len(rows)} rows")
    return list(rows)


def complete_task(session: Session, user: StaffUser, task_id: int, now: datetime | None = None,
                  source: str | None = None) -> FollowUpTask:
    task = session.scalar(select(FollowUpTask).where(FollowUpTask.id == task_id, _scoped(user)))
    if task is None:
        raise NotFound(f"no task {task_id}")
    if task.done_at is None:
        task.done_at = now or utcnow()
        if task.child_id and task.kind == "verify_entrustment":
            child = session.get(Child, task.child_id)
            child.last_checked_at = task.done_at
        audit.record(session, f"staff:{user.id}", "update", "follow_up_task", task.id, source=source,
                     detail="done")
    return task
