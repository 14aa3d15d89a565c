"""The visit plan (/admin/visits): due and overdue contacts and home visits per village,
the one-click extreme-weather round, and the visit record form, which can raise a case."""
from __future__ import annotations

from datetime import UTC, datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from admin.child_context import day, rules, runtime, source, staff, zone
from admin.child_file import villages_in_scope
from admin.form_choices import choices
from admin.params import int_arg
from core import categories, localtime, permissions
from core.db import transaction, utcnow
from core.models import Child, Township
from core.services import audit
from core.services import visit_plan as plan_service
from core.services import visits as visit_service
from core.services.errors import Invalid, NotFound
from core.services.scope import child_scope
from core.services.visit_plan_sql import page as plan_page

PER_PAGE = 50
RATING_CHOICES = choices(visit_service.RATINGS)


class VisitForm(FlaskForm):
    kind = RadioField("方式", choices=choices(visit_service.KINDS), default="home_visit")
    date = DateField("日期", validators=[DataRequired(message="请填写日期。")])
    visitor = StringField("走访人", validators=[DataRequired(message="请写下走访或联系的人。"), Length(max=100)])
    safety = RadioField("安全", choices=RATING_CHOICES, default="ok")
    guardianship = RadioField("监护", choices=RATING_CHOICES, default="ok")
    health = RadioField("健康", choices=RATING_CHOICES, default="ok")
    schooling = RadioField("就学", choices=RATING_CHOICES, default="ok")
    note = TextAreaField("情况说明", validators=[Optional(), Length(max=2000)])
    raise_case = BooleanField("同时提交报告（按报告流程分派处置）")
    category = SelectField("情况类别", choices=choices([("", "请选择")] + [(c.code, c.label) for c in categories.TABLE]),
                           validators=[Optional()])
    urgent = BooleanField("孩子现在就有危险")


class WeatherForm(FlaskForm):
    township = SelectField("乡镇", coerce=int)
    weather = SelectField("天气", choices=choices((w, w) for w in visit_service.WEATHER))


def _townships(session, user) -> list[Township]:
    scope = permissions.scope_for(user.role, "weather_round")
    if scope == permissions.REGION:
        return list(session.scalars(select(Township).order_by(Township.id)))
    return [user.township] if scope == permissions.TOWNSHIP and user.township is not None else []


def visits(sessions):
    try:
        village_id = int_arg(request.args, "village", 0, 0, 2**31 - 1, clamp=True) or None
        page = int_arg(request.args, "page", 1, 1, 10**6, clamp=True)
    except ValueError:
        abort(400)
    show_all = request.args.get("all") == "1"
    now, r = utcnow(), rules()
    with transaction(sessions) as session:
        user = staff(session, "view_child")
        found = plan_page(session, child_scope(user), now, r, village_id=village_id, show_all=show_all,
                          page=page, per_page=PER_PAGE)
        shown, counts, page, pages = found.rows, found.counts, found.page, found.pages
        children = {c.id: c for c in session.scalars(select(Child).where(Child.id.in_([x.child_id for x in shown])))}
        audit.record(session, f"staff:{user.id}", "list", "visit_plan", source=source(),
                     detail=f"{len(shown)} rows, page {page}")
        form = WeatherForm()
        form.township.choices = choices((t.id, t.name) for t in _townships(session, user))
        args = {k: v for k, v in request.args.items() if k != "page" and v}
        return render_template("admin/visits.html", user=user, rows=shown, total=found.total, page=page,
                               pages=pages, counts=counts, children=children, now=now, rules=r, day=day,
                               villages=villages_in_scope(session, user), village_id=village_id,
                               show_all=show_all, form=form, args=args, states=plan_service.STATES,
                               needs=plan_service.NEEDS, risks=plan_service.RISKS)


def weather_round(sessions):
    form = WeatherForm()
    with transaction(sessions) as session:
        user = staff(session, "weather_round")
        form.township.choices = choices((t.id, t.name) for t in _townships(session, user))
        if not form.validate_on_submit():
            flash("请选择乡镇和天气情况。")
            return redirect(url_for("admin.visits"))
        try:
            made = visit_service.weather_round(session, user, form.township.data, form.weather.data, source=source())
        except NotFound:
            abort(404)
        except Invalid as exc:
            flash(str(exc))
            return redirect(url_for("admin.visits"))
        name = session.get(Township, form.township.data).name
    flash(f"已发起{name}{form.weather.data}天气走访：{made}名留守儿童需要马上联系和上门查看，已通知各村。")
    return redirect(url_for("admin.visits"))


def _visit_time(d, now: datetime) -> datetime:
    """The date staff give, as a stored time: now when it is today, else noon that day."""
    tz = zone()
    if d == localtime.local(now, tz).date():
        return now
    return datetime.combine(d, time(12), tzinfo=tz).astimezone(UTC).replace(tzinfo=None)


def _input(form: VisitForm, now: datetime) -> visit_service.VisitInput:
    return visit_service.VisitInput(
        kind=form.kind.data, at=_visit_time(form.date.data, now), visitor=form.visitor.data or "",
        findings={a: getattr(form, a).data for a in visit_service.AREAS}, note=form.note.data or "",
        raise_case=bool(form.raise_case.data), category=form.category.data or None, urgent=bool(form.urgent.data))


def visit_new(sessions, child_id: int):
    form = VisitForm()
    now = utcnow()
    with transaction(sessions) as session:
        user = staff(session, "record_visit")
        child = session.scalar(select(Child).where(Child.id == child_id, child_scope(user, "record_visit")))
        if child is None:
            abort(404)
        if request.method == "GET":
            form.date.data = localtime.local(now, zone()).date()
            form.visitor.data = user.display_name or user.username
        elif form.validate_on_submit():
            rt = runtime()
            try:
                done = visit_service.record_visit(session, user, child.id, _input(form, now),
                                           cases_config=rt.settings.section("cases"), notifier=rt.notifier,
                                           now=now, source=source())
            except Invalid as exc:
                session.rollback()
                flash(str(exc))
            else:
                flash(f"已记录{visit_service.KINDS[done.visit.kind]}。" +
                      (f"已提交报告 {done.case_number}，按报告流程分派处置。" if done.case_number else ""))
                return redirect(url_for("admin.child", child_id=child_id))
        return render_template("admin/visit_form.html", user=user, form=form, child=child,
                               areas=visit_service.AREAS)


GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
ROUTES = (
    ("/visits", visits, GET),
    ("/visits/weather", weather_round, POST),
    ("/children/<id:child_id>/visits/new", visit_new, BOTH),
)
