"""visits and tasks: a visit's visitor, findings and the case it raised; a task's outcome,
outcome note and who completed it; indexes for the visit plan and the office task list

Revision ID: 0008_visits_tasks
Revises: 0006_entrustment_details
Create Date: 2026-12-02 16:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_visits_tasks'
down_revision = '0007_case_inbox'
branch_labels = None
depends_on = None


def _visit_columns() -> tuple:
    return (
        sa.Column('visitor', sa.Text(), nullable=True),
        sa.Column('safety', sa.String(length=10), nullable=True),
        sa.Column('guardianship', sa.String(length=10), nullable=True),
        sa.Column('health', sa.String(length=10), nullable=True),
        sa.Column('schooling', sa.String(length=10), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        # Rows before this revision get the migration time; the model's default fills new ones.
        sa.Column('created_at', sa.DateTime(), nullable=False, server_default=sa.func.now()),
    )


def upgrade() -> None:
    with op.batch_alter_table('visit', schema=None) as batch_op:
        for column in _visit_columns():
            batch_op.add_column(column)
        batch_op.create_foreign_key(batch_op.f('fk_visit_case_id_case_report'), 'case_report',
                                    ['case_id'], ['id'])
        batch_op.create_index('ix_visit_child_kind_at', ['child_id', 'kind', 'at'], unique=False)
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.alter_column('created_at', server_default=None)
    with op.batch_alter_table('follow_up_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('outcome_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('done_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_follow_up_task_done_by_staff_user'), 'staff_user',
                                    ['done_by'], ['id'])
        batch_op.create_index(batch_op.f('ix_follow_up_task_assigned_unit'), ['assigned_unit'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('follow_up_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_task_assigned_unit'))
        batch_op.drop_constraint(batch_op.f('fk_follow_up_task_done_by_staff_user'), type_='foreignkey')
        batch_op.drop_column('done_by')
        batch_op.drop_column('outcome_note')
        batch_op.drop_column('outcome')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_child_kind_at')
        batch_op.drop_constraint(batch_op.f('fk_visit_case_id_case_report'), type_='foreignkey')
        for column in reversed(_visit_columns()):
            batch_op.drop_column(column.name)
