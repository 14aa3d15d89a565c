"""indexes for the staff pages at county scale: the open-case inbox (partial), newest-first
case lists and dashboard counts per township and office, cases by month, acceptance in
time, the village's and the school's child ledger, left-behind children per village, a
child's visits and the county's recent visits (core/models/indexes.py; measured by
bench/admin_scale.py)

Revision ID: 0011_query_indexes
Revises: 0006_entrustment_details
Create Date: 2026-12-02 16:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_query_indexes'
down_revision = '0012_staff_admin'
branch_labels = None
depends_on = None

OPEN = ('submitted', 'accepted', 'responding', 'referred', 'assessing', 'assisting', 'monitoring')
OPEN_WHERE = sa.text("status IN (" + ", ".join(f"'{s}'" for s in OPEN) + ")")

# (name, table, columns, partial index predicate or None)
INDEXES = (
    ('ix_case_report_open_township', 'case_report', ['township_id', 'accept_deadline'], OPEN_WHERE),
    ('ix_case_report_open_unit', 'case_report', ['assigned_unit', 'accept_deadline'], OPEN_WHERE),
    ('ix_case_report_township_created', 'case_report', ['township_id', 'created_at', 'category'], None),
    ('ix_case_report_unit_created', 'case_report', ['assigned_unit', 'created_at'], None),
    ('ix_case_report_created_cover', 'case_report', ['created_at', 'category', 'accept_deadline', 'id'], None),
    ('ix_case_report_township_status', 'case_report', ['township_id', 'status'], None),
    ('ix_case_event_case_action_at', 'case_event', ['case_id', 'action', 'at'], None),
    ('ix_child_village_list', 'child', ['village_id', 'id'], None),
    ('ix_child_school_list', 'child', ['school_id', 'id'], None),
    ('ix_child_township_status_village', 'child', ['township_id', 'status', 'village_id'], None),
    ('ix_child_status_village', 'child', ['status', 'village_id', 'id'], None),
    ('ix_visit_child_at', 'visit', ['child_id', 'at'], None),
    ('ix_visit_at_child', 'visit', ['at', 'child_id'], None),
)


def upgrade() -> None:
    for name, table, columns, where in INDEXES:
        partial = {'postgresql_where': where, 'sqlite_where': where} if where is not None else {}
        op.create_index(name, table, columns, unique=False, **partial)


def downgrade() -> None:
    for name, table, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name=table)
