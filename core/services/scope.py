"""Jurisdiction scoping: every staff query goes through these filters.

Where each role's reads reach is the permission table's (core/permissions.py): the scope
of `view_case` for cases, of `view_child` for the child ledger.
"""
from __future__ import annotations

from sqlalchemy import false, true

from core import permissions as perm
from core.models import Case, Child, StaffUser


def case_scope(user: StaffUser, action: str = "view_case", on=Case):
    """`on`: the table filtered, Case or a summary with the same place columns
    (township_id, village_id, assigned_unit), so a summary row is scoped like its cases."""
    scope = perm.scope_for(user.role, action)
    if scope == perm.REGION:
        return true()
    if scope == perm.TOWNSHIP and user.township_id:
        return on.township_id == user.township_id
    if scope == perm.VILLAGE and user.village_id:
        return on.village_id == user.village_id
    if scope == perm.SCHOOL and user.school is not None:
        return on.assigned_unit == user.school.name
    if scope == perm.ASSIGNED:
        units = perm.office_units(user)
        return on.assigned_unit.in_(sorted(units)) if units else false()
    return false()


def child_scope(user: StaffUser, action: str = "view_child", on=Child):
    """`on`: Child or a summary with township_id, village_id and school_id."""
    scope = perm.scope_for(user.role, action)
    if scope == perm.REGION:
        return true()
    if scope == perm.TOWNSHIP and user.township_id:
        return on.township_id == user.township_id
    if scope == perm.VILLAGE and user.village_id:
        return on.village_id == user.village_id
    if scope == perm.SCHOOL and user.school_id:
        return on.school_id == user.school_id
    return false()
