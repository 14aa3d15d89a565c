"""cases: a unique submission key (the conversation and the draft it was filed from)

Revision ID: 0004_submission_key
Revises: 0003_reports
Create Date: 2026-12-02 13:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_submission_key'
down_revision = '0003_reports'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_case_report_submission_key'), ['submission_key'])


def downgrade() -> None:
    with op.batch_alter_table('case_report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_case_report_submission_key'), type_='unique')
        batch_op.drop_column('submission_key')
