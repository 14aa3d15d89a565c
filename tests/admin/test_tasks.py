"""The village committee sees the entrustments it must verify, and only its own."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from core.db import transaction, utcnow
from core.models import AuditEntry, Child, FollowUpTask
from core.services.entrustments import Registration, register_from_chat


def _register(runtime, child, village, now=None):
    with transaction(runtime.sessions) as s:
        register_from_chat(s, Registration(child_name=child, township="红星镇", village=village,
                                           parent_relation="mother", parent_phone="13800001234",
                                           work_city="东莞", guardian_name="虚构奶奶", guardian_relation="奶奶",
                                           guardian_phone="13900001234"), None, now=now)


def _login(client, username):
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/admin/login", data={"username": username, "password": "correct horse battery",
                                      "csrf_token": token})


def test_village_sees_and_completes_its_verification_tasks(client, runtime, jurisdiction, make_staff):
    _register(runtime, "虚构小东", "东风村", now=utcnow() - timedelta(days=10))
    _register(runtime, "虚构小向", "向阳村")
    make_staff("dongfeng", "village", township="红星镇", village="东风村")
    _login(client, "dongfeng")
    page = client.get("/admin/tasks").get_data(as_text=True)
    assert "虚构小东" in page and "虚构小向" not in page
    assert "已超期" in page  # registered ten days ago, due within seven
    task_id = int(re.search(r"/admin/tasks/(\d+)/done", page).group(1))
    form = client.get(f"/admin/tasks/{task_id}/done").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    client.post(f"/admin/tasks/{task_id}/done", data={"csrf_token": token, "outcome": "confirmed",
                                                      "note": "虚构：电话核实，信息属实"})
    assert "没有待办事项" in client.get("/admin/tasks").get_data(as_text=True)
    with transaction(runtime.sessions) as s:
        assert s.get(FollowUpTask, task_id).done_at is not None
        assert s.scalar(select(Child).where(Child.id == s.get(FollowUpTask, task_id).child_id)).last_checked_at
        assert s.scalar(select(AuditEntry).where(AuditEntry.entity == "follow_up_task", AuditEntry.action == "update"))


def test_other_villages_cannot_complete_it(client, runtime, jurisdiction, make_staff):
    _register(runtime, "虚构小东", "东风村")
    make_staff("xiangyang", "village", township="红星镇", village="向阳村")
    _login(client, "xiangyang")
    page = client.get("/admin/tasks").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin/").get_data(as_text=True)).group(1)
    with transaction(runtime.sessions) as s:
        task_id = s.scalar(select(FollowUpTask.id))
    assert client.post(f"/admin/tasks/{task_id}/done", data={"csrf_token": token, "outcome": "confirmed",
                                                             "note": "虚构"}).status_code == 404
    assert "没有待办事项" in page
