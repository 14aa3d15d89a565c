"""dashboard summary: county aggregates recomputed by a periodic task

The county dashboard counted 200,000 cases and 1,000,000 children on every view (p95
0.4-1.4 s in bench/admin_scale.py). These tables hold the counts per month, place,
office, category and status (core/services/dashboard_summary.py refreshes them). Indexes:
the inbox's order over every status, case number prefix search, open reports about a child.

Revision ID: 0014_dashboard_summary
Revises: 0013_case_counter
Create Date: 2026-12-03 07:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_dashboard_summary'
down_revision = '0013_case_counter'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dashboard_refresh',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('refreshed_at', sa.DateTime(), nullable=False),
        sa.Column('tz', sa.String(length=64), nullable=False),
        sa.Column('took_ms', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboard_refresh')),
    )
    op.create_table(
        'dashboard_case_month',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=True),
        sa.Column('village_id', sa.Integer(), nullable=True),
        sa.Column('assigned_unit', sa.String(length=100), nullable=False),
        sa.Column('category', sa.String(length=30), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('cases', sa.Integer(), nullable=False),
        sa.Column('due', sa.Integer(), nullable=False),
        sa.Column('on_time', sa.Integer(), nullable=False),
        sa.Column('late_unaccepted', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboard_case_month')),
    )
    op.create_index('ix_dashboard_case_month_village', 'dashboard_case_month', ['village_id'])
    op.create_table(
        'dashboard_case_town_month',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=True),
        sa.Column('assigned_unit', sa.String(length=100), nullable=False),
        sa.Column('category', sa.String(length=30), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('cases', sa.Integer(), nullable=False),
        sa.Column('due', sa.Integer(), nullable=False),
        sa.Column('on_time', sa.Integer(), nullable=False),
        sa.Column('late_unaccepted', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboard_case_town_month')),
    )
    op.create_index('ix_dashboard_case_town_month_township', 'dashboard_case_town_month', ['township_id'])
    op.create_index('ix_dashboard_case_town_month_unit', 'dashboard_case_town_month', ['assigned_unit'])
    op.create_table(
        'dashboard_child_place',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=True),
        sa.Column('school_id', sa.Integer(), nullable=True),
        sa.Column('left_behind', sa.Integer(), nullable=False),
        sa.Column('contact_overdue', sa.Integer(), nullable=False),
        sa.Column('home_visit_overdue', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboard_child_place')),
    )
    op.create_index('ix_dashboard_child_place_township', 'dashboard_child_place', ['township_id'])
    # The inbox with every status, in its order (core/models/indexes.py: the same expressions).
    op.create_index('ix_case_report_inbox_order', 'case_report', [
        sa.text("(CASE urgency WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END)"),
        sa.text("(CASE WHEN status = 'submitted' THEN 0 ELSE 1 END)"), 'accept_deadline', 'id'])
    # An open report about a child (by file or by name in the township): the visit plan.
    open_ = sa.text("status IN ('submitted', 'accepted', 'responding', 'referred', 'assessing', "
                    "'assisting', 'monitoring')")
    op.create_index('ix_case_report_open_child', 'case_report', ['child_id'],
                    postgresql_where=open_, sqlite_where=open_)
    op.create_index('ix_case_report_open_name', 'case_report', ['child_name_hash', 'township_id'],
                    postgresql_where=open_, sqlite_where=open_)
    # Case number prefix search (LIKE 'BG-…%') whatever the database's collation.
    op.create_index('ix_case_report_number_pattern', 'case_report', ['number'],
                    postgresql_ops={'number': 'varchar_pattern_ops'})


def downgrade() -> None:
    op.drop_index('ix_case_report_number_pattern', table_name='case_report')
    op.drop_index('ix_case_report_open_name', table_name='case_report')
    op.drop_index('ix_case_report_open_child', table_name='case_report')
    op.drop_index('ix_case_report_inbox_order', table_name='case_report')
    op.drop_table('dashboard_child_place')
    op.drop_index('ix_dashboard_case_town_month_unit', table_name='dashboard_case_town_month')
    op.drop_index('ix_dashboard_case_town_month_township', table_name='dashboard_case_town_month')
    op.drop_table('dashboard_case_town_month')
    op.drop_index('ix_dashboard_case_month_village', table_name='dashboard_case_month')
    op.drop_table('dashboard_case_month')
    op.drop_table('dashboard_refresh')
