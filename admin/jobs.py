"""The dead-letter list: outbound jobs that failed three times, for admin and civil affairs.

Only what staff need to act on is shown (kind, when, attempts, the error's type); the
target and the message may hold personal data and stay encrypted in the database.
"""
from __future__ import annotations

from datetime import UTC
from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from admin.params import add_converters
from admin.views import staff
from core import localtime
from core.db import transaction
from core.services import audit
from core.services import jobs as job_service

KINDS = {
    "notify:email": "值班提醒（邮件）",
    "notify:telegram": "值班提醒（Telegram）",
    "notify:wechat": "值班提醒（微信）",
    "wechat_cs": "微信回复（客服消息）",
    "reporter_message": "给报告人或家长的消息",
    "fetch_media": "下载用户发来的照片或语音",
}
STATUS = {"pending": "待发送", "queued": "排队中", "sending": "发送中", "done": "已发送",
          "failed": "发送失败"}


def make_blueprint(sessions, settings) -> Blueprint:
    bp = Blueprint("jobs", __name__, url_prefix="/admin", template_folder="templates")
    bp.record_once(add_converters)
    tz = localtime.of_settings(settings)
    bp.add_url_rule("/jobs", "failed", login_required(partial(failed, sessions, tz)))
    bp.add_url_rule("/jobs/<id:job_id>/retry", "retry", login_required(partial(retry, sessions)),
                    methods=["POST"])
    return bp


def failed(sessions, tz):
    with transaction(sessions) as session:
        user = staff(session, "view_jobs")
        rows = job_service.failed_jobs(session)
        counts = job_service.counts(session)
        audit.record(session, user.username, "view", "outbound_job", None, source=request.remote_addr,
                     detail=f"failed list ({len(rows)})")
        return render_template(
            "admin/jobs.html", user=user, jobs=rows, kinds=KINDS, status=STATUS,
            counts={STATUS.get(k, k): v for k, v in counts.items()},
            local=lambda t: t.replace(tzinfo=UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M"))


def retry(sessions, job_id: int):
    with transaction(sessions) as session:
        user = staff(session, "view_jobs")
        if not job_service.retry_failed(session, job_id):
            abort(404)
        audit.record(session, user.username, "retry", "outbound_job", job_id, source=request.remote_addr)
    flash("已重新加入发送队列，稍后会自动发送。")
    return redirect(url_for("jobs.failed"))
