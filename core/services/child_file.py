"""The child's file (一人一档) and the filtered child list, both scoped and audited.

The file gathers what the policy asks a file to hold: identity, school and home village,
the derived left-behind status, every entrustment version with its guardian, the reports
about the child (those the reader may open), the visits and the follow-up tasks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.orm import Session

from core.crypto import cipher
from core.models import Case, Child, Entrustment, FollowUpTask, StaffUser, Visit
from core.services import audit, tasks, visit_plan, visits
from core.services import left_behind_sql as lbs
from core.services.children import current_entrustment, get_child
from core.services.left_behind import Status, age_on
from core.services.left_behind import status as left_behind_status
from core.services.scope import case_scope, child_scope

PER_PAGE = 50


@dataclass
class ChildFilter:
    village_id: int | None = None
    left_behind: bool | None = None  # None: everyone
    at_risk: bool = False
    name: str | None = None  # exact name, found through the keyed hash


@dataclass
class ChildPage:
    children: list[Child]
    total: int
    page: int
    pages: int
    plan: dict[int, visit_plan.PlanRow] = field(default_factory=dict)


def _filtered(user: StaffUser, f: ChildFilter, now: datetime):
    q = select(Child).where(child_scope(user))
    if f.left_behind is not None or f.at_risk:  # joined only when needed: a county counts 1,000,000
        e = lbs.current_entrustment()
        q = q.outerjoin(e, lbs.join_condition(e))
    if f.village_id is not None:
        q = q.where(Child.village_id == f.village_id)
    if f.left_behind is not None:
        lb = lbs.is_left_behind(e, now.date())
        q = q.where(lb if f.left_behind else not_(func.coalesce(lb, False)))
    if f.at_risk:
        q = q.where(visit_plan.at_risk(e))
    if f.name and f.name.strip():
        q = q.where(Child.name_hash == cipher().lookup_hash("name:" + f.name.strip()))
    return q


def list_page(session: Session, user: StaffUser, f: ChildFilter, page: int, now: datetime,
              rules: visit_plan.Rules, per_page: int = PER_PAGE, source: str | None = None) -> ChildPage:
    q = _filtered(user, f, now)
    total = session.scalar(select(func.count()).select_from(q.with_only_columns(Child.id).subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = list(session.scalars(q.order_by(Child.id).limit(per_page).offset((page - 1) * per_page)))
    plan = {r.child_id: r for r in visit_plan.plan(session, child_scope(user), now, rules,
                                                   child_ids=[c.id for c in rows])} if rows else {}
    audit.record(session, f"staff:{user.id}", "list", "child", source=source,
                 detail=f"{len(rows)} rows, page {page}")
    return ChildPage(rows, total, page, pages, plan)


@dataclass
class ChildFile:
    child: Child
    age: int | None
    status: Status
    current: Entrustment | None
    history: list[Entrustment]  # newest first
    cases: list[Case]
    visits: list[Visit]
    tasks: list[FollowUpTask]
    plan: visit_plan.PlanRow | None
    completable: set[int]  # the tasks the reader's office may complete here


def cases_about(session: Session, user: StaffUser, child: Child) -> list[Case]:
    """Reports about this child that the reader may open: linked to the file, or naming a
    child of the same name in the same township (keyed hash, never the clear name)."""
    same = or_(Case.child_id == child.id,
               and_(Case.child_name_hash.is_not(None), Case.child_name_hash == child.name_hash,
                    Case.township_id == child.township_id))
    return list(session.scalars(select(Case).where(same, case_scope(user))
                                .order_by(Case.created_at.desc(), Case.id.desc())))


def open_file(session: Session, user: StaffUser, child_id: int, now: datetime, rules: visit_plan.Rules,
              source: str | None = None) -> ChildFile:
    """The whole file; NotFound when the child is outside the reader's scope. The read is
    audited as a view of the child (get_child)."""
    child = get_child(session, user, child_id, source=source)
    current = current_entrustment(child)
    plan = visit_plan.plan(session, child_scope(user), now, rules, child_ids=[child.id])
    rows = tasks.child_tasks(session, child.id)
    return ChildFile(
        child=child, age=age_on(child.birth_date, now.date()),
        status=left_behind_status(child, current, now.date()), current=current,
        history=sorted(child.entrustments, key=lambda e: e.version, reverse=True),
        cases=cases_about(session, user, child), visits=visits.visits_of(session, child.id), tasks=rows,
        plan=plan[0] if plan else None,
        completable={t.id for t in rows if tasks.may_complete(session, user, t)})


def mask_id_number(value: str | None) -> str | None:
    """An ID number as staff read it in the file: the first 6 and last 4 digits."""
    if not value:
        return None
    return value[:6] + "*" * max(0, len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)
