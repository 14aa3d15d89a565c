"""Jurisdiction scoping: every staff query goes through these filters.

Where each role's reads reach is the permission table's (core/permissions.py): the scope
of `view_case` for cases, of `view_child` for the child ledger.
"""
from __future__ import annotations

from sqlalchemy import false, true

from core import permissions as perm
from core.models import Case, Child, StaffUser


def case_scope(user: StaffUser, action: str = "view_case"):
    scope = perm.scope_for(user.role, action)
    if scope == perm.REGION:
        return true()
    if scope == perm.TOWNSHIP and user.township_id:
        return Case.township_id == user.township_id
    if scope == perm.VILLAGE and user.village_id:
        return Case.village_id == user.village_id
    if scope == perm.SCHOOL and user.school is not None:
        return Case.assigned_unit == user.school.name
    if scope == perm.ASSIGNED:
        units = perm.office_units(user)
        return Case.assigned_unit.in_(sorted(units)) if units else false()
    return false()


def child_scope(user: StaffUser, action: str = "view_child"):
    scope = perm.scope_for(user.role, action)
    if scope == perm.REGION:
        return true()
    if scope == perm.TOWNSHIP and user.township_id:
        return Child.township_id == user.township_id
    if scope == perm.VILLAGE and user.village_id:
        return Child.village_id == user.village_id
    if scope == perm.SCHOOL and user.school_id:
        return Child.school_id == user.school_id
    return false()
