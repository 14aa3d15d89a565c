"""The visit plan: when each left-behind child is next due a contact or a home visit.

Policy (民政: 建立定期走访制度，儿童主任至少每个月联系一次，每季度入户走访一次; 加大走访
频次 for children who need it; 极端天气时应加大走访频次). The rule, configurable in
config.yaml `visits`:

- every left-behind child (core/services/left_behind.py, never typed) is due a contact
  (电话联系 or a visit) `contact_days` after the last contact, and a home visit (上门走访)
  `home_visit_days` after the last home visit; a home visit is also a contact. A child with
  no visit yet counts from its first registration;
- a child is AT RISK (重点关注) while a report about them is open, while their current
  entrustment has a policy concern (no guardian, guardian too young, old or ill, or not
  living with the child), or when the latest visit rated safety, guardianship, health or
  schooling "需要关注" or "有危险"; then the shorter `at_risk_*` intervals apply. Nobody
  types the flag in: it ends when the case closes, the entrustment is put right, or a
  later visit finds all well;
- an extreme-weather round (core/services/visits.py) makes a visit due at once, overdue
  after `weather_visit_hours`.

The plan page (/admin/visits) asks the database for the same rule over a whole scope at
once: core/services/visit_plan_sql.py (tested against `plan` child by child).

Everything here is a function of the clock it is given (tests move it), so a periodic job
can call `send_reminders` (or `raise_due_tasks`) on whatever scheduler runs the periodic work.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, not_, or_, select, true
from sqlalchemy.orm import Session, aliased

from core import permissions
from core.models import Case, Child, Entrustment, FollowUpTask, Visit
from core.services import left_behind_sql as lbs
from core.services.entrust_notices import village_unit
from core.services.tasks import KINDS as TASK_KINDS

FLAGGED = ("concern", "danger")
AREAS = ("safety", "guardianship", "health", "schooling")
RISKS = {"open_case": "有未结案的报告", "concern": "委托监护有需要关注的情况",
         "visit": "最近一次走访发现问题"}
STATES = {"overdue": "已超期", "due": "即将到期", "ok": "按计划"}
NEEDS = {"weather_visit": "极端天气走访", "home_visit": "上门走访", "contact": "电话联系或走访"}


@dataclass(frozen=True)
class Rules:
    contact_days: int = 30
    home_visit_days: int = 91
    at_risk_contact_days: int = 14
    at_risk_home_visit_days: int = 30
    due_soon_days: int = 7
    weather_visit_hours: int = 24

    @classmethod
    def from_config(cls, cfg: dict | None) -> Rules:
        values = {}
        for name in cls.__dataclass_fields__:
            if (cfg or {}).get(name) is None:
                continue
            value = cfg[name]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"visits.{name} must be a whole number of 1 or more, not {value!r}")
            values[name] = value
        return cls(**values)

    def intervals(self, at_risk: bool) -> tuple[timedelta, timedelta]:
        if at_risk:
            return timedelta(days=self.at_risk_contact_days), timedelta(days=self.at_risk_home_visit_days)
        return timedelta(days=self.contact_days), timedelta(days=self.home_visit_days)


DEFAULT_RULES = Rules()


def due_dates(opened: datetime, last_contact: datetime | None, last_home_visit: datetime | None,
              at_risk: bool, rules: Rules) -> tuple[datetime, datetime]:
    """When the next contact and the next home visit are due (pure)."""
    contact_every, home_every = rules.intervals(at_risk)
    contact_from = max(d for d in (opened, last_contact, last_home_visit) if d is not None)
    home_from = max(d for d in (opened, last_home_visit) if d is not None)
    return contact_from + contact_every, home_from + home_every


@dataclass(frozen=True)
class PlanRow:
    child_id: int
    township_id: int
    village_id: int | None
    risks: tuple[str, ...]
    last_contact: datetime | None
    last_home_visit: datetime | None
    contact_due: datetime
    home_visit_due: datetime
    weather_due: datetime | None  # an open extreme-weather visit

    @property
    def at_risk(self) -> bool:
        return bool(self.risks)

    @property
    def need(self) -> str:
        """What is due first: weather_visit, home_visit or contact."""
        if self.weather_due is not None:
            return "weather_visit"
        return "home_visit" if self.home_visit_due <= self.contact_due else "contact"

    @property
    def due_at(self) -> datetime:
        return {"weather_visit": self.weather_due, "home_visit": self.home_visit_due,
                "contact": self.contact_due}[self.need]

    def state(self, now: datetime, rules: Rules) -> str:
        if self.need == "weather_visit":
            late = now - self.due_at > timedelta(hours=rules.weather_visit_hours)
            return "overdue" if late else "due"
        if self.due_at < now:
            return "overdue"
        return "due" if self.due_at <= now + timedelta(days=rules.due_soon_days) else "ok"


def risk_parts(e) -> dict[str, object]:
    """SQL conditions on Child (and its current entrustment alias `e`), one per RISKS code."""
    same_child = or_(Case.child_id == Child.id,
                     and_(Case.child_name_hash == Child.name_hash, Case.township_id == Child.township_id))
    other = aliased(Visit)
    latest = select(func.max(other.at)).where(other.child_id == Child.id).correlate(Child).scalar_subquery()
    flagged = or_(*(getattr(Visit, area).in_(FLAGGED) for area in AREAS))
    return {
        "open_case": exists().where(Case.status.in_(permissions.OPEN), same_child),
        "concern": and_(e.concerns.is_not(None), e.concerns != ""),
        "visit": exists().where(Visit.child_id == Child.id, Visit.at == latest, flagged).correlate(Child),
    }


def at_risk(e):
    return or_(*risk_parts(e).values())


def _all_before(threshold: datetime, opened, *lasts):
    """SQL: the latest of `opened` and `lasts` (NULLs ignored) is before `threshold`."""
    return and_(opened < threshold, *(or_(x.is_(None), x < threshold) for x in lasts))


def _overdue(now: datetime, rules: Rules, risk, opened, last_any, last_home):
    """SQL: a contact or home visit is overdue as of `now` (due_dates, in the database)."""
    def late(at_risk: bool):
        contact, home = rules.intervals(at_risk)
        return or_(_all_before(now - contact, opened, last_any), _all_before(now - home, opened, last_home))
    return or_(and_(risk, late(True)), and_(not_(risk), late(False)))


def narrow(q, township_id: int | None, village_id: int | None, child_ids):
    """The plan's optional filters: one township, one village, some children."""
    if township_id is not None:
        q = q.where(Child.township_id == township_id)
    if village_id is not None:
        q = q.where(Child.village_id == village_id)
    if child_ids is not None:
        q = q.where(Child.id.in_(child_ids))
    return q


