"""Recording contacts and home visits, and the extreme-weather round (极端天气走访).

A visit records who went (or called), when, four findings (safety, guardianship, health,
schooling: 良好 / 需要关注 / 有危险) and a note. It closes the child's open "visit due"
and extreme-weather tasks. A visit that found something to report raises a case through
the same reporting service as any report (routing, deadlines, alerts, duplicate links),
in the same transaction; a finding of danger must raise one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import permissions
from core.db import utcnow
from core.models import Child, FollowUpTask, StaffUser, Township, Visit
from core.services import audit, tasks
from core.services import left_behind_sql as lbs
from core.services.cases import CaseDraft
from core.services.entrust_notices import village_unit
from core.services.errors import Invalid, NotFound
from core.services.left_behind import age_on
from core.services.reporting import file_report, urgency_for
from core.services.scope import child_scope

KINDS = {"contact": "电话联系", "home_visit": "上门走访"}
AREAS = {"safety": "安全", "guardianship": "监护", "health": "健康", "schooling": "就学"}
RATINGS = {"ok": "良好", "concern": "需要关注", "danger": "有危险"}
WEATHER = ("暴雨", "暴雪", "极寒", "高温", "台风", "其他极端天气")
VISIT_TASKS = ("visit_due", "weather_visit")
# Who the reporter is, for a case raised from a visit: the staff member's office.
REPORTER_ROLE = {"village": "village_cadre", "school": "teacher", "civil_affairs": "social_worker"}


@dataclass
class VisitInput:
    kind: str
    at: datetime  # naive UTC
    visitor: str
    findings: dict[str, str]  # area -> rating
    note: str = ""
    raise_case: bool = False
    category: str | None = None
    urgent: bool = False


@dataclass
class Recorded:
    visit: Visit
    case_number: str | None
    closed_tasks: int


def _check(data: VisitInput, now: datetime) -> None:
    if data.kind not in KINDS:
        raise Invalid("请选择电话联系或上门走访。")
    if data.at > now + timedelta(minutes=5):
        raise Invalid("走访日期不能晚于今天。")
    if not data.visitor.strip():
        raise Invalid("请写下走访或联系的人。")
    if set(data.findings) != set(AREAS) or not set(data.findings.values()) <= set(RATINGS):
        raise Invalid("请为安全、监护、健康、就学各选一项情况。")
    if "danger" in data.findings.values() and not data.raise_case:
        raise Invalid("走访发现孩子有危险，请同时提交报告（勾选“提交报告”）；情况紧急请先拨打110。")
    if data.raise_case and not data.category:
        raise Invalid("提交报告请选择情况类别。")


def findings_text(visit: Visit) -> str:
    return "；".join(f"{label}：{RATINGS.get(getattr(visit, area) or '', '未填')}" for area, label in AREAS.items())


def record_visit(session: Session, user: StaffUser, child_id: int, data: VisitInput, *,
                 cases_config: dict | None = None, notifier=None, now: datetime | None = None,
                 source: str | None = None) -> Recorded:
    now = now or utcnow()
    child = session.scalar(select(Child).where(Child.id == child_id, child_scope(user, "record_visit")))
    if child is None:
        raise NotFound(f"no child {child_id}")
    _check(data, now)
    visit = Visit(child_id=child.id, kind=data.kind, staff_id=user.id, at=data.at, visitor=data.visitor.strip(),
                  note=data.note.strip() or None, created_at=now, **data.findings)
    session.add(visit)
    session.flush()
    audit.record(session, f"staff:{user.id}", "create", "visit", visit.id, source=source,
                 detail=f"child={child.id} {data.kind}")
    number = None
    if data.raise_case:
        number = _raise_case(session, user, child, visit, data, cases_config or {}, notifier, now)
    closed = 0
    for task in session.scalars(select(FollowUpTask).where(
            FollowUpTask.child_id == child.id, FollowUpTask.kind.in_(VISIT_TASKS), FollowUpTask.done_at.is_(None))):
        tasks.close(task, "visited", f"{KINDS[data.kind]}记录 #{visit.id}", user.id, now)
        closed += 1
    session.flush()
    return Recorded(visit, number, closed)


def _raise_case(session: Session, user: StaffUser, child: Child, visit: Visit, data: VisitInput,
                cases_config: dict, notifier, now: datetime) -> str:
    office = user.village or user.school or user.township
    draft = CaseDraft(
        category=data.category, urgency=urgency_for(data.category, data.urgent, cases_config),
        reporter_role=REPORTER_ROLE.get(user.role, "other"),
        description=f"{KINDS[data.kind]}发现（{findings_text(visit)}）。{data.note.strip()}",
        township=child.township.name, village=child.village.name if child.village else None,
        child_name=child.name, child_age=age_on(child.birth_date, now.date()), child_gender=child.gender,
        reporter_name=user.display_name or user.username,
        reporter_unit=(village_unit(child) if user.role == "village" else getattr(office, "name", None)))
    filed = file_report(session, draft, cases_config, notifier, now=now, submission_key=f"visit:{visit.id}")
    filed.case.child_id = child.id
    visit.case_id = filed.case.id
    audit.record(session, f"staff:{user.id}", "create", "case", filed.case.id, detail=f"from visit {visit.id}")
    return filed.case.number


def visits_of(session: Session, child_id: int) -> list[Visit]:
    """A child's visits, newest first (the caller has found the child inside its scope)."""
    return list(session.scalars(select(Visit).where(Visit.child_id == child_id)
                                .order_by(Visit.at.desc(), Visit.id.desc())))


def weather_round(session: Session, user: StaffUser, township_id: int, weather: str,
                  now: datetime | None = None, source: str | None = None) -> int:
    """One click: a visit due now for every left-behind child in the township (within the
    user's scope), as an "extreme weather" task for the child's village committee. A child
    who already has an open one is not given a second. Returns how many were created."""
    now = now or utcnow()
    if weather not in WEATHER:
        raise Invalid("请选择天气情况。")
    township = session.get(Township, township_id)
    if township is None or not _township_in_scope(user, township):
        raise NotFound(f"no township {township_id}")
    scope = child_scope(user, "weather_round")
    e = lbs.current_entrustment()
    waiting = select(FollowUpTask.child_id).where(FollowUpTask.kind == "weather_visit",
                                                  FollowUpTask.done_at.is_(None), FollowUpTask.child_id.is_not(None))
    children = session.scalars(
        select(Child).outerjoin(e, lbs.join_condition(e))
        .where(scope, Child.township_id == township.id, lbs.is_left_behind(e, now.date()), Child.id.not_in(waiting))
        .order_by(Child.id)).all()
    note = f"{weather}天气，请尽快电话联系并上门查看：住房是否安全、取暖或防暑、饮食和照护是否到位。"
    for child in children:
        session.add(FollowUpTask(child_id=child.id, kind="weather_visit", assigned_unit=village_unit(child),
                                 due_at=now, note=note))
    audit.record(session, f"staff:{user.id}", "create", "weather_round", township.id, source=source,
                 detail=f"{weather}: {len(children)} children")
    session.flush()
    return len(children)


def _township_in_scope(user: StaffUser, township: Township) -> bool:
    scope = permissions.scope_for(user.role, "weather_round")
    return scope == permissions.REGION or (scope == permissions.TOWNSHIP and user.township_id == township.id)
