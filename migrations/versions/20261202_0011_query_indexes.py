"""indexes for the staff pages at county scale: the open-case inbox (partial), newest-first
case lists and dashboard counts per township and office, the school's child ledger,
left-behind children per village, and a child's visits (core/models/indexes.py;
measured by bench/admin_scale.py)

Revision ID: 0011_query_indexes
Revises: 0006_entrustment_details
Create Date: 2026-12-02 16:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_query_indexes'
down_revision = '0006_entrustment_details'
branch_labels = None
depends_on = None

OPEN = ('submitted', 'accepted', 'responding', 'referred', 'assessing', 'assisting', 'monitoring')
OPEN_WHERE = sa.text("status IN (" + ", ".join(f"'{s}'" for s in OPEN) + ")")

# (name, table, columns, partial: only open cases)
INDEXES = (
    ('ix_case_report_open_township', 'case_report', ['township_id', 'accept_deadline'], True),
    ('ix_case_report_open_unit', 'case_report', ['assigned_unit', 'accept_deadline'], True),
    ('ix_case_report_township_created', 'case_report', ['township_id', 'created_at'], False),
    ('ix_case_report_unit_created', 'case_report', ['assigned_unit', 'created_at'], False),
    ('ix_case_report_township_status', 'case_report', ['township_id', 'status'], False),
    ('ix_child_school_id', 'child', ['school_id'], False),
    ('ix_child_township_status_village', 'child', ['township_id', 'status', 'village_id'], False),
    ('ix_visit_child_at', 'visit', ['child_id', 'at'], False),
)


def upgrade() -> None:
    for name, table, columns, partial in INDEXES:
        where = {'postgresql_where': OPEN_WHERE, 'sqlite_where': OPEN_WHERE} if partial else {}
        op.create_index(name, table, columns, unique=False, **where)


def downgrade() -> None:
    for name, table, _columns, _partial in reversed(INDEXES):
        op.drop_index(name, table_name=table)
