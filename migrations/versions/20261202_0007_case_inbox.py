"""case inbox and structured steps: what each staff step recorded (case_event.detail)

Revision ID: 0007_case_inbox
Revises: 0006_entrustment_details
Create Date: 2026-12-02 16:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_case_inbox'
down_revision = '0006_entrustment_details'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_column('detail')
