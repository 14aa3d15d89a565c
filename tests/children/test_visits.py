"""Recording visits, the extreme-weather round, and a visit that raises a case."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, true

from core.db import transaction
from core.models import AuditEntry, Case, FollowUpTask, Township, Visit
from core.services import visit_plan
from core.services.cases import route
from core.services.errors import Invalid, NotFound
from core.services.visit_plan import Rules
from core.services.visits import VisitInput, record_visit, weather_round
from tests.children.helpers import T0, register, staff_in

ALL_WELL = {"safety": "ok", "guardianship": "ok", "health": "ok", "schooling": "ok"}


def _township(runtime, name) -> int:
    with transaction(runtime.sessions) as s:
        return s.scalar(select(Township.id).where(Township.name == name))


def _round(runtime, username, township, now=T0, weather="暴雪"):
    with transaction(runtime.sessions) as s:
        return weather_round(s, staff_in(s, username), _township(runtime, township), weather, now=now)


def test_a_weather_round_makes_a_visit_due_now_for_every_left_behind_child_of_the_township(
        runtime, jurisdiction, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    make_staff("df_village", "village", township="红星镇", village="东风村")
    dongfeng = register(runtime, name="虚构小东")
    xiangyang = register(runtime, name="虚构小向", village="向阳村", phone="13800002222")
    at_home = register(runtime, name="虚构小家", other_parent="home", phone="13800004444")
    elsewhere = register(runtime, name="虚构小石", village="石桥村", township="青山镇", school=None,
                         phone="13800003333")
    assert _round(runtime, "hx_town", "红星镇") == 2
    assert _round(runtime, "hx_town", "红星镇", now=T0 + timedelta(hours=1)) == 0  # not twice
    with transaction(runtime.sessions) as s:
        tasks = {t.child_id: t for t in s.scalars(select(FollowUpTask).where(FollowUpTask.kind == "weather_visit"))}
        assert set(tasks) == {dongfeng, xiangyang}
        assert tasks[xiangyang].assigned_unit == "向阳村村委会" and tasks[xiangyang].due_at == T0
        assert "暴雪" in tasks[dongfeng].note
        assert s.scalar(select(AuditEntry).where(AuditEntry.entity == "weather_round")).detail == "暴雪: 2 children"
        rows = {r.child_id: r for r in visit_plan.plan(s, true(), T0, Rules())}
    assert at_home not in rows and rows[elsewhere].need == "contact"
    assert (rows[dongfeng].need, rows[dongfeng].state(T0, Rules())) == ("weather_visit", "due")
    assert rows[dongfeng].state(T0 + timedelta(hours=25), Rules()) == "overdue"

    with transaction(runtime.sessions) as s:
        done = record_visit(s, staff_in(s, "df_village"), dongfeng, VisitInput(
            kind="home_visit", at=T0 + timedelta(hours=3), visitor="虚构儿童主任", findings=ALL_WELL),
            now=T0 + timedelta(hours=3))
        assert done.closed_tasks == 1
        rows = {r.child_id: r for r in visit_plan.plan(s, true(), T0 + timedelta(hours=3), Rules())}
    assert rows[dongfeng].need == "contact" and rows[xiangyang].need == "weather_visit"


def test_a_weather_round_stays_inside_the_township_of_the_clerk(runtime, jurisdiction, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    make_staff("df_village", "village", township="红星镇", village="东风村")
    make_staff("county", "civil_affairs")
    register(runtime, name="虚构小石", village="石桥村", township="青山镇", school=None)
    with pytest.raises(NotFound):
        _round(runtime, "hx_town", "青山镇")
    with pytest.raises(NotFound):  # the village committee does not call rounds
        _round(runtime, "df_village", "红星镇")
    assert _round(runtime, "county", "青山镇") == 1


def test_a_visit_can_raise_a_case_routed_like_any_report(runtime, jurisdiction, make_staff):
    make_staff("df_village", "village", township="红星镇", village="东风村")
    kid = register(runtime)
    now = T0 + timedelta(days=5)
    with transaction(runtime.sessions) as s:
        done = record_visit(s, staff_in(s, "df_village"), kid, VisitInput(
            kind="home_visit", at=now, visitor="虚构儿童主任",
            findings={**ALL_WELL, "guardianship": "danger"}, note="虚构：奶奶住院三天，孩子一个人在家",
            raise_case=True, category="child_alone", urgent=True),
            cases_config=runtime.settings.section("cases"), notifier=runtime.notifier, now=now)
        case = s.scalar(select(Case).where(Case.number == done.case_number))
        assert case.child_id == kid and done.visit.case_id == case.id
        assert case.urgency == "urgent" and case.category == "child_alone"
        assert case.assigned_unit == route("child_alone", s.get(Township, case.township_id))
        assert case.reporter_role == "village_cadre" and case.mandatory_reporter
        assert case.child_name == "虚构小雨" and "孩子一个人在家" in case.description
        assert "监护：有危险" in case.description
        assert [e.action for e in case.events] == ["submitted", "alerted"]  # on-duty staff told
        row = visit_plan.plan(s, true(), now, Rules(), child_ids=[kid])[0]
    assert set(row.risks) == {"open_case", "visit"}


def test_danger_without_a_report_is_refused_and_nothing_is_stored(runtime, jurisdiction, make_staff):
    make_staff("df_village", "village", township="红星镇", village="东风村")
    kid = register(runtime)
    danger = {**ALL_WELL, "safety": "danger"}
    with pytest.raises(Invalid, match="110"), transaction(runtime.sessions) as s:
        record_visit(s, staff_in(s, "df_village"), kid, VisitInput(
            kind="home_visit", at=T0, visitor="虚构儿童主任", findings=danger), now=T0)
    with transaction(runtime.sessions) as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 0
        assert s.scalar(select(func.count()).select_from(Case)) == 0


@pytest.mark.parametrize("username,role,place", [
    ("xy_village", "village", {"township": "红星镇", "village": "向阳村"}),
    ("qs_town", "township", {"township": "青山镇"}),
    ("hx_police", "police", {"township": "红星镇"}),  # police read files but do not record visits
])
def test_nobody_records_a_visit_outside_their_scope(runtime, jurisdiction, make_staff, username, role, place):
    make_staff(username, role, **place)
    kid = register(runtime)
    with pytest.raises(NotFound), transaction(runtime.sessions) as s:
        record_visit(s, staff_in(s, username), kid, VisitInput(
            kind="contact", at=T0, visitor="虚构", findings=ALL_WELL), now=T0)


def test_a_visit_is_audited_and_its_note_and_visitor_are_encrypted(runtime, jurisdiction, make_staff):
    make_staff("df_village", "village", township="红星镇", village="东风村")
    kid = register(runtime)
    with transaction(runtime.sessions) as s:
        visit_id = record_visit(s, staff_in(s, "df_village"), kid, VisitInput(
            kind="contact", at=T0, visitor="虚构走访人甲", findings=ALL_WELL, note="虚构备注乙"), now=T0).visit.id
    with runtime.db.connect() as conn:
        raw = conn.exec_driver_sql("SELECT visitor, note FROM visit").one()
    assert "虚构走访人甲" not in str(raw) and "虚构备注乙" not in str(raw)
    with transaction(runtime.sessions) as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.entity == "visit"))
        assert (entry.action, entry.entity_id) == ("create", str(visit_id))
        assert s.get(Visit, visit_id).visitor == "虚构走访人甲"


def test_a_visit_dated_in_the_future_is_refused(runtime, jurisdiction, make_staff):
    make_staff("df_village", "village", township="红星镇", village="东风村")
    kid = register(runtime)
    with pytest.raises(Invalid, match="不能晚于今天"), transaction(runtime.sessions) as s:
        record_visit(s, staff_in(s, "df_village"), kid, VisitInput(
            kind="contact", at=T0 + timedelta(days=2), visitor="虚构", findings=ALL_WELL), now=T0)
