"""Staff web UI: dashboard, cases and the child ledger, scoped to the staff's jurisdiction."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from core import labels, permissions
from core.db import transaction, utcnow
from core.models import Case, Child, StaffUser
from core.services import attachments as attachment_service
from core.services import cases as case_service
from core.services import children as child_service
from core.services import tasks as task_service
from core.services import workflow
from core.services.errors import Forbidden, Invalid, NotFound
from core.services.scope import case_scope

OPEN = permissions.OPEN


def make_blueprint(sessions) -> Blueprint:
    bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

    @bp.app_context_processor
    def inject_labels():
        return {"labels": labels, "allowed": permissions.allowed}

    def staff(session, action: str | None = None) -> StaffUser:
        """The signed-in staff member; 403 when the permission table refuses their role `action`."""
        user = session.get(StaffUser, int(current_user.id))
        if action is not None and not permissions.allowed(user.role, action):
            abort(403)
        return user

    @bp.get("/")
    @login_required
    def dashboard():
        with transaction(sessions) as session:
            user = staff(session)
            scope = case_scope(user)
            by_status = dict(session.execute(
                select(Case.status, func.count()).where(scope).group_by(Case.status)).all())
            overdue = session.scalar(select(func.count()).select_from(Case).where(
                scope, Case.status == "submitted", Case.accept_deadline < utcnow()))
            return render_template("admin/dashboard.html", user=user, by_status=by_status,
                                   overdue=overdue, open_count=sum(by_status.get(s, 0) for s in OPEN))

    @bp.get("/cases")
    @login_required
    def cases():
        status = request.args.get("status") or None
        with transaction(sessions) as session:
            user = staff(session, "view_case")
            rows = case_service.list_cases(session, user, status=status, source=request.remote_addr)
            return render_template("admin/cases.html", user=user, cases=rows, status=status,
                                   now=utcnow())

    @bp.get("/cases/<number>")
    @login_required
    def case(number: str):
        with transaction(sessions) as session:
            user = staff(session, "view_case")
            try:
                row = case_service.get_case(session, user, number, source=request.remote_addr)
            except NotFound:
                abort(404)
            return render_template("admin/case.html", user=user, case=row,
                                   steps=workflow.next_steps(row, user))

    @bp.post("/cases/<number>/advance")
    @login_required
    def advance(number: str):
        with transaction(sessions) as session:
            user = staff(session, "view_case")
            try:
                row = case_service.get_case(session, user, number, source=request.remote_addr)
                workflow.advance(session, row, user, request.form.get("to", ""),
                                 request.form.get("note"), source=request.remote_addr)
            except NotFound:
                abort(404)
            except (Invalid, Forbidden) as exc:
                session.rollback()
                flash(f"未能更新：{exc}")
                return redirect(url_for("admin.case", number=number))
            flash(f"已更新为：{labels.STATUS[row.status]}")
        return redirect(url_for("admin.case", number=number))

    @bp.get("/attachments/<int:attachment_id>")
    @login_required
    def attachment(attachment_id: int):
        with transaction(sessions) as session:
            try:
                data, ctype = attachment_service.read_attachment(session, staff(session, "view_case"), attachment_id,
                                                                 source=request.remote_addr)
            except NotFound:
                abort(404)
        return Response(data, mimetype=ctype, headers={"Cache-Control": "no-store",
                                                       "X-Content-Type-Options": "nosniff"})

    @bp.get("/tasks")
    @login_required
    def tasks():
        with transaction(sessions) as session:
            user = staff(session, "view_tasks")
            rows = task_service.open_tasks(session, user, source=request.remote_addr)
            children = {t.child_id: session.get(Child, t.child_id) for t in rows if t.child_id}
            return render_template("admin/tasks.html", user=user, tasks=rows, children=children,
                                   now=utcnow())

    @bp.post("/tasks/<int:task_id>/done")
    @login_required
    def task_done(task_id: int):
        with transaction(sessions) as session:
            try:
                task_service.complete_task(session, staff(session, "view_tasks"), task_id, source=request.remote_addr)
            except NotFound:
                abort(404)
        flash("已标记为完成。")
        return redirect(url_for("admin.tasks"))

    @bp.get("/children")
    @login_required
    def children():
        with transaction(sessions) as session:
            user = staff(session, "view_child")
            rows = child_service.list_children(session, user, source=request.remote_addr)
            return render_template("admin/children.html", user=user, children=rows,
                                   current=child_service.current_entrustment)

    return bp
