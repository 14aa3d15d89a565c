"""Staff web UI: dashboard, cases and the child ledger, scoped to the staff's jurisdiction."""
from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from admin.params import add_converters
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
    bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates",
                   static_folder="static", static_url_path="/static")
    bp.record_once(add_converters)
    bp.app_context_processor(lambda: {"labels": labels, "allowed": permissions.allowed})
    for rule, view, methods in ROUTES:
        bp.add_url_rule(rule, view.__name__, login_required(partial(view, sessions)),
                        methods=methods)
    return bp


def staff(session, action: str | None = None) -> StaffUser:
    """The signed-in staff member; 403 when the permission table refuses their role `action`."""
    user = session.get(StaffUser, int(current_user.id))
    if action is not None and not permissions.allowed(user.role, action):
        abort(403)
    return user


def dashboard(sessions):
    with transaction(sessions) as session:
        user = staff(session)
        scope = case_scope(user)
        by_status = dict(session.execute(
            select(Case.status, func.count()).where(scope).group_by(Case.status)).all())
        overdue = session.scalar(select(func.count()).select_from(Case).where(
            scope, Case.status == "submitted", Case.accept_deadline < utcnow()))
        return render_template("admin/dashboard.html", user=user, by_status=by_status,
                               overdue=overdue, open_count=sum(by_status.get(s, 0) for s in OPEN))


def cases(sessions):
    status = request.args.get("status") or None
    with transaction(sessions) as session:
        user = staff(session, "view_case")
        rows = case_service.list_cases(session, user, status=status, source=request.remote_addr)
        return render_template("admin/cases.html", user=user, cases=rows, status=status,
                               now=utcnow())


def case(sessions, number: str):
    with transaction(sessions) as session:
        user = staff(session, "view_case")
        try:
            row = case_service.get_case(session, user, number, source=request.remote_addr)
        except NotFound:
            abort(404)
        return render_template("admin/case.html", user=user, case=row,
                               steps=workflow.next_steps(row, user))


def advance(sessions, number: str):
    with transaction(sessions) as session:
        user = staff(session, "view_case")
        try:
            row = case_service.get_case(session, user, number, source=request.remote_addr)
            workflow.advance(session, row, user, request.form.get("to", ""),
                             request.form.get("note"), source=request.remote_addr)
        except NotFound:
            abort(404)
        except Forbidden as exc:  # the permission table refuses it: a real 403, said in Chinese
            session.rollback()
            return render_template("admin/refused.html", user=user, message=f"未能更新：{exc}",
                                   back=url_for("admin.case", number=number)), 403
        except Invalid as exc:
            session.rollback()
            flash(f"未能更新：{exc}")
            return redirect(url_for("admin.case", number=number))
        flash(f"已更新为：{labels.STATUS[row.status]}")
    return redirect(url_for("admin.case", number=number))


def attachment(sessions, attachment_id: int):
    with transaction(sessions) as session:
        try:
            data, ctype = attachment_service.read_attachment(session, staff(session, "view_case"), attachment_id,
                                                             source=request.remote_addr)
        except NotFound:
            abort(404)
    return Response(data, mimetype=ctype, headers={"Cache-Control": "no-store",
                                                   "X-Content-Type-Options": "nosniff"})


def tasks(sessions):
    with transaction(sessions) as session:
        user = staff(session, "view_tasks")
        rows = task_service.open_tasks(session, user, source=request.remote_addr)
        children = {t.child_id: session.get(Child, t.child_id) for t in rows if t.child_id}
        return render_template("admin/tasks.html", user=user, tasks=rows, children=children,
                               now=utcnow())


def task_done(sessions, task_id: int):
    with transaction(sessions) as session:
        try:
            task_service.complete_task(session, staff(session, "view_tasks"), task_id, source=request.remote_addr)
        except NotFound:
            abort(404)
    flash("已标记为完成。")
    return redirect(url_for("admin.tasks"))


def children(sessions):
    with transaction(sessions) as session:
        user = staff(session, "view_child")
        rows = child_service.list_children(session, user, source=request.remote_addr)
        return render_template("admin/children.html", user=user, children=rows,
                               current=child_service.current_entrustment)


GET, POST = ["GET"], ["POST"]
# Ids and case numbers use the checked converters of admin.params: a number the database
# cannot hold matches no route (404) instead of failing in the database (500).
ROUTES = (
    ("/", dashboard, GET),
    ("/cases", cases, GET),
    ("/cases/<case_number:number>", case, GET),
    ("/cases/<case_number:number>/advance", advance, POST),
    ("/attachments/<id:attachment_id>", attachment, GET),
    ("/tasks", tasks, GET),
    ("/tasks/<id:task_id>/done", task_done, POST),
    ("/children", children, GET),
)
