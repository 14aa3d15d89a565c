"""reports: unfinished report drafts

Revision ID: 0003_reports
Revises: 0001
Create Date: 2026-11-28 23:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_reports'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_user_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['channel_user_id'], ['channel_user.id'], name=op.f('fk_report_draft_channel_user_id_channel_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_draft')),
    sa.UniqueConstraint('channel_user_id', name=op.f('uq_report_draft_channel_user_id'))
    )
    with op.batch_alter_table('report_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_draft_updated_at'), ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_draft_updated_at'))
    op.drop_table('report_draft')
