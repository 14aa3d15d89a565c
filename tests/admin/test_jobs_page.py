"""The dead-letter list at /admin/jobs: civil affairs and admin see failed jobs (never their
target or text) and send one again; other roles are refused."""
from __future__ import annotations

from sqlalchemy import select, update

from core.db import transaction
from core.models import AuditEntry, OutboundJob
from core.services import jobs
from tests.admin.login_helpers import csrf_of, post_login


def failed_job(runtime) -> int:
    with transaction(runtime.sessions) as s:
        job = jobs.enqueue(s, "notify:email", "duty@police.test", {"subject": "紧急报告", "body": "东风村"})
        s.execute(update(OutboundJob).where(OutboundJob.id == job.id)
                  .values(status="failed", attempts=3, last_error="ConnectionRefusedError"))
        return job.id


def test_civil_affairs_sees_a_failed_job_and_sends_it_again(client, runtime, make_staff):
    job_id = failed_job(runtime)
    post_login(client, *make_staff("county", "civil_affairs"))
    page = client.get("/admin/jobs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "发送失败的任务" in html and "值班提醒（邮件）" in html and "ConnectionRefusedError" in html
    assert "duty@police.test" not in html and "东风村" not in html
    resp = client.post(f"/admin/jobs/{job_id}/retry", data={"csrf_token": csrf_of(client, "/admin/jobs")})
    assert resp.status_code == 302
    with runtime.sessions() as s:
        job = s.get(OutboundJob, job_id)
        assert job.status == "pending" and job.attempts == 0
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "retry",
                                                 AuditEntry.entity_id == str(job_id))) is not None
    assert "没有发送失败的任务" in client.get("/admin/jobs").get_data(as_text=True)
    # Sent again: the queue takes it (the mail server is still down: a fresh first attempt).
    runtime.settings.raw["notifications"] = {"channels": ["email"], "email": {"host": "127.0.0.1", "port": 9}}
    runtime.queue.drain()
    with runtime.sessions() as s:
        assert s.get(OutboundJob, job_id).attempts == 1


def test_other_roles_are_refused(client, runtime, make_staff):
    job_id = failed_job(runtime)
    post_login(client, *make_staff("hx_police", "police", township="红星镇"))
    assert client.get("/admin/jobs").status_code == 403
    assert "发送失败" not in client.get("/admin/").get_data(as_text=True)
    assert client.post(f"/admin/jobs/{job_id}/retry",
                       data={"csrf_token": csrf_of(client, "/admin/")}).status_code == 403
