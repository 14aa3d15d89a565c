"""Fictional children and cases for the overview tests (dashboard, exports, audit)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from core.db import transaction
from core.models import Visit
from core.services import cases as case_service
from core.services.children import EntrustmentInput, create_child, register_entrustment


def add_child(session, name, township="红星镇", village="东风村", *, born=date(2016, 5, 1),
              other_parent="away", left_on=date(2025, 1, 1), ended=False, created=None, **fields):
    child = create_child(session, name, township, village, gender=fields.pop("gender", "female"),
                         birth_date=born, id_number=fields.pop("id_number", None),
                         address=fields.pop("address", None))
    if created is not None:
        child.created_at = created
    e = register_entrustment(session, child, EntrustmentInput(
        guardian_name=fields.pop("guardian", "虚构奶奶"), guardian_relation="奶奶",
        guardian_phone=fields.pop("guardian_phone", "13900001234"), work_city=fields.pop("city", "东莞"),
        parent_phone="13800001234"))
    e.other_parent, e.left_on = other_parent, left_on
    if ended:
        e.ended_at = datetime(2026, 1, 1)
    for key, value in fields.items():
        setattr(e, key, value)
    session.flush()
    return child


def visit(session, child, kind, at):
    session.add(Visit(child_id=child.id, kind=kind, at=at))
    session.flush()


def add_case(session, township="红星镇", village="东风村", *, category="child_alone",
             urgency="normal", at=None, accepted_after=None, description="虚构的情况描述", **extra):
    at = at or datetime(2026, 11, 20, 2, 0)
    case = case_service.submit_case(session, case_service.CaseDraft(
        category=category, urgency=urgency, reporter_role=extra.pop("reporter_role", "teacher"),
        description=description, township=township, village=village, child_name=extra.pop("child", "虚构小明"),
        child_age=9, address_text=extra.pop("address", None)), now=at)
    if accepted_after is not None:
        case_service.add_event(session, case, "accept", "staff:1", status_to="accepted",
                               now=at + accepted_after)
    return case


def seed(runtime, now: datetime):
    """Two townships: 红星镇 (2 cases, 3 left-behind children) and 青山镇 (1 case, 1 child)."""
    with transaction(runtime.sessions) as s:
        a = add_child(s, "虚构小东", "红星镇", "东风村", created=now - timedelta(days=200))
        b = add_child(s, "虚构小西", "红星镇", "东风村", created=now - timedelta(days=200))
        add_child(s, "虚构小向", "红星镇", "向阳村", created=now - timedelta(days=5))
        add_child(s, "虚构小北", "红星镇", "向阳村", other_parent="home")  # not left behind
        add_child(s, "虚构小石", "青山镇", "石桥村", created=now - timedelta(days=200))
        visit(s, a, "home_visit", now - timedelta(days=10))
        visit(s, b, "contact", now - timedelta(days=3))
        add_case(s, at=now - timedelta(days=3), accepted_after=timedelta(hours=2))      # on time
        add_case(s, category="dropout", at=now - timedelta(days=3),
                 accepted_after=timedelta(days=2))                                      # late
        add_case(s, "青山镇", "石桥村", at=now - timedelta(days=3))                       # overdue
    return now
