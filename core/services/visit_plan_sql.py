"""The visit plan page in the database: the rule of core/services/visit_plan.py (due_dates,
PlanRow.need, PlanRow.state and the plan's order), computed in SQL for a whole scope at
once, so that the page reads one page of rows and the counts per village instead of
building every child's plan in Python.

It is the same rule, not a second one: tests/children/test_visit_plan_sql.py compares it
with visit_plan.plan child by child, on SQLite and PostgreSQL.

Per child, one pass over each table (grouped by child, joined to the children in scope)
instead of a handful of correlated subqueries:
- visits: the latest of any kind, the latest home visit, and the latest one that rated an
  area "需要关注"/"有危险" (the latest visit flagged ⟺ that one is the latest of all, which is
  how visit_plan.risk_parts reads "the latest visit rated …");
- open weather-visit tasks: the earliest due;
- open reports: by the child's file, or by name within the township.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    DateTime,
    Integer,
    and_,
    case,
    func,
    literal,
    null,
    or_,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import True_
from sqlalchemy.sql.functions import FunctionElement

from core import permissions
from core.models import Case, Child, Entrustment, FollowUpTask, Visit
from core.models.indexes import VISIT_FLAGGED, WEATHER_OPEN
from core.services import left_behind_sql as lbs
from core.services.visit_plan import RISKS, PlanRow, Rules, narrow

STATE_RANK = {"overdue": 0, "due": 1, "ok": 2}
RANK_STATE = {v: k for k, v in STATE_RANK.items()}


class add_days(FunctionElement):
    """`timestamp + n days`, exact to the microsecond on both databases."""
    type = DateTime()
    name = "add_days"
    inherit_cache = True


@compiles(add_days)
def _add_days(element, compiler, **kw):
    when, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"({when} + make_interval(days => {days}))"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element, compiler, **kw):
    # SQLite keeps a DateTime as text 'YYYY-MM-DD HH:MM:SS.ffffff': shift the date and time,
    # keep the microseconds as they were (SQLite's date functions round to milliseconds,
    # so .999999 would become the next second): shift the whole seconds only.
    when, days = (compiler.process(c, **kw) for c in element.clauses)
    return (f"(strftime('%Y-%m-%d %H:%M:%S', substr({when}, 1, 19), '+' || {days} || ' days')"
            f" || substr({when}, 20))")


def _later(a, b):
    """The later of `a` (never NULL) and `b` (NULL: no such event)."""
    return case((and_(b.is_not(None), b > a), b), else_=a)


def _children(scope, now: datetime, township_id, village_id, child_ids):
    e = lbs.current_entrustment()
    # The first registration: the current entrustment itself when it is version 1 (a new
    # version is always max + 1, so then it is the only one), else the earliest version.
    first = select(func.min(Entrustment.created_at)).where(Entrustment.child_id == Child.id).scalar_subquery()
    registered = type_coerce(case((e.version == 1, e.created_at), else_=first), DateTime)
    q = (select(Child.id, Child.township_id, Child.village_id, Child.created_at, Child.name_hash,
                and_(e.concerns.is_not(None), e.concerns != "").label("concern"), registered.label("registered"))
         .outerjoin(e, lbs.join_condition(e)).where(scope, lbs.is_left_behind(e, now.date())))
    return narrow(q, township_id, village_id, child_ids).cte("plan_children")


def _facts(kids, whole_county: bool):
    """Per child in `kids`: opened, last_any, last_home, weather_due and the three risks."""
    # Written as the partial indexes' own predicates (core/models/indexes.py), constants
    # included, so that PostgreSQL can use the indexes whatever the parameters.
    latest = select(Visit.child_id, func.max(Visit.at).label("last_any"),
                    func.max(case((Visit.kind == "home_visit", Visit.at))).label("last_home"))
    if not whole_county:  # the visits of the children in scope; county-wide, one ordered pass
        latest = latest.join(kids, kids.c.id == Visit.child_id)  # over the index is cheaper
    latest = latest.group_by(Visit.child_id).subquery("v")
    flagged_at = (select(Visit.child_id, func.max(Visit.at).label("at")).where(VISIT_FLAGGED)
                  .join(kids, kids.c.id == Visit.child_id).group_by(Visit.child_id).subquery("vf"))
    weather = (select(FollowUpTask.child_id, func.min(FollowUpTask.due_at).label("due"))
               .join(kids, kids.c.id == FollowUpTask.child_id)
               .where(WEATHER_OPEN)
               .group_by(FollowUpTask.child_id).subquery("w"))
    is_open = Case.status.in_(permissions.OPEN)
    by_file = (select(Case.child_id).where(is_open, Case.child_id.is_not(None))
               .group_by(Case.child_id).subquery("of"))
    by_name = (select(Case.child_name_hash, Case.township_id).where(is_open, Case.child_name_hash.is_not(None))
               .group_by(Case.child_name_hash, Case.township_id).subquery("on_"))
    risks = {
        "open_case": or_(by_file.c.child_id.is_not(None), by_name.c.township_id.is_not(None)),
        "concern": kids.c.concern.is_(True),
        "visit": and_(flagged_at.c.at.is_not(None), flagged_at.c.at == latest.c.last_any),
    }
    opened = type_coerce(func.coalesce(kids.c.registered, kids.c.created_at), DateTime)
    q = (select(kids.c.id.label("child_id"), kids.c.township_id, kids.c.village_id, opened.label("opened"),
                latest.c.last_any, latest.c.last_home, weather.c.due.label("weather_due"),
                *(case((cond, 1), else_=0).label(f"risk_{code}") for code, cond in risks.items()))
         .select_from(kids)
         .outerjoin(latest, latest.c.child_id == kids.c.id)
         .outerjoin(flagged_at, flagged_at.c.child_id == kids.c.id)
         .outerjoin(weather, weather.c.child_id == kids.c.id)
         .outerjoin(by_file, by_file.c.child_id == kids.c.id)
         .outerjoin(by_name, and_(by_name.c.child_name_hash == kids.c.name_hash,
                                  by_name.c.township_id == kids.c.township_id)))
    return q.subquery("facts")


def plan_rows(scope, now: datetime, rules: Rules, township_id=None, village_id=None,
              child_ids=None, as_cte: bool = False):
    """The plan as a subquery: child_id, township_id, village_id, the facts, contact_due,
    home_visit_due, need, due_at and rank (0 overdue, 1 due, 2 ok)."""
    whole_county = isinstance(scope, True_) and township_id is None and village_id is None and child_ids is None
    f = _facts(_children(scope, now, township_id, village_id, child_ids), whole_county)
    risky = or_(*(f.c[f"risk_{code}"] == 1 for code in RISKS))

    def due(start, normal: int, at_risk: int):
        return type_coerce(case((risky, add_days(start, literal(at_risk, Integer))),
                                else_=add_days(start, literal(normal, Integer))), DateTime)

    contact_due = due(_later(f.c.opened, f.c.last_any), rules.contact_days, rules.at_risk_contact_days)
    home_due = due(_later(f.c.opened, f.c.last_home), rules.home_visit_days, rules.at_risk_home_visit_days)
    # Worked out once per child (PostgreSQL would otherwise copy these expressions into
    # every one that reads them: a dozen times for the state and the order).
    p = (select(f, contact_due.label("contact_due"), home_due.label("home_visit_due"))
         .cte("plan_due").prefix_with("MATERIALIZED", dialect="postgresql"))
    need = case((p.c.weather_due.is_not(None), "weather_visit"),
                (p.c.home_visit_due <= p.c.contact_due, "home_visit"), else_="contact")
    due_at = type_coerce(case((p.c.weather_due.is_not(None), p.c.weather_due),
                              (p.c.home_visit_due <= p.c.contact_due, p.c.home_visit_due),
                              else_=p.c.contact_due), DateTime)
    n = select(p, need.label("need"), due_at.label("due_at")).subquery("n")
    weather_late = now - timedelta(hours=rules.weather_visit_hours)
    rank = case((and_(n.c.need == "weather_visit", n.c.due_at < weather_late), 0),
                (n.c.need == "weather_visit", 1),
                (n.c.due_at < now, 0),
                (n.c.due_at <= now + timedelta(days=rules.due_soon_days), 1), else_=2)
    q = select(n, rank.label("rank"))
    return q.cte("plan") if as_cte else q.subquery("plan")


def _row(r) -> PlanRow:
    risks = tuple(code for code in RISKS if r._mapping[f"risk_{code}"])
    return PlanRow(r.child_id, r.township_id, r.village_id, risks, r.last_any, r.last_home,
                   r.contact_due, r.home_visit_due, r.weather_due)


@dataclass
class PlanPage:
    rows: list[PlanRow]
    total: int  # rows listed (over all pages)
    page: int
    pages: int
    counts: dict[int | None, Counter]  # state counts per village (None: no village on file)


def page(session: Session, scope, now: datetime, rules: Rules, village_id: int | None = None,
         show_all: bool = False, page: int = 1, per_page: int = 50) -> PlanPage:
    """What /admin/visits shows: the counts per village of every child in `scope`, and one
    page of the children of `village_id` (all villages: None), most urgent first, only
    those due or overdue unless `show_all`. One statement: the plan is worked out once
    (a CTE read twice), for the counts and for the page."""
    if session.get_bind().dialect.name == "postgresql":
        # The plan's expressions are wide and the planner's row guesses for the grouped
        # joins large: compiling them (JIT) costs seconds, running them a tenth of that.
        session.execute(text("SET LOCAL jit = off"))
    plan = plan_rows(scope, now, rules, as_cte=True)
    listed = plan.c.rank < (3 if show_all else 2)
    in_view = listed if village_id is None else and_(listed, plan.c.village_id == village_id)
    order = (plan.c.rank, plan.c.due_at, plan.c.child_id)
    # The page's offset is only known once the counts are: ask for the page the caller
    # wants, and once more for the last page when it wanted one past the end (rare).
    cols = [c for c in plan.c if c.name != "rank"]
    for _ in range(2):
        shown = (select(literal(0).label("part"), *cols, plan.c.rank, literal(0).label("n")).where(in_view)
                 .order_by(*order).limit(per_page).offset((max(page, 1) - 1) * per_page).subquery("shown"))
        counts = select(literal(1), *(null() if c.name != "village_id" else plan.c.village_id for c in cols),
                        plan.c.rank, func.count()).group_by(plan.c.village_id, plan.c.rank)
        result = session.execute(union_all(select(shown), counts)).all()
        by_village: dict[int | None, Counter] = {}
        for r in result:
            if r.part == 1:
                by_village.setdefault(r.village_id, Counter())[RANK_STATE[r.rank]] += r.n
        states = ("overdue", "due", "ok") if show_all else ("overdue", "due")
        total = sum(c[s] for v, c in by_village.items() if village_id is None or v == village_id for s in states)
        pages = max(1, -(-total // per_page))
        if page <= pages:
            break
        page = pages
    rows = sorted((r for r in result if r.part == 0), key=lambda r: (r.rank, r.due_at, r.child_id))
    return PlanPage([_row(r) for r in rows], total, max(page, 1), pages, by_village)
