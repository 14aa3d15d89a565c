"""visit plan indexes: the per-child facts of the visit plan, read from indexes alone

The visit plan page (core/services/visit_plan_sql.py) reads, for every left-behind child in
the user's scope, the first registration, the latest visit, the latest home visit, the
latest visit that found a problem and any open extreme-weather visit. The latest visits
come from ix_visit_child_kind_at; these three serve the rest without reading table rows.

Revision ID: 0015_visit_plan_indexes
Revises: 0014_dashboard_summary
Create Date: 2026-12-03 08:15:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0015_visit_plan_indexes'
down_revision = '0014_dashboard_summary'
branch_labels = None
depends_on = None

FLAGGED = sa.text("safety IN ('concern', 'danger') OR guardianship IN ('concern', 'danger') OR "
                  "health IN ('concern', 'danger') OR schooling IN ('concern', 'danger')")
WEATHER_OPEN = sa.text("kind = 'weather_visit' AND done_at IS NULL")


def upgrade() -> None:
    op.create_index('ix_entrustment_child_created', 'entrustment', ['child_id', 'created_at'])
    op.create_index('ix_visit_child_flagged', 'visit', ['child_id', 'at'],
                    postgresql_where=FLAGGED, sqlite_where=FLAGGED)
    op.create_index('ix_follow_up_task_weather_open', 'follow_up_task', ['child_id', 'due_at'],
                    postgresql_where=WEATHER_OPEN, sqlite_where=WEATHER_OPEN)


def downgrade() -> None:
    op.drop_index('ix_follow_up_task_weather_open', table_name='follow_up_task')
    op.drop_index('ix_visit_child_flagged', table_name='visit')
    op.drop_index('ix_entrustment_child_created', table_name='entrustment')
