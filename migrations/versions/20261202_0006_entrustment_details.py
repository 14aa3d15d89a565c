"""entrustment details: work province/country, employer, dates, the other parent, the
guardian's age, health and living arrangement, the end of an entrustment, the child's
school and class, and one-time codes for joining and verifying a registration

Revision ID: 0006_entrustment_details
Revises: 0005_staff_login
Create Date: 2026-12-02 14:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_entrustment_details'
down_revision = '0005_staff_login'
branch_labels = None
depends_on = None

def _entrustment_columns() -> tuple:
    return (
        sa.Column('work_province', sa.String(length=30), nullable=True),
        sa.Column('work_country', sa.String(length=30), nullable=True),
        sa.Column('employer', sa.Text(), nullable=True),
        sa.Column('left_on', sa.Date(), nullable=True),
        sa.Column('return_plan', sa.String(length=60), nullable=True),
        sa.Column('other_parent', sa.String(length=20), nullable=True),
        sa.Column('guardian_age', sa.Integer(), nullable=True),
        sa.Column('guardian_health', sa.String(length=20), nullable=True),
        sa.Column('guardian_lives_with', sa.Boolean(), nullable=True),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('change', sa.String(length=200), nullable=True),
        sa.Column('concerns', sa.String(length=200), nullable=True),
    )


def upgrade() -> None:
    with op.batch_alter_table('entrustment', schema=None) as batch_op:
        for column in _entrustment_columns():
            batch_op.add_column(column)
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('school_class', sa.String(length=30), nullable=True))
    op.create_table(
        'entrust_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=False),
        sa.Column('for_channel_user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['parent_id'], ['parent.id'], name=op.f('fk_entrust_code_parent_id_parent')),
        sa.ForeignKeyConstraint(['for_channel_user_id'], ['channel_user.id'],
                                name=op.f('fk_entrust_code_for_channel_user_id_channel_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_entrust_code')),
    )
    with op.batch_alter_table('entrust_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entrust_code_code_hash'), ['code_hash'], unique=False)
    op.create_table(
        'entrust_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('delivered', sa.Boolean(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('escalated_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_entrust_check_child_id_child')),
        sa.ForeignKeyConstraint(['parent_id'], ['parent.id'], name=op.f('fk_entrust_check_parent_id_parent')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_entrust_check')),
    )
    with op.batch_alter_table('entrust_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entrust_check_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entrust_check_due_at'), ['due_at'], unique=False)


def downgrade() -> None:
    op.drop_table('entrust_check')
    with op.batch_alter_table('entrust_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entrust_code_code_hash'))
    op.drop_table('entrust_code')
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_column('school_class')
        batch_op.drop_column('school_name')
    with op.batch_alter_table('entrustment', schema=None) as batch_op:
        for column in reversed(_entrustment_columns()):
            batch_op.drop_column(column.name)
