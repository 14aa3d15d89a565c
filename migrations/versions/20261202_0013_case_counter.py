"""case counter: one row per day holding the last case sequence number handed out

Replaces max(number)+1, which collided under concurrent filing on PostgreSQL and
compared numbers as strings. Seeded from the cases already filed.

Revision ID: 0013_case_counter
Revises: 0012_staff_admin
Create Date: 2026-12-02 17:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_case_counter'
down_revision = '0011_query_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    counter = op.create_table(
        'case_counter',
        sa.Column('day', sa.String(length=8), nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_case_counter')),
    )
    last: dict[str, int] = {}
    for (number,) in op.get_bind().execute(sa.text("SELECT number FROM case_report")):
        parts = (number or "").split("-")
        if len(parts) == 3 and parts[0] == "BG" and parts[1].isdigit() and parts[2].isdigit():
            last[parts[1]] = max(last.get(parts[1], 0), int(parts[2]))
    if last:
        op.bulk_insert(counter, [{"day": day, "last": n} for day, n in sorted(last.items())])


def downgrade() -> None:
    op.drop_table('case_counter')
