"""The case page: the report as filed, the timeline in Chinese and local time, and one
short form for each step the permission table lets this staff member take now.

A refused step never reaches a 500: the page is shown again with the reason in Chinese,
403 when the office may not take the step, 409 when the case has moved past it, 400 when
the form is incomplete.
"""
from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admin.step_forms import form_for
from core import labels, localtime, permissions
from core import step_content as sc
from core.db import transaction, utcnow
from core.models import Case, StaffUser
from core.services import case_steps
from core.services import cases as case_service
from core.services.errors import Conflict, Forbidden, Invalid, NotFound

STATUS_OF = {Forbidden: 403, Conflict: 409, Invalid: 400}


def zone():
    return localtime.of_settings(current_app.extensions["shouhu"].settings)


def me(session) -> StaffUser:
    user = session.get(StaffUser, int(current_user.id))
    if not permissions.allowed(user.role, "view_case"):
        abort(403)
    return user


def clock(tz):
    """Template helper: a stored UTC time as local text."""
    def show(value: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
        return localtime.local(value, tz).strftime(pattern) if value else ""
    return show


def render_case(session, user, case: Case, status: int = 200, failed=None):
    tz = zone()
    steps = permissions.next_actions(user, case)
    forms = {s.code: (failed if failed is not None and failed._prefix == f"{s.code}-"
                      else form_for(s.code, formdata=None)) for s in steps}
    original = session.get(Case, case.duplicate_of_id) if case.duplicate_of_id else None
    page = render_template(
        "admin/case.html", user=user, case=case, steps=steps, forms=forms, original=original,
        duplicates=case_steps.duplicates_of(session, user, case), sc=sc, at=clock(tz),
        tz_name=zone_label(tz), phone=tel(case.reporter_phone))
    return page, status


def zone_label(tz) -> str:
    return "北京时间" if str(tz) in ("Asia/Shanghai", "Asia/Chongqing", "PRC") else f"{tz}时间"


def tel(phone: str | None) -> str | None:
    """A tel: link target (digits and a leading +) for tap-to-call."""
    if not phone:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    return digits or None


def case(sessions, number: str):
    with transaction(sessions) as session:
        user = me(session)
        try:
            row = case_service.get_case(session, user, number, source=request.remote_addr)
        except NotFound:
            abort(404)
        return render_case(session, user, row)


def case_step(sessions, number: str, code: str):
    if code not in case_steps.STEP_CODES:
        abort(404)
    with transaction(sessions, write=True) as session:
        user = me(session)
        row = case_steps.load_for_step(session, user, number)
        if row is None:
            abort(404)  # outside the jurisdiction looks the same as missing
        form = form_for(code)
        fields = form.fields() if form.validate_on_submit() else None
        try:
            if fields is None:
                raise Invalid("请检查填写的内容（日期请写成 2026-12-02 这样）。")
            fields["today"] = localtime.local(utcnow(), zone()).date()
            event = case_steps.take_step(session, row, user, code, fields, source=request.remote_addr)
        except (Forbidden, Conflict, Invalid) as exc:
            session.rollback()
            flash(f"未能完成“{permissions.BY_CODE[code].label}”：{exc}")
            row = case_service.get_case(session, user, number, source=request.remote_addr)
            return render_case(session, user, row, STATUS_OF[type(exc)], failed=form)
        flash(f"已记录：{sc.event_label(event)}。现在的状态：{labels.STATUS[row.status]}")
    back = request.form.get("next") or ""
    if back.startswith("/admin/cases") and "//" not in back and code == "accept":
        return redirect(back)
    return redirect(url_for("admin.case", number=number))
