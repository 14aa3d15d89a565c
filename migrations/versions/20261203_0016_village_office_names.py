"""village office names: tasks and cases addressed to "东风村村委会", not "东风村村（居）委会"

A village's committee was addressed with the generic term 村（居）委会 after its name, which
reads oddly beside a named village. Village staff see tasks by this name
(core/services/tasks.py office_units), so stored addresses are renamed with it. The case
history (case_event notes) keeps what was written at the time.

Revision ID: 0016_village_office_names
Revises: 0015_visit_plan_indexes
Create Date: 2026-12-03 14:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0016_village_office_names'
down_revision = '0015_visit_plan_indexes'
branch_labels = None
depends_on = None

TABLES = ('follow_up_task', 'case_report', 'dashboard_case_month', 'dashboard_case_town_month')
OLD, VILLAGE, COMMUNITY = '村（居）委会', '村委会', '居委会'


def _suffix(old: str, new: str, before: str = '') -> None:
    """Every address ending in before+old ends in before+new afterwards."""
    for table in TABLES:
        op.execute(sa.text(
            f"UPDATE {table} SET assigned_unit = substr(assigned_unit, 1, length(assigned_unit) - :n) || :new "
            f"WHERE assigned_unit LIKE :pattern").bindparams(n=len(old), new=new, pattern=f'%{before}{old}'))


def upgrade() -> None:
    _suffix(OLD, COMMUNITY, before='社区')  # a community answers through its residents' committee
    _suffix(OLD, VILLAGE)


def downgrade() -> None:
    _suffix(COMMUNITY, OLD, before='社区')
    _suffix(VILLAGE, OLD)
