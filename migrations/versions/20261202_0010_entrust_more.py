"""entrustment, more: where a joining parent works (and their employer, encrypted), how a
quarterly check was sent, and codes not tied to a registration (a parent asking the
village committee to re-bind a registration to a new account)

Revision ID: 0010_entrust_more
Revises: 0006_entrustment_details
Create Date: 2026-12-02 15:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_entrust_more'
down_revision = '0008_visits_tasks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('parent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('work_city', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('work_province', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('work_country', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('employer', sa.Text(), nullable=True))
    with op.batch_alter_table('entrust_check', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_by', sa.String(length=20), nullable=True))
    with op.batch_alter_table('entrust_code', schema=None) as batch_op:
        batch_op.alter_column('parent_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('entrust_code', schema=None) as batch_op:
        batch_op.alter_column('parent_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('entrust_check', schema=None) as batch_op:
        batch_op.drop_column('sent_by')
    with op.batch_alter_table('parent', schema=None) as batch_op:
        batch_op.drop_column('employer')
        batch_op.drop_column('work_country')
        batch_op.drop_column('work_province')
        batch_op.drop_column('work_city')
