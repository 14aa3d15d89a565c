"""Indexes for the staff pages' queries at county scale (bench/admin_scale.py measures
them on 1,000,000 children and 200,000 cases; migration 0011_query_indexes creates them).

Kept apart from the models so that a page's query and the index that serves it can be
read side by side. Each says which query it is for.
"""
from __future__ import annotations

from sqlalchemy import Index, text
from sqlalchemy import case as when

from core.models.cases import Case, CaseEvent
from core.models.children import Child, Entrustment, FollowUpTask, Visit
from core.permissions import OPEN

# The inbox: open cases of a township (or an office), urgent first by deadline. Open cases
# are a few percent of all, so a partial index holds exactly the rows the inbox reads.
_OPEN = Case.status.in_(OPEN)
# The inbox's order (core/services/case_search.py): urgent first, then those waiting for
# acceptance, then by deadline. Defined here so that the index below is on the very
# expressions the inbox sorts by (the planner then reads a page off the index).
URGENCY_RANK = when({"urgent": 0, "high": 1}, value=Case.urgency, else_=2)
WAITING_RANK = when((Case.status == "submitted", 0), else_=1)
# The same two expressions as PostgreSQL prints them back (pg_get_indexdef), for the
# models-vs-migrations comparison (Alembic compares expression indexes as text); the
# planner matches the inbox's ORDER BY to the index by meaning, not by text.
_INBOX_ORDER = (text("(\nCASE urgency\n    WHEN 'urgent'::text THEN 0\n    WHEN 'high'::text THEN 1\n"
                     "    ELSE 2\nEND)"),
                text("(\nCASE\n    WHEN status::text = 'submitted'::text THEN 0\n    ELSE 1\nEND)"))

# A visit that rated an area "需要关注" or "有危险" (visit_plan.FLAGGED, visit_plan.AREAS).
VISIT_FLAGGED = text("safety IN ('concern', 'danger') OR guardianship IN ('concern', 'danger') OR "
                     "health IN ('concern', 'danger') OR schooling IN ('concern', 'danger')")
WEATHER_OPEN = text("kind = 'weather_visit' AND done_at IS NULL")

INDEXES = (
    Index("ix_case_report_open_township", Case.township_id, Case.accept_deadline,
          postgresql_where=_OPEN, sqlite_where=_OPEN),
    Index("ix_case_report_open_unit", Case.assigned_unit, Case.accept_deadline,
          postgresql_where=_OPEN, sqlite_where=_OPEN),
    # The inbox with every status (200,000 cases county-wide), in its order: a page is the
    # index's first rows instead of a sort of the whole table (migration 0014).
    Index("ix_case_report_inbox_order", *_INBOX_ORDER, Case.accept_deadline, Case.id),
    # Search by case number prefix (LIKE 'BG-20261202%'): the unique index on number cannot
    # serve LIKE unless the collation is C; the pattern operator class can (0014).
    Index("ix_case_report_number_pattern", Case.number, postgresql_ops={"number": "varchar_pattern_ops"}),
    # "Is there an open report about this child?" (visit_plan.risk_parts: by the child's
    # file, or by name within the township), asked once per child by the visit plan (0014).
    Index("ix_case_report_open_child", Case.child_id, postgresql_where=_OPEN, sqlite_where=_OPEN),
    Index("ix_case_report_open_name", Case.child_name_hash, Case.township_id,
          postgresql_where=_OPEN, sqlite_where=_OPEN),
    # Newest-first case lists and the dashboard's counts, per township and per office; the
    # category makes "cases by category and month" an index-only scan (case rows are wide:
    # the encrypted report is most of them).
    Index("ix_case_report_township_created", Case.township_id, Case.created_at, Case.category),
    Index("ix_case_report_unit_created", Case.assigned_unit, Case.created_at),
    # County-wide: by month and category, and "accepted within the deadline", index-only.
    Index("ix_case_report_created_cover", Case.created_at, Case.category, Case.accept_deadline, Case.id),
    Index("ix_case_report_township_status", Case.township_id, Case.status),
    # "Accepted within the deadline": a case's acceptance, read from the index alone.
    Index("ix_case_event_case_action_at", CaseEvent.case_id, CaseEvent.action, CaseEvent.at),
    # The child ledger of a village or a school, in id order (a page at a time).
    Index("ix_child_village_list", Child.village_id, Child.id),
    Index("ix_child_school_list", Child.school_id, Child.id),
    # Left-behind children per village, and the overdue-contact list: per township, and
    # county-wide (with the child's id for "no recent visit"), both index-only.
    Index("ix_child_township_status_village", Child.township_id, Child.status, Child.village_id),
    Index("ix_child_status_village", Child.status, Child.village_id, Child.id),
    # The child file's visits (newest first) and "no contact since …" per child; the
    # recent visits of the whole county.
    Index("ix_visit_child_at", Visit.child_id, Visit.at),
    Index("ix_visit_at_child", Visit.at, Visit.child_id),
    # The visit plan (core/services/visit_plan_sql.py), per child in scope and read from the
    # index alone (0015): the first registration; the latest visit that found a problem (a
    # few percent of visits); the open extreme-weather visit (none most of the year).
    Index("ix_entrustment_child_created", Entrustment.child_id, Entrustment.created_at),
    Index("ix_visit_child_flagged", Visit.child_id, Visit.at, postgresql_where=VISIT_FLAGGED,
          sqlite_where=VISIT_FLAGGED),
    Index("ix_follow_up_task_weather_open", FollowUpTask.child_id, FollowUpTask.due_at,
          postgresql_where=WEATHER_OPEN, sqlite_where=WEATHER_OPEN),
)
