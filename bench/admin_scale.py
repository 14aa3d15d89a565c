"""Benchmark: the staff backend's queries on PostgreSQL with a county-sized ledger.

    url=$(scripts/pg.sh start /tmp/pg-bench)
    python -m bench.admin_scale --url "$url" [--children 1000000] [--cases 200000]
                                    [--runs 40] [--explain] [--reuse]

Migrates the database (Alembic, with the indexes of 0011_query_indexes), fills it with a
fictional county (bench/admin_scale_fill.py: encrypted like real data, built with
INSERT … SELECT in bulk, progress printed), then times each staff query as a signed-in
township, village, school or county user would run it, and prints p50/p95 per query.
Where a page's service function exists it is called (core/services/cases.py,
children.py, scope.py); where the page is still being written, the equivalent
SQLAlchemy query is timed and the output says so ("equivalent"). Each run is a fresh
session, rolled back at the end (the audit rows the services write are part of the cost).
--reuse skips the fill when the database already holds the bench data.
Not part of `make test`. Target: p95 < 200 ms.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta

from sqlalchemy import case as sql_case
from sqlalchemy import event, func, select

from core import crypto, migrate
from core.db import make_engine, make_session_factory, transaction, utcnow
from core.models import Case, CaseEvent, Child, Entrustment, FollowUpTask, Parent, StaffUser, Visit
from core.permissions import OPEN
from core.services import cases as case_service
from core.services import children as child_service
from core.services import staff as staff_service
from core.services.scope import case_scope, child_scope

TARGET_MS = 200
PAGE = 50
# username, role, township, village, school: one account per kind of scope
STAFF = (("b_town", "township", "第1镇", None, None), ("b_police", "police", "第2镇", None, None),
         ("b_village", "village", "第3镇", "第3镇1村", None),
         ("b_school", "school", "第4镇", None, "第4镇中心小学"), ("b_county", "civil_affairs", None, None, None))


# --- the queries: (label, real|equivalent, function(session, user, rng, ctx)) ---------------

def urgent_first(q):
    rank = sql_case((Case.urgency == "urgent", 0), (Case.urgency == "high", 1), else_=2)
    return q.order_by(rank, Case.accept_deadline, Case.id)


def inbox(s, user, rng, ctx, page=0):
    open_ = select(Case).where(case_scope(user), Case.status.in_(OPEN))
    rows = s.scalars(urgent_first(open_).limit(PAGE).offset(page * PAGE)).all()
    s.scalar(select(func.count()).select_from(Case).where(case_scope(user), Case.status.in_(OPEN)))
    return rows


def inbox_deep(s, user, rng, ctx):
    return inbox(s, user, rng, ctx, page=rng.randrange(1, 8))


def list_cases_real(s, user, rng, ctx):
    return case_service.list_cases(s, user, limit=PAGE, offset=PAGE * rng.randrange(0, 5), source="bench")


def by_number(s, user, rng, ctx):
    return case_service.get_case(s, user, rng.choice(ctx["numbers"]), source="bench")


def by_name_hash(s, user, rng, ctx):
    h = case_service.name_hash(rng.choice(ctx["names"]))
    s.scalars(select(Case).where(case_scope(user), Case.child_name_hash == h)
              .order_by(Case.created_at.desc()).limit(PAGE)).all()
    return s.scalars(select(Child).where(child_scope(user), Child.name_hash == h).limit(PAGE)).all()


def by_phone_hash(s, user, rng, ctx):
    h = crypto.phone_hash(rng.choice(ctx["phones"]))
    s.scalars(select(Case).where(case_scope(user), Case.reporter_phone_hash == h).limit(PAGE)).all()
    s.scalars(select(Child).join(Parent, Parent.child_id == Child.id)
              .where(child_scope(user), Parent.phone_hash == h).limit(PAGE)).all()
    return s.scalars(select(Child).join(Entrustment, Entrustment.child_id == Child.id)
                     .where(child_scope(user), Entrustment.guardian_phone_hash == h,
                            Entrustment.superseded_at.is_(None)).limit(PAGE)).all()


def child_list_real(s, user, rng, ctx):
    return child_service.list_children(s, user, limit=PAGE, offset=PAGE * rng.randrange(0, 5), source="bench")


def child_file(s, user, rng, ctx):
    key = ("children", user.id)  # a sample of the user's children, drawn once (not timed after warm-up)
    if key not in ctx:
        ctx[key] = s.scalars(select(Child.id).where(child_scope(user)).limit(2000)).all()
    child = child_service.get_child(s, user, rng.choice(ctx[key]), source="bench")
    child_service.child_to_dict(child)
    s.scalars(select(Case).where(case_scope(user), Case.child_id == child.id).order_by(Case.created_at.desc())).all()
    s.scalars(select(Visit).where(Visit.child_id == child.id).order_by(Visit.at.desc()).limit(PAGE)).all()
    return s.scalars(select(FollowUpTask).where(FollowUpTask.child_id == child.id)
                     .order_by(FollowUpTask.due_at)).all()


def dashboard_real(s, user, rng, ctx):
    """The statements of admin/views.py's dashboard (a view, not a service function)."""
    scope = case_scope(user)
    s.execute(select(Case.status, func.count()).where(scope).group_by(Case.status)).all()
    return s.scalar(select(func.count()).select_from(Case).where(
        scope, Case.status == "submitted", Case.accept_deadline < utcnow()))