def plan(session: Session, scope, now: datetime, rules: Rules, township_id: int | None = None,
         village_id: int | None = None, child_ids: list[int] | None = None,
         overdue_only: bool = False) -> list[PlanRow]:
    """The plan for every left-behind child matching `scope` (a Child condition, e.g.
    core/services/scope.child_scope(user)) as of `now`, the most urgent first.
    `overdue_only` leaves in the database the children with nothing overdue."""
    e = lbs.current_entrustment()
    parts = risk_parts(e)
    last_any = select(func.max(Visit.at)).where(Visit.child_id == Child.id).scalar_subquery()
    last_home = select(func.max(Visit.at)).where(Visit.child_id == Child.id,
                                                 Visit.kind == "home_visit").scalar_subquery()
    weather = select(func.min(FollowUpTask.due_at)).where(
        FollowUpTask.child_id == Child.id, FollowUpTask.kind == "weather_visit",
        FollowUpTask.done_at.is_(None)).scalar_subquery()
    first = aliased(Entrustment)
    registered = select(func.min(first.created_at)).where(first.child_id == Child.id).correlate(Child)
    opened = func.coalesce(registered.scalar_subquery(), Child.created_at)
    q = (select(Child.id, Child.township_id, Child.village_id, opened, last_any, last_home, weather,
                *parts.values())
         .outerjoin(e, lbs.join_condition(e)).where(scope, lbs.is_left_behind(e, now.date())))
    q = narrow(q, township_id, village_id, child_ids)
    if overdue_only:
        q = q.where(_overdue(now, rules, or_(*parts.values()), opened, last_any, last_home))
    rows = []
    for cid, town, village, opened, contact, home, weather_due, *flags in session.execute(q.order_by(Child.id)):
        risks = tuple(code for code, flag in zip(parts, flags, strict=True) if flag)
        contact_due, home_due = due_dates(opened, contact, home, bool(risks), rules)
        rows.append(PlanRow(cid, town, village, risks, contact, home, contact_due, home_due, weather_due))
    order = {"overdue": 0, "due": 1, "ok": 2}
    return sorted(rows, key=lambda r: (order[r.state(now, rules)], r.due_at, r.child_id))


def by_village(rows: list[PlanRow], now: datetime, rules: Rules) -> dict[int | None, Counter]:
    """State counts per village (None: children with no village on file)."""
    counts: dict[int | None, Counter] = {}
    for row in rows:
        counts.setdefault(row.village_id, Counter())[row.state(now, rules)] += 1
    return counts


def raise_due_tasks(session: Session, now: datetime, rules: Rules) -> int:
    """The periodic job: an overdue contact or home visit becomes a "visit due" task for
    the child's village committee (one open task per child). Returns how many were made."""
    overdue = [r for r in plan(session, true(), now, rules, overdue_only=True)
               if r.need != "weather_visit" and r.state(now, rules) == "overdue"]
    if not overdue:
        return 0
    ids = [r.child_id for r in overdue]
    waiting = set(session.scalars(select(FollowUpTask.child_id).where(
        FollowUpTask.child_id.in_(ids), FollowUpTask.kind == "visit_due", FollowUpTask.done_at.is_(None))))
    children = {c.id: c for c in session.scalars(select(Child).where(Child.id.in_(ids)))}
    made = 0
    for row in overdue:
        if row.child_id in waiting:
            continue
        what = NEEDS[row.need]
        session.add(FollowUpTask(child_id=row.child_id, kind="visit_due", due_at=row.due_at,
                                 assigned_unit=village_unit(children[row.child_id]),
                                 note=f"{TASK_KINDS['visit_due']}：{what}已超期，请尽快联系或上门。"))
        made += 1
    session.flush()
    return made


def send_reminders(sessions, now: datetime, visits_config: dict | None = None) -> int:
    """The periodic job's entry point (core/services/scheduler.py calls it hourly with the
    time to act at; pass config.yaml's `visits` section): one transaction per run."""
    from core.db import transaction

    with transaction(sessions) as session:
        return raise_due_tasks(session, now, Rules.from_config(visits_config))
