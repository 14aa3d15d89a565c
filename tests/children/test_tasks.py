"""Tasks are addressed to one office: each office sees and completes only its own, and
completing one records an outcome and a note."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import transaction
from core.models import AuditEntry, Child, FollowUpTask
from core.services import tasks
from core.services.errors import Invalid, NotFound
from tests.children.helpers import T0, csrf, login, register, staff_in

# A registration in 东风村 with a school and a guardian over 70 makes four tasks: verify
# (village), tell the school, and the concern (village and township).
EXPECTED = {
    "df_village": {("verify_entrustment", "东风村村委会"), ("entrust_concern", "东风村村委会")},
    "hx_town": {("entrust_concern", "红星镇")},
    "hx_school": {("school_entrustment", "红星镇中心小学")},
    "xy_village": set(),
    "qs_town": set(),
    "hx_police": set(),
}


@pytest.fixture
def offices(make_staff):
    make_staff("df_village", "village", township="红星镇", village="东风村")
    make_staff("xy_village", "village", township="红星镇", village="向阳村")
    make_staff("hx_town", "township", township="红星镇")
    make_staff("qs_town", "township", township="青山镇")
    make_staff("hx_school", "school", township="红星镇", school="红星镇中心小学")
    make_staff("hx_police", "police", township="红星镇")
    make_staff("admin1", "admin")


def _open(runtime, username):
    with transaction(runtime.sessions) as s:
        return {(t.kind, t.assigned_unit) for t in tasks.open_tasks(s, staff_in(s, username))}


def test_each_office_sees_only_the_tasks_addressed_to_it(runtime, jurisdiction, offices):
    register(runtime, guardian={"age": 75})
    for username, expected in EXPECTED.items():
        assert _open(runtime, username) == expected, username
    assert _open(runtime, "admin1") == set().union(*EXPECTED.values())


def test_an_office_cannot_complete_another_offices_task(runtime, jurisdiction, offices):
    kid = register(runtime, guardian={"age": 75})
    with transaction(runtime.sessions) as s:
        school_task = s.scalar(select(FollowUpTask.id).where(FollowUpTask.child_id == kid,
                                                             FollowUpTask.kind == "school_entrustment"))
    # The village can see the child, but the task is the school's.
    with pytest.raises(NotFound), transaction(runtime.sessions) as s:
        tasks.complete_task(s, staff_in(s, "df_village"), school_task, "confirmed", "虚构：已核实")


def test_completing_records_the_outcome_the_note_and_who(runtime, jurisdiction, offices):
    kid = register(runtime)
    with transaction(runtime.sessions) as s:
        task_id = s.scalar(select(FollowUpTask.id).where(FollowUpTask.kind == "verify_entrustment"))
        user = staff_in(s, "df_village")
        with pytest.raises(Invalid):
            tasks.complete_task(s, user, task_id, "", "虚构：打了电话")
        with pytest.raises(Invalid):
            tasks.complete_task(s, user, task_id, "confirmed", "  ")
        tasks.complete_task(s, user, task_id, "corrected", "虚构：电话里奶奶说电话号码换了，已请家长更新",
                            now=T0 + timedelta(days=2))
        task = s.get(FollowUpTask, task_id)
        assert (task.outcome, task.done_by, task.done_at) == ("corrected", user.id, T0 + timedelta(days=2))
        assert s.get(Child, kid).last_checked_at == T0 + timedelta(days=2)
        assert s.scalar(select(AuditEntry.detail).where(AuditEntry.entity == "follow_up_task")) == "done: corrected"
    with runtime.db.connect() as conn:
        raw = conn.exec_driver_sql("SELECT outcome_note FROM follow_up_task WHERE outcome IS NOT NULL").scalar()
    assert "奶奶" not in raw  # the note may name people: encrypted at rest


def test_unreachable_opens_the_same_task_again_three_days_later(runtime, jurisdiction, offices):
    register(runtime)
    now = T0 + timedelta(days=1)
    with transaction(runtime.sessions) as s:
        task_id = s.scalar(select(FollowUpTask.id).where(FollowUpTask.kind == "verify_entrustment"))
        tasks.complete_task(s, staff_in(s, "df_village"), task_id, "unreachable", "虚构：打了两次没人接", now=now)
    with transaction(runtime.sessions) as s:
        again = s.scalar(select(FollowUpTask).where(FollowUpTask.kind == "verify_entrustment",
                                                    FollowUpTask.done_at.is_(None)))
        assert again.id != task_id and again.due_at == now + timedelta(days=3)
        assert again.assigned_unit == "东风村村委会"
        assert s.get(Child, again.child_id).last_checked_at is None


def test_the_completion_form_needs_an_outcome_and_a_note(client, runtime, jurisdiction, offices):
    register(runtime)
    login(client, "df_village")
    page = client.get("/admin/tasks").get_data(as_text=True)
    assert "核实委托监护信息" in page and "监护情况跟进" not in page  # no concern without one
    with transaction(runtime.sessions) as s:
        task_id = s.scalar(select(FollowUpTask.id).where(FollowUpTask.kind == "verify_entrustment"))
    form = client.get(f"/admin/tasks/{task_id}/done").get_data(as_text=True)
    assert "处理结果" in form and "联系不上" in form
    token = csrf(client, f"/admin/tasks/{task_id}/done")
    page = client.post(f"/admin/tasks/{task_id}/done", data={"csrf_token": token, "outcome": "confirmed"},
                       follow_redirects=True).get_data(as_text=True)
    assert "请写下处理情况" in page
    page = client.post(f"/admin/tasks/{task_id}/done", data={"csrf_token": token, "outcome": "confirmed",
                                                             "note": "虚构：上门见到奶奶和孩子，信息属实"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已完成并记录处理结果" in page and "没有待办事项" in page
    with transaction(runtime.sessions) as s:
        assert s.get(FollowUpTask, task_id).outcome_note == "虚构：上门见到奶奶和孩子，信息属实"
    assert client.post(f"/admin/tasks/{task_id}/done", data={"outcome": "confirmed", "note": "x"}).status_code == 400


def test_another_office_gets_404_for_the_form(client, runtime, jurisdiction, offices):
    register(runtime)
    with transaction(runtime.sessions) as s:
        task_id = s.scalar(select(FollowUpTask.id).where(FollowUpTask.kind == "verify_entrustment"))
    login(client, "hx_town")
    assert client.get(f"/admin/tasks/{task_id}/done").status_code == 404
