"""Follow-up tasks addressed to the viewer's office (/admin/tasks), and the completion
form that records an outcome and a note."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from admin.child_context import day, source, staff
from admin.form_choices import choices
from core.db import transaction, utcnow
from core.models import Child
from core.services import tasks as task_service
from core.services.errors import Invalid, NotFound


class DoneForm(FlaskForm):
    outcome = RadioField("处理结果", choices=choices((c, task_service.OUTCOMES[c]) for c in task_service.FORM_OUTCOMES),
                         validators=[InputRequired(message="请选择处理结果。")])
    note = TextAreaField("处理情况", validators=[DataRequired(message="请写下处理情况，例如和谁联系、核实了什么。"),
                                                 Length(max=1000)])


def tasks(sessions):
    with transaction(sessions) as session:
        user = staff(session, "view_tasks")
        rows = task_service.open_tasks(session, user, source=source())
        ids = {t.child_id for t in rows if t.child_id}
        children = {c.id: c for c in session.scalars(select(Child).where(Child.id.in_(ids)))} if ids else {}
        return render_template("admin/tasks.html", user=user, tasks=rows, children=children, now=utcnow(),
                               kinds=task_service.KINDS, day=day)


def task_done(sessions, task_id: int):
    form = DoneForm()
    with transaction(sessions) as session:
        user = staff(session, "view_tasks")
        try:
            task = task_service.get_task(session, user, task_id)
        except NotFound:
            abort(404)
        if task.done_at is not None:
            flash("这件事已经完成了。")
            return redirect(url_for("admin.tasks"))
        if form.validate_on_submit():
            try:
                task_service.complete_task(session, user, task_id, form.outcome.data, form.note.data,
                                           source=source())
            except Invalid as exc:
                flash(str(exc))
            else:
                flash("已完成并记录处理结果。" + ("3天后会再次提醒联系。" if form.outcome.data == "unreachable" else ""))
                return redirect(url_for("admin.tasks"))
        child = session.get(Child, task.child_id) if task.child_id else None
        return render_template("admin/task_done.html", user=user, form=form, task=task, child=child,
                               kinds=task_service.KINDS, day=day)


ROUTES = (
    ("/tasks", tasks, ["GET"]),
    ("/tasks/<id:task_id>/done", task_done, ["GET", "POST"]),
)
