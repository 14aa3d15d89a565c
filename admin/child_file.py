"""The child ledger pages: the filtered list (/admin/children) and the child's file
(/admin/children/<id>, 一人一档). A child outside the reader's scope is a 404."""
from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy import select

from admin.child_context import day, rules, source, staff, when
from admin.params import int_arg
from core import labels
from core.db import transaction, utcnow
from core.models import Township, Village
from core.services import child_file, tasks, visit_plan, visits
from core.services.children import current_entrustment
from core.services.errors import NotFound
from core.services.left_behind import CONCERNS, age_on
from core.services.left_behind import status as left_behind_status

# Plain words for the entrustment codes the file shows.
OTHER_PARENT = labels.OTHER_PARENT
HEALTH = {"good": "身体好", "ill": "身体不好", "disabled": "残疾"}
PARENT = {"father": "爸爸", "mother": "妈妈", "parent": "家长"}


def villages_in_scope(session, user) -> list[Village]:
    if user.village_id:
        return [user.village]
    q = select(Village).join(Township).order_by(Township.id, Village.id)
    if user.township_id:
        q = q.where(Village.township_id == user.township_id)
    return list(session.scalars(q))


def _filter(args) -> child_file.ChildFilter:
    lb = args.get("left_behind") or ""
    return child_file.ChildFilter(
        village_id=int_arg(args, "village", 0, 0, 2**31 - 1, clamp=True) or None,
        left_behind={"yes": True, "no": False}.get(lb), at_risk=args.get("at_risk") == "1",
        name=(args.get("name") or "").strip()[:50] or None)


def children(sessions):
    try:
        f = _filter(request.args)
        page = int_arg(request.args, "page", 1, 1, 10**6, clamp=True)
    except ValueError:
        abort(400)
    now = utcnow()
    with transaction(sessions) as session:
        user = staff(session, "view_child")
        result = child_file.list_page(session, user, f, page, now, rules(), source=source())
        args = {k: v for k, v in request.args.items() if k != "page" and v}
        return render_template("admin/children.html", user=user, result=result, f=f, args=args,
                               villages=villages_in_scope(session, user), current=current_entrustment,
                               status_of=lambda c: left_behind_status(c, current_entrustment(c), now.date()),
                               age_of=lambda c: age_on(c.birth_date, now.date()),
                               states=visit_plan.STATES, now=now, rules=rules(), day=day)


def child(sessions, child_id: int):
    now = utcnow()
    with transaction(sessions) as session:
        user = staff(session, "view_child")
        try:
            file = child_file.open_file(session, user, child_id, now, rules(), source=source())
        except NotFound:
            abort(404)
        return render_template(
            "admin/child.html", user=user, file=file, c=file.child, now=now, rules=rules(), when=when, day=day,
            id_number=child_file.mask_id_number(file.child.id_number), concerns=CONCERNS,
            other_parent=OTHER_PARENT, health=HEALTH, parent_label=PARENT, task_kinds=tasks.KINDS,
            outcomes=tasks.OUTCOMES, visit_kinds=visits.KINDS, areas=visits.AREAS, ratings=visits.RATINGS,
            risks=visit_plan.RISKS, needs=visit_plan.NEEDS, states=visit_plan.STATES, labels=labels)


GET, POST = ["GET"], ["POST"]
ROUTES = (
    ("/children", children, GET),
    ("/children/<id:child_id>", child, GET),
)