def by_category_month(s, user, rng, ctx):
    month = func.date_trunc("month", Case.created_at)
    return s.execute(select(month, Case.category, func.count()).where(
        case_scope(user), Case.created_at >= utcnow() - timedelta(days=365))
        .group_by(month, Case.category)).all()


def accepted_in_time(s, user, rng, ctx):
    """Of the cases filed in 90 days and accepted, how many were accepted by the deadline."""
    return s.execute(select(func.count(), func.count().filter(CaseEvent.at <= Case.accept_deadline))
                     .select_from(Case).join(CaseEvent, (CaseEvent.case_id == Case.id)
                                             & (CaseEvent.action == "accepted"))
                     .where(case_scope(user), Case.created_at >= utcnow() - timedelta(days=90))).one()


def overdue_visits(s, user, rng, ctx):
    recent = select(Visit.id).where(Visit.child_id == Child.id, Visit.at >= utcnow() - timedelta(days=31))
    return s.execute(select(Child.village_id, func.count()).where(
        child_scope(user), Child.status == "left_behind", ~recent.exists()).group_by(Child.village_id)).all()


def left_behind_per_village(s, user, rng, ctx):
    return s.execute(select(Child.village_id, func.count()).where(
        child_scope(user), Child.status == "left_behind").group_by(Child.village_id)).all()


QUERIES = (
    ("inbox: urgent first, by deadline, page 1 + count", "equivalent", inbox, ("b_town", "b_police", "b_village", "b_school", "b_county")),
    ("inbox: urgent first, pages 2-8", "equivalent", inbox_deep, ("b_town", "b_county")),
    ("case list (list_cases, newest first)", "real", list_cases_real, ("b_town", "b_county")),
    ("search: case number (get_case)", "real", by_number, ("b_county",)),
    ("search: child name hash (cases + children)", "equivalent", by_name_hash, ("b_town", "b_county")),
    ("search: phone hash (reporter, parent, guardian)", "equivalent", by_phone_hash, ("b_town", "b_county")),
    ("child list (list_children)", "real", child_list_real, ("b_town", "b_village", "b_school", "b_county")),
    ("child file (get_child + child_to_dict + cases, visits, tasks)", "real+equivalent", child_file, ("b_town", "b_county")),
    ("dashboard: counts by status, overdue", "real", dashboard_real, ("b_town", "b_county")),
    ("dashboard: cases by category × month, 12 months", "equivalent", by_category_month, ("b_town", "b_county")),
    ("dashboard: accepted within the deadline, 90 days", "equivalent", accepted_in_time, ("b_town", "b_county")),
    ("dashboard: overdue contacts per village", "equivalent", overdue_visits, ("b_town", "b_county")),
    ("dashboard: left-behind children per village", "equivalent", left_behind_per_village, ("b_town", "b_county")),
)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def explain(engine, sessions, fn, user_id, ctx) -> None:
    captured = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))
    event.listen(engine, "before_cursor_execute", grab)
    with sessions() as s:
        fn(s, s.get(StaffUser, user_id), random.Random(1), ctx)
        s.rollback()
    event.remove(engine, "before_cursor_execute", grab)
    server = 0.0
    with engine.connect() as conn:
        for statement, parameters in captured:
            plan = [r[0] for r in conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)]
            server += sum(float(line.split(":")[1].split()[0]) for line in plan
                          if line.startswith(("Planning Time", "Execution Time")))
            if "FROM staff_user" not in statement:
                print("    " + "\n    ".join(plan))
    print(f"    -- {len(captured)} statements, {server:.1f} ms planning + execution in the server")


