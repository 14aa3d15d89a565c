"""Follow-up tasks (核实委托监护、季度确认、走访…), each addressed to one office.

A task is the work of the office it names (`assigned_unit`): staff see and complete only
the tasks addressed to their own office, and only for children or cases inside their
jurisdiction. The system administrator sees every task in the region. Completing a task
records an outcome and a note in the staff member's words (encrypted: it may name people).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.orm import Session

from core import permissions
from core.db import utcnow
from core.labels import village_office
from core.models import Case, Child, FollowUpTask, Region, StaffUser
from core.services import audit
from core.services.errors import Invalid, NotFound
from core.services.scope import case_scope, child_scope

# What each kind of task asks for, as staff read it.
KINDS = {
    "verify_entrustment": "核实委托监护信息",
    "school_entrustment": "更新学校留守儿童台账",
    "entrust_concern": "监护情况跟进",
    "quarterly_check": "季度确认未回复",
    "visit_due": "走访到期",
    "weather_visit": "极端天气走访",
}
# How a task ended. "visited" is set by a recorded visit (core/services/visits.py).
OUTCOMES = {
    "confirmed": "已核实，情况属实",
    "corrected": "信息有误，已更正或已请家长更新",
    "needs_help": "发现问题，需要帮扶或上报",
    "unreachable": "联系不上，过几天再联系",
    "visited": "已走访",
}
FORM_OUTCOMES = ("confirmed", "corrected", "needs_help", "unreachable")
CHECKED = ("confirmed", "corrected", "needs_help")  # the details were checked with the family
ENTRUSTMENT_KINDS = ("verify_entrustment", "quarterly_check")
RETRY_DAYS = 3  # "unreachable": the same task again, this many days later


def office_units(session: Session, user: StaffUser) -> set[str] | None:
    """The units the user's office answers for in tasks (None: every unit, for admin).
    Mirrors how tasks are addressed (core/services/entrust_notices.py village_unit)."""
    if user.role == "admin":
        return None
    town, village, school = user.township, user.village, user.school
    if user.role == "village":
        return {village_office(village.name)} if village is not None else set()
    if user.role == "township":
        return {town.name, f"{town.name}人民政府", f"{town.name}儿童主任"} if town is not None else set()
    if user.role == "school":
        return {school.name} if school is not None else set()
    if user.role == "police":
        return {town.police_station} if town is not None else set()
    if user.role == "civil_affairs":
        region = session.get(Region, user.region_id) if user.region_id else session.scalar(select(Region))
        return {f"{region.name}民政局"} if region is not None else set()
    return set()


def _in_scope(user: StaffUser):
    in_children = select(Child.id).where(child_scope(user, "view_tasks"))
    in_cases = select(Case.id).where(case_scope(user))
    return or_(FollowUpTask.child_id.in_(in_children), FollowUpTask.case_id.in_(in_cases))


def _addressed(session: Session, user: StaffUser):
    """Tasks addressed to the user's office, inside their jurisdiction."""
    if not permissions.allowed(user.role, "view_tasks"):
        return false()
    units = office_units(session, user)
    mine = true() if units is None else (FollowUpTask.assigned_unit.in_(sorted(units)) if units else false())
    return and_(mine, _in_scope(user))


def open_tasks(session: Session, user: StaffUser, source: str | None = None) -> list[FollowUpTask]:
    rows = session.scalars(select(FollowUpTask).where(_addressed(session, user), FollowUpTask.done_at.is_(None))
                           .order_by(FollowUpTask.due_at, FollowUpTask.id)).all()
    audit.record(session, f"staff:{user.id}", "list", "follow_up_task", source=source, detail=f"{len(rows)} rows")
    return list(rows)


def get_task(session: Session, user: StaffUser, task_id: int) -> FollowUpTask:
    task = session.scalar(select(FollowUpTask).where(FollowUpTask.id == task_id, _addressed(session, user)))
    if task is None:
        raise NotFound(f"no task {task_id}")
    return task


def may_complete(session: Session, user: StaffUser, task: FollowUpTask) -> bool:
    """Whether this task is the user's office's to complete (for the child file's buttons)."""
    units = office_units(session, user)
    return task.done_at is None and (units is None or task.assigned_unit in units)


def child_tasks(session: Session, child_id: int) -> list[FollowUpTask]:
    """Every task of a child, open first: the child's file shows who is doing what.
    The caller has already found the child inside the user's scope."""
    return list(session.scalars(select(FollowUpTask).where(FollowUpTask.child_id == child_id)
                                .order_by(FollowUpTask.done_at.is_not(None), FollowUpTask.due_at.desc())))


def complete_task(session: Session, user: StaffUser, task_id: int, outcome: str, note: str,
                  now: datetime | None = None, source: str | None = None) -> FollowUpTask:
    """Record how the task ended. "Unreachable" closes this attempt and opens the same
    task again RETRY_DAYS later, so nobody is forgotten because a phone went unanswered."""
    task = get_task(session, user, task_id)
    if outcome not in FORM_OUTCOMES:
        raise Invalid("请选择处理结果。")
    if not (note or "").strip():
        raise Invalid("请写下处理情况。")
    if task.done_at is not None:
        return task
    now = now or utcnow()
    close(task, outcome, note.strip(), user.id, now)
    if outcome in CHECKED and task.child_id and task.kind in ENTRUSTMENT_KINDS:
        session.get(Child, task.child_id).last_checked_at = now
    if outcome == "unreachable":
        session.add(FollowUpTask(child_id=task.child_id, case_id=task.case_id, kind=task.kind,
                                 assigned_unit=task.assigned_unit, due_at=now + timedelta(days=RETRY_DAYS),
                                 note=task.note))
    audit.record(session, f"staff:{user.id}", "update", "follow_up_task", task.id, source=source,
                 detail=f"done: {outcome}")
    session.flush()
    return task


def close(task: FollowUpTask, outcome: str, note: str | None, staff_id: int | None, now: datetime) -> None:
    task.done_at, task.outcome, task.outcome_note, task.done_by = now, outcome, note, staff_id