def run(url: str, runs: int, do_explain: bool, ctx: dict, only: str = "") -> bool:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with transaction(sessions) as s:
        users = {u.username: u.id for u in s.scalars(select(StaffUser))}
        ctx["numbers"] = s.scalars(select(Case.number).order_by(func.random()).limit(500)).all()
    all_ok, in_db = True, [0.0]
    # Time inside the database driver's execute (server work + transfer), apart from the
    # Python side (ORM, decrypting personal fields).
    event.listen(engine, "before_cursor_execute", lambda *a: in_db.append(-time.perf_counter()))
    event.listen(engine, "after_cursor_execute", lambda *a: in_db.append(time.perf_counter()))
    print(f"\n{'query':<62} {'as':<8} {'kind':<16} {'p50 ms':>7} {'p95 ms':>7} {'db p50':>7}")
    for label, kind, fn, who in QUERIES:
        if only not in label:
            continue
        for username in who:
            rng, times, db_times = random.Random(42), [], []
            for i in range(runs + 3):
                in_db[:] = []
                t0 = time.perf_counter()
                with sessions() as s:
                    fn(s, s.get(StaffUser, users[username]), rng, ctx)
                    s.rollback()
                if i >= 3:  # the first runs warm the caches
                    times.append((time.perf_counter() - t0) * 1000)
                    db_times.append(sum(in_db) * 1000)
            p50, p95 = statistics.median(times), percentile(times, 95)
            all_ok &= p95 < TARGET_MS
            flag = "" if p95 < TARGET_MS else "  OVER TARGET"
            print(f"{label:<62} {username[2:]:<8} {kind:<16} {p50:7.1f} {p95:7.1f} "
                  f"{statistics.median(db_times):7.1f}{flag}", flush=True)
            if do_explain:
                explain(engine, sessions, fn, users[username], ctx)
    engine.dispose()
    return all_ok


def ctx_counts(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        children = conn.scalar(select(func.count()).select_from(Child))
        cases = conn.scalar(select(func.count()).select_from(Case))
    engine.dispose()
    return f"{children:,} children, {cases:,} cases"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.admin_scale", description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True, help="postgresql+psycopg://… (scripts/pg.sh start DIR prints one)")
    ap.add_argument("--children", type=int, default=1_000_000)
    ap.add_argument("--cases", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=40, help="timed runs per query and user")
    ap.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of every statement")
    ap.add_argument("--reuse", action="store_true", help="the database is already filled: only time")
    ap.add_argument("--fill-only", action="store_true", help="fill, do not time")
    ap.add_argument("--no-upgrade", action="store_true",
                    help="do not migrate first (e.g. to time a database without the newest indexes)")
    ap.add_argument("--only", default="", help="time only the queries whose label contains this")
    ap.add_argument("--field-key", default=None, help="Fernet key (default: SHOUHU_FIELD_KEY or a fixed bench key)")
    args = ap.parse_args(argv)
    if not args.url.startswith("postgresql"):
        ap.error("this bench needs PostgreSQL")
    crypto.configure(args.field_key or os.environ.get("SHOUHU_FIELD_KEY") or "YmVuY2gta2V5LWZvci1maWN0aW9uYWwtZGF0YS0wMDA=")
    from bench.admin_scale_fill import SIZES, fill, values
    if not args.no_upgrade:
        migrate.upgrade(args.url)
    engine = make_engine(args.url)
    with transaction(make_session_factory(engine)) as s:
        filled = s.scalar(select(func.count()).select_from(Child)) > 0
    if filled and not args.reuse:
        ap.error("the database already holds data: pass --reuse to time it as it is")
    if not filled:
        print(f"filling: {args.children:,} children, {args.cases:,} cases", flush=True)
        t0 = time.perf_counter()
        fill(args.url, args.children, args.cases)
        print(f"filled in {time.perf_counter() - t0:.0f} s", flush=True)
    with transaction(make_session_factory(engine)) as s:
        for username, role, township, village, school in STAFF:
            if s.scalar(select(StaffUser).where(StaffUser.username == username)) is None:
                staff_service.create_user(s, username, role, "bench-password-not-used-9", township=township,
                                          village=village, school=school, actor="bench")
    engine.dispose()
    if args.fill_only:
        return 0
    clear = values({**SIZES, "texts": 1})
    print(f"timing {ctx_counts(args.url)}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ok = run(args.url, args.runs, args.explain, {"names": clear["names"], "phones": clear["phones"]}, args.only)
    print(f"\n{'all p95 under' if ok else 'NOT all p95 under'} {TARGET_MS} ms "
          f"({ctx_counts(args.url)}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
